using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Connections;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Connections;

/// <summary><c>route.reply</c> on a Slack event against a WireMock Web API answering like <c>chat.postMessage</c>.</summary>
[Collection(UsesAzurite.Name)]
public sealed class SlackReplyTests(AzuriteFixture azurite)
{
    private const string Instance = "demo-slack";
    private const string Token = "xoxb-test-token";
    private const string PostMessagePath = "/api/chat.postMessage";
    private const string Channel = "C0CHANNEL1";

    private static Task<ActionsHost> StartAsync(AzuriteFixture azurite, string? token = Token) =>
        ActionsHost.StartWithBotAsync(azurite, Instance, "slack", token, "/api/");

    private static OmniEvent SlackEvent(string? threadTs = null) => ActionsHost.TextEvent("who's in tomorrow?") with
    {
        Channel = Channels.Slack,
        Provider = "slack",
        Instance = Instance,
        ProviderEventId = Channel + ":1767225600.000100",
        ProviderMessageId = "1767225600.000100",
        ConversationId = Channel,
        SenderHandle = "U0ANA",
        IsGroup = true,
        ProviderMetadata = threadTs is null ? null : JsonSerializer.SerializeToElement(new { thread_ts = threadTs }),
    };

    private static void Answer(ActionsHost host, object body, int status = 200, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithBodyAsJson(body);
        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        host.Server.Given(Request.Create().WithPath(PostMessagePath).UsingPost()).RespondWith(response);
    }

    private static object Posted(string ts = "1767225700.000200") => new
    {
        ok = true,
        channel = Channel,
        ts,
        message = new { bot_id = "B01", type = "message", text = "I am", user = "U0BOT", ts, app_id = "A01", team = "T01" },
    };

    private static Task<ActionOutcome> ReplyAsync(ActionsHost host, OmniEvent e, object parameters) =>
        host.Executor<RouteReplyExecutor>().ExecuteAsync(ActionsHost.Invocation(RouteReplyExecutor.Id, e, parameters), CancellationToken.None);

    [Fact]
    public async Task Reply_PostsMessageWithBearerToken_ReturnsTheNewTs()
    {
        await using var host = await StartAsync(azurite);
        Answer(host, Posted());

        var outcome = await ReplyAsync(host, SlackEvent(), new { text = "I am" });

        var request = host.Server.OnlyRequest(PostMessagePath);
        Assert.Equal("Bearer " + Token, request.Header("Authorization"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = request.Json();
        Assert.Equal(Channel, body.GetProperty("channel").GetString());
        Assert.Equal("I am", body.GetProperty("text").GetString());
        Assert.False(body.TryGetProperty("thread_ts", out _));
        Assert.Equal("1767225700.000200", outcome.OutputString("message_id"));
        Assert.Equal("slack", outcome.Provider);
    }

    [Theory]
    [InlineData(40_000, 40_000, "sent")]
    [InlineData(40_001, 40_000, "sent_cut")] // Slack refuses longer text (msg_too_long): cut, ending in "…"
    public async Task Reply_TextOverSlacksLimit_SentCutToIt_StatusSaysSo(int length, int sentLength, string status)
    {
        await using var host = await StartAsync(azurite);
        Answer(host, Posted());

        var outcome = await ReplyAsync(host, SlackEvent(), new { text = new string('a', length) });

        var sent = host.Server.OnlyRequest(PostMessagePath).Json().GetProperty("text").GetString()!;
        Assert.Equal(sentLength, sent.Length);
        Assert.Equal(length > 40_000, sent.EndsWith('…'));
        Assert.Equal(status, outcome.OutputString("status"));
    }

    [Fact]
    public async Task Reply_Quote_AnswersInTheThread_OfTheMessageOrItsRoot()
    {
        await using var host = await StartAsync(azurite);
        Answer(host, Posted());

        await ReplyAsync(host, SlackEvent(), new { text = "a", quote = true });
        await ReplyAsync(host, SlackEvent(threadTs: "1767220000.000001"), new { text = "b", quote = true });
        await ReplyAsync(host, SlackEvent(threadTs: "1767220000.000001"), new { text = "c" });

        var threads = host.Server.Requests(PostMessagePath).Select(r => r.Json().GetProperty("thread_ts").GetString()).ToList();
        Assert.Equal(["1767225600.000100", "1767220000.000001", "1767220000.000001"], threads);
    }

    [Fact]
    public async Task Reply_RateLimited429_TransientWithRetryAfter()
    {
        await using var host = await StartAsync(azurite);
        Answer(host, new { ok = false, error = "ratelimited" }, status: 429, retryAfter: "30");

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(host, SlackEvent(), new { text = "hi" }));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.False(ex.MayHaveTakenEffect);
    }

    [Theory]
    [InlineData("ratelimited")]
    [InlineData("internal_error")]
    [InlineData("service_unavailable")]
    public async Task Reply_OkFalseTransientError_Transient(string error)
    {
        await using var host = await StartAsync(azurite);
        Answer(host, new { ok = false, error });

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(host, SlackEvent(), new { text = "hi" }));

        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    [InlineData("invalid_auth")]
    public async Task Reply_OkFalseOtherError_PermanentNeverTheToken(string error)
    {
        await using var host = await StartAsync(azurite);
        Answer(host, new { ok = false, error });

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => ReplyAsync(host, SlackEvent(), new { text = "hi" }));

        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_ServerError_Transient()
    {
        await using var host = await StartAsync(azurite);
        Answer(host, new { ok = false, error = "fatal_error" }, status: 503);

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(host, SlackEvent(), new { text = "hi" }));

        Assert.Equal(503, ex.StatusCode);
    }

    [Fact]
    public async Task Reply_NoBotToken_PermanentWithoutCallingSlack()
    {
        await using var host = await StartAsync(azurite, token: null);
        Answer(host, Posted());

        await Assert.ThrowsAsync<PermanentActionException>(() => ReplyAsync(host, SlackEvent(), new { text = "hi" }));
        Assert.Empty(host.Server.LogEntries);
    }
}
