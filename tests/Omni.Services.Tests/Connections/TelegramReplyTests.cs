using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Configuration;
using Omni.Services.Connections;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Connections;

/// <summary><c>route.reply</c> on a Telegram event against a WireMock Bot API answering with the Bot API's own shapes.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TelegramReplyTests(AzuriteFixture azurite)
{
    private const string Instance = "demo-telegram";
    private const string Token = "7000000001:AAHtestTOKENtestTOKENtestTOKEN";
    private const string SendMessagePath = "/bot" + Token + "/sendMessage";
    private const string Chat = "-1001234567890";

    private static Task<ActionsHost> StartAsync(AzuriteFixture azurite, string? token = Token) =>
        ActionsHost.StartWithBotAsync(azurite, Instance, "telegram", token);

    private static OmniEvent TelegramEvent(string? threadId = null) => ActionsHost.TextEvent("Quem vem amanhã?") with
    {
        Channel = Channels.Telegram,
        Provider = "telegram",
        Instance = Instance,
        ProviderEventId = "500",
        ProviderMessageId = "42",
        ConversationId = Chat,
        SenderHandle = "1111111",
        IsGroup = true,
        ProviderMetadata = threadId is null ? null : JsonSerializer.SerializeToElement(new { update_id = 500, thread_id = threadId }),
    };

    private static void AnswerSent(ActionsHost host, long messageId = 43) =>
        host.Server.Given(Request.Create().WithPath(SendMessagePath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            ok = true,
            result = new
            {
                message_id = messageId,
                from = new { id = 7000000001, is_bot = true, first_name = "Omni", username = "omni_demo_bot" },
                chat = new { id = -1001234567890, title = "Team", type = "supergroup" },
                date = 1767225600,
                text = "Eu vou!",
            },
        }));

    private static void AnswerError(ActionsHost host, int status, string description, object? parameters = null) =>
        host.Server.Given(Request.Create().WithPath(SendMessagePath).UsingPost()).RespondWith(Response.Create().WithStatusCode(status)
            .WithBodyAsJson(parameters is null
                ? new { ok = false, error_code = status, description }
                : (object)new { ok = false, error_code = status, description, parameters }));

    private static Task<ActionOutcome> ReplyAsync(ActionsHost host, OmniEvent e, object parameters) =>
        host.Executor<RouteReplyExecutor>().ExecuteAsync(ActionsHost.Invocation(RouteReplyExecutor.Id, e, parameters), CancellationToken.None);

    [Fact]
    public async Task Reply_PostsSendMessageToTheChat_ReturnsTheNewMessageId()
    {
        await using var host = await StartAsync(azurite);
        AnswerSent(host);

        var outcome = await ReplyAsync(host, TelegramEvent(), new { text = "Eu vou!" });

        var request = host.Server.OnlyRequest(SendMessagePath);
        Assert.Equal("POST", request.Method());
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = request.Json();
        Assert.Equal(-1001234567890, body.GetProperty("chat_id").GetInt64());
        Assert.Equal("Eu vou!", body.GetProperty("text").GetString());
        Assert.False(body.TryGetProperty("reply_parameters", out _));
        Assert.False(body.TryGetProperty("message_thread_id", out _));
        Assert.Equal("43", outcome.OutputString("message_id"));
        Assert.Equal("sent", outcome.OutputString("status"));
        Assert.Equal("telegram", outcome.Provider);
    }

    [Fact]
    public async Task Reply_Quote_SendsReplyParameters_AndStaysInTheForumTopic()
    {
        await using var host = await StartAsync(azurite);
        AnswerSent(host);

        await ReplyAsync(host, TelegramEvent(threadId: "39"), new { text = "Eu vou!", quote = true });

        var body = host.Server.OnlyRequest(SendMessagePath).Json();
        var reply = body.GetProperty("reply_parameters");
        Assert.Equal(42, reply.GetProperty("message_id").GetInt64());
        Assert.True(reply.GetProperty("allow_sending_without_reply").GetBoolean());
        Assert.Equal(39, body.GetProperty("message_thread_id").GetInt64());
    }

    [Fact]
    public async Task Reply_TooManyRequests_TransientWaitingRetryAfterFromParameters()
    {
        await using var host = await StartAsync(azurite);
        AnswerError(host, 429, "Too Many Requests: retry after 7", new { retry_after = 7 });

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(host, TelegramEvent(), new { text = "hi" }));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.False(ex.MayHaveTakenEffect);
        Assert.Contains("Too Many Requests", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "Internal Server Error")]
    [InlineData(502, "Bad Gateway")]
    public async Task Reply_ServerError_Transient(int status, string description)
    {
        await using var host = await StartAsync(azurite);
        AnswerError(host, status, description);

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(host, TelegramEvent(), new { text = "hi" }));

        Assert.Equal(status, ex.StatusCode);
        Assert.False(ex.MayHaveTakenEffect);
    }

    [Theory]
    [InlineData(400, "Bad Request: chat not found")]
    [InlineData(403, "Forbidden: bot was blocked by the user")]
    [InlineData(401, "Unauthorized")]
    public async Task Reply_ClientError_PermanentWithTelegramsDescription_NeverTheToken(int status, string description)
    {
        await using var host = await StartAsync(azurite);
        AnswerError(host, status, description);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => ReplyAsync(host, TelegramEvent(), new { text = "hi" }));

        Assert.Equal(status, ex.StatusCode);
        Assert.Contains(description, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodUrl_PublicApiByDefault_TokenInThePath()
    {
        var url = Omni.Services.Connections.Telegram.TelegramBotApi.MethodUrl(Instance, new InstanceOptions { BotToken = Token }, "sendMessage", "test");

        Assert.Equal("https://api.telegram.org/bot" + Token + "/sendMessage", url.AbsoluteUri);
    }

    [Theory]
    [InlineData(4096, 4096, "sent")] // exactly the limit: as is
    [InlineData(4097, 4096, "sent_cut")] // one over: cut to the limit, ending in "…"
    [InlineData(20_000, 4096, "sent_cut")]
    public async Task Reply_TextOverTelegramsLimit_SentCutToIt_StatusSaysSo(int length, int sentLength, string status)
    {
        await using var host = await StartAsync(azurite);
        AnswerSent(host);

        var outcome = await ReplyAsync(host, TelegramEvent(), new { text = new string('a', length) });

        var sent = host.Server.OnlyRequest(SendMessagePath).Json().GetProperty("text").GetString()!;
        Assert.Equal(sentLength, sent.Length);
        Assert.Equal(length > 4096, sent.EndsWith('…'));
        Assert.Equal(status, outcome.OutputString("status"));
    }

    [Fact]
    public async Task Reply_NoBotToken_PermanentWithoutCallingTelegram()
    {
        await using var host = await StartAsync(azurite, token: null);
        AnswerSent(host);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => ReplyAsync(host, TelegramEvent(), new { text = "hi" }));

        Assert.Contains("BotToken is not set", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }
}
