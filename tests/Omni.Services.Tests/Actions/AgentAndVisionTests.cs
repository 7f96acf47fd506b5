using System.Text.Json;
using Omni.Services.Actions;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Vision;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary><c>route.agent.default</c> and <c>transform.describe.image</c>: OpenAI-compatible chat completions through Microsoft.Extensions.AI.</summary>
[Collection(UsesAzurite.Name)]
public sealed class AgentAndVisionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Agent_PostsChatCompletionWithSystemPromptAndEventText_ReturnsChoiceContent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, "Tudo ótimo! Em que posso ajudar?");

        var outcome = await host.Executor<AgentChatExecutor>().ExecuteAsync(
            ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent("Oi, tudo bem?")), CancellationToken.None);

        var request = host.Server.OnlyRequest(Providers.ChatPath);
        Assert.Equal("Bearer " + ActionsHost.AgentKey, request.Header("Authorization"));
        var body = request.Json();
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(("system", "You are Omni's helpful assistant."), (messages[0].GetProperty("role").GetString(), Content(messages[0])));
        Assert.Equal(("user", "Oi, tudo bem?"), (messages[1].GetProperty("role").GetString(), Content(messages[1])));
        Assert.Equal("Tudo ótimo! Em que posso ajudar?", outcome.OutputString("text"));
        Assert.Equal("default", outcome.OutputString("agent"));
        Assert.Equal("gpt-4o-mini-2024-07-18", outcome.OutputString("model"));
    }

    [Fact]
    public async Task Agent_StepParametersOverrideSystemPromptAndInput()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.Chat(host, Providers.ChatPath, "ok");

        await host.Executor<AgentChatExecutor>().ExecuteAsync(ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent("ignored"),
            new { system_prompt = "Answer in Portuguese.", input = "Transcript: chego às cinco" }), CancellationToken.None);

        var messages = host.Server.OnlyRequest(Providers.ChatPath).Json().GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("Answer in Portuguese.", Content(messages[0]));
        Assert.Equal("Transcript: chego às cinco", Content(messages[1]));
    }

    [Fact]
    public async Task Agent_429WithRetryAfter_TransientWithRetryAfter_NoSdkRetries()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).RespondWith(
            Providers.Error(429, "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.", "requests", "rate_limit_exceeded")
                .WithHeader("retry-after", "20"));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => host.Executor<AgentChatExecutor>().ExecuteAsync(
            ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent()), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(20), ex.RetryAfter);
        Assert.Equal(429, ex.StatusCode);
        Assert.Single(host.Server.LogEntries); // the OpenAI SDK's own retries are off: retrying is the workflow's call
    }

    [Fact]
    public async Task Agent_InvalidKey_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).RespondWith(
            Providers.Error(401, "Incorrect API key provided: sk-agent***test.", "invalid_request_error", "invalid_api_key"));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<AgentChatExecutor>().ExecuteAsync(
            ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent()), CancellationToken.None));
        Assert.Equal(401, ex.StatusCode);
    }

    [Fact]
    public async Task Agent_ServerError_Transient()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost()).RespondWith(
            Providers.Error(500, "The server had an error while processing your request. Sorry about that!", "server_error"));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => host.Executor<AgentChatExecutor>().ExecuteAsync(
            ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent()), CancellationToken.None));
        Assert.Equal(500, ex.StatusCode);
        Assert.Single(host.Server.LogEntries);
    }

    [Fact]
    public async Task Agent_NoAnswerWithinTimeout_Transient()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Agents:default:Timeout"] = "00:00:00.300" });
        host.Server.Given(Request.Create().WithPath(Providers.ChatPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.ChatCompletion("late")).WithDelay(TimeSpan.FromSeconds(3)));

        await Assert.ThrowsAsync<TransientActionException>(() => host.Executor<AgentChatExecutor>().ExecuteAsync(
            ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent()), CancellationToken.None));
    }

    [Fact]
    public async Task Agent_UnknownAgent_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<AgentChatExecutor>().ExecuteAsync(
            ActionsHost.Invocation(AgentChatExecutor.Id, ActionsHost.TextEvent(), new { agent = "sales" }), CancellationToken.None));
        Assert.Contains("Omni:Agents:sales", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeImage_SendsPromptAndImageAsDataUriContentParts()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeImage(host);
        Providers.Chat(host, "/qwen/v1/chat/completions", "A handwritten note that says 'call me at 5'.");
        var e = host.MediaEvent("image", Providers.ImagePath, "image/jpeg") with { IsViewOnce = true };

        var outcome = await host.Executor<DescribeImageExecutor>().ExecuteAsync(
            ActionsHost.Invocation(DescribeImageExecutor.Id, e, new { language = "en" }).WithProvider("qwen-vl"), CancellationToken.None);

        var request = host.Server.OnlyRequest("/qwen/v1/chat/completions");
        Assert.Equal("Bearer qwen-key", request.Header("Authorization"));
        var body = request.Json();
        Assert.Equal("qwen2.5-vl-7b-instruct", body.GetProperty("model").GetString());
        var parts = body.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.StartsWith(DescribeImageExecutor.DefaultPrompt, parts[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(Providers.ImageBytes), parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("A handwritten note that says 'call me at 5'.", outcome.OutputString("text"));
        Assert.Equal("qwen-vl", outcome.Provider);
    }

    [Fact]
    public async Task DescribeImage_Chain_FirstProviderUnconfigured_SecondDescribes()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeImage(host);
        Providers.Chat(host, Providers.ChatPath, "A cat on a sofa.");
        var e = host.MediaEvent("image", Providers.ImagePath, "image/jpeg");

        var outcome = await host.Chains.RunAsync(host.Executor<DescribeImageExecutor>(), ActionsHost.Invocation(DescribeImageExecutor.Id, e),
            ["local", "openai"], null, CancellationToken.None);

        Assert.Equal("openai", outcome.Provider);
        Assert.Contains("Omni:Providers:local:Endpoint", outcome.Chain![0].Error, StringComparison.Ordinal);
        Assert.Equal("Bearer " + ActionsHost.OpenAiKey, host.Server.OnlyRequest(Providers.ChatPath).Header("Authorization"));
    }

    private static string? Content(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()
            : string.Concat(content.EnumerateArray().Where(p => p.GetProperty("type").GetString() == "text").Select(p => p.GetProperty("text").GetString()));
    }
}
