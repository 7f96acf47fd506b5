using System.Text.Json;
using Omni.Services.Actions;
using Omni.Services.Actions.Safety;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary><c>validate.safety</c> against OpenAI's and Mistral's moderation endpoints, at their documented request and answer shapes.</summary>
[Collection(UsesAzurite.Name)]
public sealed class SafetyTests(AzuriteFixture azurite)
{
    private const string OpenAiPath = Moderation.OpenAiPath;
    private const string MistralPath = "/mistral/v1/moderations";
    private const string Draft = "I know where you live and I will hurt you.";

    private static readonly Dictionary<string, string?> WithMistral = new()
    {
        ["Omni:Providers:mistral:Endpoint"] = ActionsHost.ServerUrl + "/mistral/v1",
        ["Omni:Providers:mistral:ApiKey"] = "mistral-key",
    };

    private static ActionInvocation Check(object parameters, string provider = "openai") =>
        ActionsHost.Invocation(SafetyExecutor.Id, ActionsHost.TextEvent(), parameters).WithProvider(provider);

    [Fact]
    public async Task Safety_FlaggedText_StopVerdictWithTheFlaggingCategories()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Moderation.Moderate(host, OpenAiPath, Moderation.OpenAiAnswer(flagged: true));

        var outcome = await host.Executor<SafetyExecutor>().ExecuteAsync(Check(new { text = Draft }), CancellationToken.None);

        var request = host.Server.OnlyRequest(OpenAiPath);
        Assert.Equal("Bearer " + ActionsHost.OpenAiKey, request.Header("Authorization"));
        var body = request.Json();
        Assert.Equal("omni-moderation-latest", body.GetProperty("model").GetString());
        Assert.Equal([Draft], body.GetProperty("input").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("stop", outcome.OutputString("verdict"));
        Assert.True(outcome.Output.GetProperty("flagged").GetBoolean());
        Assert.Equal(["harassment", "harassment/threatening", "violence"], Strings(outcome.Output.GetProperty("categories")));
        Assert.Equal("blocked by validate.safety (openai): flagged for harassment, harassment/threatening, violence", outcome.OutputString("reason"));
        Assert.Equal("openai", outcome.OutputString("provider"));
    }

    [Fact]
    public async Task Safety_CleanText_ContinueVerdict()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Moderation.Moderate(host, OpenAiPath, Moderation.OpenAiAnswer(flagged: false));

        var outcome = await host.Executor<SafetyExecutor>().ExecuteAsync(Check(new { text = "See you at five!" }), CancellationToken.None);

        Assert.Equal("continue", outcome.OutputString("verdict"));
        Assert.False(outcome.Output.GetProperty("flagged").GetBoolean());
        Assert.Empty(Strings(outcome.Output.GetProperty("categories")));
    }

    [Fact]
    public async Task Safety_OnlyNamedCategoriesBlock_OtherFlagsPass()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Moderation.Moderate(host, OpenAiPath, Moderation.OpenAiAnswer(flagged: true));

        var outcome = await host.Executor<SafetyExecutor>().ExecuteAsync(Check(new { text = Draft, categories = new[] { "sexual/minors", "self-harm" } }),
            CancellationToken.None);

        Assert.Equal("continue", outcome.OutputString("verdict"));
        Assert.Contains("none of them blocking", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Safety_MistralAnswerWithoutFlagged_TrueCategoryBlocks()
    {
        await using var mistral = await ActionsHost.StartAsync(azurite, WithMistral);
        Moderation.Moderate(mistral, MistralPath, new
        {
            id = "4d71ae510af942108ef7344f903e2b88",
            model = "mistral-moderation-2411",
            results = new[]
            {
                new
                {
                    categories = new Dictionary<string, bool>
                    {
                        ["sexual"] = false, ["hate_and_discrimination"] = false, ["violence_and_threats"] = true, ["dangerous_and_criminal_content"] = false,
                        ["selfharm"] = false, ["health"] = false, ["financial"] = false, ["law"] = false, ["pii"] = false,
                    },
                    category_scores = new Dictionary<string, double> { ["violence_and_threats"] = 0.9912, ["sexual"] = 0.0001 },
                },
            },
        });

        var outcome = await mistral.Executor<SafetyExecutor>().ExecuteAsync(Check(new { text = Draft }, "mistral"), CancellationToken.None);

        Assert.Equal("Bearer mistral-key", mistral.Server.OnlyRequest(MistralPath).Header("Authorization"));
        Assert.Equal("mistral-moderation-latest", mistral.Server.OnlyRequest(MistralPath).Json().GetProperty("model").GetString());
        Assert.Equal("stop", outcome.OutputString("verdict"));
        Assert.Equal(["violence_and_threats"], Strings(outcome.Output.GetProperty("categories")));
    }

    [Fact]
    public async Task Safety_RateLimited_TransientWithRetryAfter()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(OpenAiPath).UsingPost()).RespondWith(
            Providers.Error(429, "Rate limit reached for omni-moderation-latest.", "requests", "rate_limit_exceeded").WithHeader("retry-after", "3"));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => host.Executor<SafetyExecutor>().ExecuteAsync(Check(new { text = Draft }),
            CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
    }

    [Fact]
    public async Task Safety_Chain_OpenAiDown_MistralModerates()
    {
        await using var both = await ActionsHost.StartAsync(azurite, WithMistral);
        both.Server.Given(Request.Create().WithPath(OpenAiPath).UsingPost())
            .RespondWith(Providers.Error(503, "The engine is currently overloaded, please try again later", "server_error"));
        Moderation.Moderate(both, MistralPath, new
        {
            id = "m1", model = "mistral-moderation-2411",
            results = new[] { new { categories = new Dictionary<string, bool> { ["pii"] = false, ["selfharm"] = false } } },
        });

        var outcome = await both.Chains.RunAsync(both.Executor<SafetyExecutor>(), ActionsHost.Invocation(SafetyExecutor.Id, ActionsHost.TextEvent(),
            new { text = "hello" }), ["openai", "mistral"], null, CancellationToken.None);

        Assert.Equal("mistral", outcome.Provider);
        Assert.Equal("continue", outcome.OutputString("verdict"));
        Assert.Contains("HTTP 503", outcome.Chain![0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Safety_AnswerNotAModerationResult_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Moderation.Moderate(host, OpenAiPath, new { id = "modr-1", model = "omni-moderation-latest", results = Array.Empty<object>() });

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<SafetyExecutor>().ExecuteAsync(Check(new { text = Draft }),
            CancellationToken.None));
        Assert.Contains("not what the API documents", ex.Message, StringComparison.Ordinal);
    }

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];
}
