using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Connections;
using Omni.Services.Storage;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Services.Tests.Actions;

/// <summary>
/// <c>route.reply</c> on Discord events against a WireMock server answering at Discord's documented shapes
/// (discord-api-docs: the message object on success, <c>{"message", "code"}</c> errors, 429
/// <c>{"message", "retry_after", "global"}</c> with <c>Retry-After</c> and the <c>X-RateLimit-*</c> headers).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DiscordReplyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Instance = "dc";
    private const string BotToken = "bot-token-123";
    private const string Channel = "1280000000000000001";
    private const string OtherChannel = "1280000000000000002";
    private const string ApplicationId = "1300000000000000001";
    private const string MessagesPath = "/api/v10/channels/" + Channel + "/messages";
    private const string OtherMessagesPath = "/api/v10/channels/" + OtherChannel + "/messages";

    private readonly WireMockServer _server = WireMockServer.Start();
    private ServiceProvider? _services;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.GetRequiredService<OmniStorage>().RawArchive.DeleteIfExistsAsync();
            await _services.DisposeAsync();
        }

        _server.Stop();
    }

    private RouteReplyExecutor Start(string? botToken = BotToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
            [$"Omni:Instances:{Instance}:Provider"] = "discord",
            [$"Omni:Instances:{Instance}:BotToken"] = botToken,
            [$"Omni:Instances:{Instance}:ApiBaseUrl"] = _server.Urls[0] + "/api/v10",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ActionDelays>(new RecordingDelays());
        services.AddOmniActions(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return _services.GetServices<IActionExecutor>().OfType<RouteReplyExecutor>().Single();
    }

    private static OmniEvent Message(string channel = Channel, string messageId = "1260000000000000001") => new()
    {
        EventId = "evt_dc_" + Guid.NewGuid().ToString("N")[..16],
        Channel = "discord",
        Provider = "discord",
        Instance = Instance,
        EventKind = "message",
        ContentType = "text",
        ProviderEventId = messageId,
        ProviderMessageId = messageId,
        ProviderEventType = "MESSAGE_CREATE",
        ConversationId = channel,
        SenderHandle = "1270000000000000001",
        Text = "What is Omni?",
        ReceivedAt = DateTimeOffset.UtcNow,
        RawBlob = "raw/discord/dc/2026/12/05/09/ing_msg",
    };

    private static OmniEvent Interaction(string interactionId, DateTimeOffset occurredAt) => Message() with
    {
        ContentType = "command",
        ProviderEventId = interactionId,
        ProviderMessageId = null,
        ProviderEventType = "INTERACTION_CREATE",
        Text = "/ask question:what is omni?",
        OccurredAt = occurredAt,
        ReceivedAt = occurredAt,
        RawBlob = "raw/discord/dc/2026/12/05/09/ing_" + interactionId,
    };

    private static string SentMessage(string id, string channel, string content) => JsonSerializer.Serialize(new
    {
        id,
        type = 0,
        content,
        channel_id = channel,
        author = new { id = ApplicationId, username = "omni-bot", discriminator = "0000", bot = true },
        attachments = Array.Empty<object>(),
        embeds = Array.Empty<object>(),
        mentions = Array.Empty<object>(),
        timestamp = "2026-12-05T09:00:01.123000+00:00",
        edited_timestamp = (string?)null,
        flags = 0,
    });

    private void AnswerCreateMessage(string path = MessagesPath, string remaining = "4", string resetAfter = "1.2") =>
        _server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithHeader("X-RateLimit-Limit", "5").WithHeader("X-RateLimit-Remaining", remaining)
            .WithHeader("X-RateLimit-Reset-After", resetAfter).WithHeader("X-RateLimit-Bucket", "abcd1234")
            .WithBody(SentMessage("1330000000000000001", Channel, "ok")));

    private static Task<ActionOutcome> ReplyAsync(RouteReplyExecutor reply, OmniEvent e, object parameters) =>
        reply.ExecuteAsync(ActionsHost.Invocation(RouteReplyExecutor.Id, e, parameters), CancellationToken.None);

    [Fact]
    public async Task Reply_Quoting_PostsCreateMessageWithBotTokenAndMessageReference_ReturnsTheMessageId()
    {
        var reply = Start();
        AnswerCreateMessage();

        var outcome = await ReplyAsync(reply, Message(), new { text = "Omni is an event fabric. @everyone", quote = true });

        var request = _server.OnlyRequest(MessagesPath);
        Assert.Equal("POST", request.Method());
        Assert.Equal("Bot " + BotToken, request.Header("Authorization"));
        Assert.StartsWith("DiscordBot (", request.Header("User-Agent"), StringComparison.Ordinal);
        var body = request.Json();
        Assert.Equal("Omni is an event fabric. @everyone", body.GetProperty("content").GetString());
        Assert.Empty(body.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray()); // nobody is pinged
        var reference = body.GetProperty("message_reference");
        Assert.Equal(("1260000000000000001", Channel, false), (reference.GetProperty("message_id").GetString(),
            reference.GetProperty("channel_id").GetString(), reference.GetProperty("fail_if_not_exists").GetBoolean()));
        Assert.Equal("1330000000000000001", outcome.OutputString("message_id"));
        Assert.Equal(("discord", "sent"), (outcome.Provider, outcome.OutputString("status")));
    }

    [Fact]
    public async Task Reply_429WithRetryAfterInTheBody_TransientCarryingIt_AndTheRouteWaitsWithoutCallingAgain()
    {
        var reply = Start();
        _server.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(429)
            .WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "65").WithHeader("X-RateLimit-Limit", "10")
            .WithHeader("X-RateLimit-Remaining", "0").WithHeader("X-RateLimit-Reset-After", "64.57").WithHeader("X-RateLimit-Bucket", "abcd1234")
            .WithHeader("X-RateLimit-Scope", "user")
            .WithBody("""{"message": "You are being rate limited.", "retry_after": 64.57, "global": false}"""));
        AnswerCreateMessage(OtherMessagesPath);

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(reply, Message(), new { text = "hi" }));
        Assert.Equal(TimeSpan.FromSeconds(64.57), ex.RetryAfter);
        Assert.Equal(429, ex.StatusCode);
        Assert.False(ex.MayHaveTakenEffect);
        Assert.Contains("You are being rate limited.", ex.Message, StringComparison.Ordinal);

        // The same route is not called again before it resets (each 429 counts toward Discord's invalid-request ban) ...
        var again = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(reply, Message(), new { text = "hi" }));
        Assert.InRange(again.RetryAfter!.Value, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(64.57));
        Assert.Single(_server.Requests(MessagesPath));
        // ... but another channel (another bucket) is.
        await ReplyAsync(reply, Message(OtherChannel), new { text = "hi" });
        Assert.Single(_server.Requests(OtherMessagesPath));
    }

    [Fact]
    public async Task Reply_GlobalRateLimit_TransientSaysGlobal_AndEveryRouteWaits()
    {
        var reply = Start();
        _server.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(429)
            .WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "3").WithHeader("X-RateLimit-Global", "true")
            .WithHeader("X-RateLimit-Scope", "global")
            .WithBody("""{"message": "You are being rate limited.", "retry_after": 2.5, "global": true}"""));
        AnswerCreateMessage(OtherMessagesPath);

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(reply, Message(), new { text = "hi" }));
        Assert.Equal(TimeSpan.FromSeconds(2.5), ex.RetryAfter);
        Assert.Contains("global rate limit", ex.Message, StringComparison.Ordinal);

        var other = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(reply, Message(OtherChannel), new { text = "hi" }));
        Assert.Contains("not sent", other.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests(OtherMessagesPath));
    }

    [Fact]
    public async Task Reply_BucketExhaustedBySuccess_NextReplyWaitsForTheReset()
    {
        var reply = Start();
        AnswerCreateMessage(remaining: "0", resetAfter: "30");

        await ReplyAsync(reply, Message(), new { text = "first" });
        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(reply, Message(), new { text = "second" }));
        Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.False(ex.MayHaveTakenEffect);
        Assert.Single(_server.Requests(MessagesPath));
    }

    [Fact]
    public async Task Reply_ServerError_Transient()
    {
        var reply = Start();
        _server.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(502)
            .WithBody("<html>502 Bad Gateway</html>"));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => ReplyAsync(reply, Message(), new { text = "hi" }));
        Assert.Equal(502, ex.StatusCode);
        Assert.False(ex.MayHaveTakenEffect);
    }

    [Fact]
    public async Task Reply_MissingAccess_PermanentWithDiscordsMessageAndCode()
    {
        var reply = Start();
        _server.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(403)
            .WithHeader("Content-Type", "application/json").WithBody("""{"message": "Missing Access", "code": 50001}"""));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => ReplyAsync(reply, Message(), new { text = "hi" }));
        Assert.Equal(403, ex.StatusCode);
        Assert.Contains("Missing Access (code 50001)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_NoBotToken_PermanentNamingTheSetting()
    {
        var reply = Start(botToken: null);
        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => ReplyAsync(reply, Message(), new { text = "hi" }));
        Assert.Contains($"Omni:Instances:{Instance}:BotToken", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task Reply_LongerThan2000Characters_CutToDiscordsLimit()
    {
        var reply = Start();
        AnswerCreateMessage();
        var outcome = await ReplyAsync(reply, Message(), new { text = new string('a', 2500) });
        var content = _server.OnlyRequest(MessagesPath).Json().GetProperty("content").GetString()!;
        Assert.Equal(2000, content.Length);
        Assert.EndsWith("…", content, StringComparison.Ordinal);
        Assert.Equal("sent_cut", outcome.OutputString("status"));
    }

    [Fact]
    public async Task Reply_ToAnInteraction_EditsTheDeferredResponseWithTheArchivedToken()
    {
        var reply = Start();
        var e = Interaction("1320000000000000009", DateTimeOffset.UtcNow.AddMinutes(-1));
        await ArchiveAsync(e.RawBlob, $$$"""{"t": "INTERACTION_CREATE", "s": 3, "op": 0, "d": {"type": 2, "id": "{{{e.ProviderEventId}}}", "application_id": "{{{ApplicationId}}}", "token": "tok_abc", "channel_id": "{{{Channel}}}", "data": {"name": "ask", "type": 1} } }""");
        var path = $"/api/v10/webhooks/{ApplicationId}/tok_abc/messages/@original";
        _server.Given(Request.Create().WithPath(path).UsingPatch()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(SentMessage("1330000000000000005", Channel, "answer")));

        var outcome = await ReplyAsync(reply, e, new { text = "answer", quote = true });

        var request = _server.OnlyRequest(path);
        Assert.Equal("PATCH", request.Method());
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("answer", request.Json().GetProperty("content").GetString());
        Assert.Equal(("1330000000000000005", "interaction_response"), (outcome.OutputString("message_id"), outcome.OutputString("status")));
        Assert.DoesNotContain("tok_abc", outcome.Output.GetRawText() + outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_ToAnInteractionPastItsTokensLife_PostsToTheChannelInstead()
    {
        var reply = Start();
        AnswerCreateMessage();
        var e = Interaction("1320000000000000010", DateTimeOffset.UtcNow.AddMinutes(-20));

        await ReplyAsync(reply, e, new { text = "late answer" });

        Assert.Equal("late answer", _server.OnlyRequest(MessagesPath).Json().GetProperty("content").GetString());
        Assert.DoesNotContain(_server.LogEntries, l => l.RequestMessage!.Path!.Contains("/webhooks/", StringComparison.Ordinal));
    }

    private async Task ArchiveAsync(string blobName, string body)
    {
        var archive = _services!.GetRequiredService<OmniStorage>().RawArchive;
        await archive.CreateIfNotExistsAsync();
        await archive.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(body), overwrite: true);
    }
}
