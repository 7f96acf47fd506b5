using System.Text.Json;
using Omni.Services.Actions;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Text;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary>
/// <c>transform.translate</c> and <c>workflow.smart_decision</c>: OpenAI chat completions with
/// <c>response_format: json_schema</c> (strict), answered as OpenAI answers a structured output (the JSON in <c>content</c>).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TranslateAndDecisionTests(AzuriteFixture azurite)
{
    private static readonly string[] Branches = ["reply: an ordinary question we can answer", "escalate: angry, legal or a refund", "ignore: spam or no reply needed"];

    [Fact]
    public async Task Translate_AsksForTheSchemaAndReturnsTranslationAndSourceLanguage()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, """{"text":"I'll arrive at five.","source_language":"pt"}""");

        var outcome = await host.Executor<TranslateExecutor>().ExecuteAsync(
            ActionsHost.Invocation(TranslateExecutor.Id, ActionsHost.TextEvent("Chego às cinco."), new { to = "en" }).WithProvider("openai"),
            CancellationToken.None);

        var request = host.Server.OnlyRequest(Providers.ChatPath);
        Assert.Equal("Bearer " + ActionsHost.OpenAiKey, request.Header("Authorization"));
        var body = request.Json();
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Contains("ISO 639-1 code 'en'", Text(messages[0]), StringComparison.Ordinal);
        Assert.Equal("Chego às cinco.", Text(messages[1]));
        var format = body.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("translation", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.True(format.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.Equal(["text", "source_language"], Strings(format.GetProperty("json_schema").GetProperty("schema").GetProperty("required")));
        Assert.Equal("I'll arrive at five.", outcome.OutputString("text"));
        Assert.Equal("pt", outcome.OutputString("source_language"));
        Assert.Equal("openai", outcome.OutputString("provider"));
    }

    [Fact]
    public async Task Translate_TextParameterAndFrom_SentInsteadOfTheEvent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, """{"text":"Bonjour","source_language":"xx-unknown"}""");

        var outcome = await host.Executor<TranslateExecutor>().ExecuteAsync(ActionsHost.Invocation(TranslateExecutor.Id, ActionsHost.TextEvent("ignored"),
            new { to = "fr", text = "Hello", from = "en" }).WithProvider("openai"), CancellationToken.None);

        var messages = host.Server.OnlyRequest(Providers.ChatPath).Json().GetProperty("messages").EnumerateArray().ToList();
        Assert.Contains("from the language with code 'en'", Text(messages[0]), StringComparison.Ordinal);
        Assert.Equal("Hello", Text(messages[1]));
        Assert.Equal("en", outcome.OutputString("source_language"));
    }

    [Fact]
    public async Task Translate_AnswerNotTheRequestedJson_PermanentSoTheChainMovesOn()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, "I'll arrive at five.");

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<TranslateExecutor>().ExecuteAsync(
            ActionsHost.Invocation(TranslateExecutor.Id, ActionsHost.TextEvent("Chego às cinco."), new { to = "en" }).WithProvider("openai"),
            CancellationToken.None));
        Assert.Contains("requested JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translate_RenderedToNotALanguageCode_PermanentWithoutACall()
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<TranslateExecutor>().ExecuteAsync(
            ActionsHost.Invocation(TranslateExecutor.Id, ActionsHost.TextEvent(), new { to = "English" }).WithProvider("openai"), CancellationToken.None));
        Assert.Contains("ISO 639-1", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task Translate_Chain_LocalUnconfigured_GroqFails_OpenAiTranslates()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Fail(host, "/openai/v1/chat/completions", 500);
        Providers.Chat(host, Providers.ChatPath, """{"text":"Hi","source_language":"pt"}""");

        var outcome = await host.Chains.RunAsync(host.Executor<TranslateExecutor>(),
            ActionsHost.Invocation(TranslateExecutor.Id, ActionsHost.TextEvent("Oi"), new { to = "en" }), ["local", "groq", "openai"], null, CancellationToken.None);

        Assert.Equal("openai", outcome.Provider);
        Assert.Contains("Omni:Providers:local:Endpoint", outcome.Chain![0].Error, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", outcome.Chain[1].Error, StringComparison.Ordinal);
        Assert.Equal("llama-3.3-70b-versatile", host.Server.OnlyRequest("/openai/v1/chat/completions").Json().GetProperty("model").GetString());
    }

    [Fact]
    public async Task Decision_EnumOfBranchesInTheSchema_AgentsChoiceReturned()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, """{"branch":"escalate","reason":"The customer threatens legal action."}""");

        var outcome = await host.Executor<SmartDecisionExecutor>().ExecuteAsync(Decide(new { branches = Branches, fallback = "reply" }), CancellationToken.None);

        var request = host.Server.OnlyRequest(Providers.ChatPath);
        Assert.Equal("Bearer " + ActionsHost.AgentKey, request.Header("Authorization"));
        var body = request.Json();
        var schema = body.GetProperty("response_format").GetProperty("json_schema");
        Assert.Equal("branch_choice", schema.GetProperty("name").GetString());
        Assert.True(schema.GetProperty("strict").GetBoolean());
        Assert.Equal(["reply", "escalate", "ignore"], Strings(schema.GetProperty("schema").GetProperty("properties").GetProperty("branch").GetProperty("enum")));
        var system = Text(body.GetProperty("messages")[0]);
        Assert.Contains("- escalate: angry, legal or a refund", system, StringComparison.Ordinal);
        Assert.Equal("I want my money back or I call my lawyer", Text(body.GetProperty("messages")[1]));
        Assert.Equal("escalate", outcome.OutputString("branch"));
        Assert.Equal("The customer threatens legal action.", outcome.OutputString("reason"));
        Assert.Equal("default", outcome.OutputString("provider"));
        Assert.False(outcome.Output.GetProperty("fell_back").GetBoolean());
    }

    [Fact]
    public async Task Decision_AnswerOutsideTheBranches_Fallback()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, """{"branch":"refund","reason":"They want a refund."}""");

        var outcome = await host.Executor<SmartDecisionExecutor>().ExecuteAsync(Decide(new { branches = Branches, fallback = "reply" }), CancellationToken.None);

        Assert.Equal("reply", outcome.OutputString("branch"));
        Assert.True(outcome.Output.GetProperty("fell_back").GetBoolean());
        Assert.Contains("'refund', not one of reply, escalate, ignore", outcome.OutputString("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decision_AgentFails_FallbackWithTheError()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).RespondWith(
            Providers.Error(500, "The server had an error while processing your request. Sorry about that!", "server_error"));

        var outcome = await host.Executor<SmartDecisionExecutor>().ExecuteAsync(Decide(new { branches = Branches, fallback = "ignore" }), CancellationToken.None);

        Assert.Equal("ignore", outcome.OutputString("branch"));
        Assert.True(outcome.Output.GetProperty("fell_back").GetBoolean());
        Assert.Contains("HTTP 500", outcome.OutputString("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decision_RenderedFallbackNotABranch_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<SmartDecisionExecutor>().ExecuteAsync(
            Decide(new { branches = Branches, fallback = "maybe" }), CancellationToken.None));
        Assert.Contains("fallback 'maybe' is not one of the branches", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task Decision_UnknownAgent_PermanentNotFallback()
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<SmartDecisionExecutor>().ExecuteAsync(
            Decide(new { branches = Branches, fallback = "reply", agent = "sales" }), CancellationToken.None));
    }

    private static ActionInvocation Decide(object parameters) =>
        ActionsHost.Invocation(SmartDecisionExecutor.Id, ActionsHost.TextEvent("I want my money back or I call my lawyer"), parameters);

    private static string? Text(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()
            : string.Concat(content.EnumerateArray().Where(p => p.GetProperty("type").GetString() == "text").Select(p => p.GetProperty("text").GetString()));
    }

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];
}
