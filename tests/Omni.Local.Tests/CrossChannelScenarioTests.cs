using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Omni.Engine.Webhooks;
using Omni.Local.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// One person across channels, end to end through Omni.Local: Evolution (WhatsApp) and Telegram webhooks → normalizer →
/// identity registry → workflow-runs → the providers' APIs (one WireMock server answering Evolution's sendText,
/// Telegram's getFile / file download / sendMessage, Slack's chat.postMessage, Groq's transcription and the agent at
/// their documented shapes).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class CrossChannelScenarioTests(AzuriteFixture azurite) : IDisposable
{
    private const string Telegram = "demo-telegram";
    private const string Slack = "demo-slack";
    private const string TelegramSecret = "tg-secret_for-tests";
    private const string BotToken = "7000000001:AAHtestTOKENtestTOKENtestTOKEN";
    private const string SlackToken = "xoxb-0000000001-test";
    private const string MomJid = "5511999990042@s.whatsapp.net";
    private const long MomTelegramId = 2222222;
    private const string AgentAnswer = "Oi mãe! Chego às oito.";
    private const string SendText = "/message/sendText/evo-demo";
    private const string SendMessage = "/bot" + BotToken + "/sendMessage";
    private const string PostMessage = "/api/chat.postMessage";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = MomJid, fromMe = true, id = "3EB0REPLY0000001" },
            status = "PENDING",
            message = new { conversation = AgentAnswer },
            messageType = "conversation",
            messageTimestamp = 1767220100,
        }));
        _server.Given(Request.Create().WithPath(SendMessage).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            ok = true,
            result = new
            {
                message_id = 8,
                from = new { id = 7000000001, is_bot = true, first_name = "Omni", username = "omni_demo_bot" },
                chat = new { id = MomTelegramId, first_name = "Mom", type = "private" },
                date = 1767225660,
                text = AgentAnswer,
            },
        }));
        _server.Given(Request.Create().WithPath(PostMessage).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            ok = true,
            channel = "C0TEAM0001",
            ts = "1767225700.000200",
            message = new { type = "message", subtype = "bot_message", text = "…", ts = "1767225700.000200", bot_id = "B0000000001" },
        }));
        AgentStub.Answer(_server, AgentAnswer);
        var url = _server.Urls[0];
        return await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            [$"Omni:Instances:{Telegram}:Provider"] = "telegram",
            [$"Omni:Instances:{Telegram}:WebhookSecret"] = TelegramSecret,
            [$"Omni:Instances:{Telegram}:BotToken"] = BotToken,
            [$"Omni:Instances:{Telegram}:ApiBaseUrl"] = url,
            [$"Omni:Instances:{Slack}:Provider"] = "slack",
            [$"Omni:Instances:{Slack}:WebhookSecret"] = "slack-signing-secret",
            [$"Omni:Instances:{Slack}:BotToken"] = SlackToken,
            [$"Omni:Instances:{Slack}:ApiBaseUrl"] = url + "/api/",
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = "sk-agent",
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
            ["Omni:Providers:groq:Endpoint"] = url + "/openai/v1",
            ["Omni:Providers:groq:ApiKey"] = "gsk_test",
        });
    }

    private static async Task PostTelegramAsync(OmniHost host, string update)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/telegram/{Telegram}") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        request.Headers.Add(TelegramSecretTokenAuthentication.Header, TelegramSecret);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static string MomOnTelegram(long updateId, long date, string content) => $$$"""
        {"update_id": {{{updateId}}}, "message": {"message_id": 7, "date": {{{date}}},
         "from": {"id": {{{MomTelegramId}}}, "is_bot": false, "first_name": "Mom", "language_code": "pt-br"},
         "chat": {"id": {{{MomTelegramId}}}, "first_name": "Mom", "type": "private"}, {{{content}}} } }
        """;

    private static List<JsonElement> Sent(WireMockServer server, string path) =>
        [.. server.LogEntries.Where(e => e.RequestMessage!.Path == path).Select(e => JsonSerializer.Deserialize<JsonElement>(e.RequestMessage!.Body!))];

    private static async Task<JsonElement> SendJsonAsync(OmniHost host, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static List<string?> Handles(JsonElement identity) =>
        [.. identity.GetProperty("handles").EnumerateArray().Select(h => $"{h.GetProperty("channel").GetString()}:{h.GetProperty("handle").GetString()}")];

    [Fact]
    public async Task Mom_OnWhatsAppAndTelegram_LinkedFoundOnceWithBothHandlesAndPreferredChannel_TelegramRepliedOnceAndOurAnswerRecorded()
    {
        await using var host = await StartAsync();

        // WhatsApp: Mom writes, we answer (Evolution posts our own message back): a two-way exchange.
        await host.IngestAsync(IdentityPayloads.Direct("3EB0MOM000000001", MomJid, "Filho, você vem jantar?", 1767220000, pushName: "Mom"));
        await host.IngestAsync(IdentityPayloads.Direct("3EB0OWN000000001", MomJid, "Vou sim!", 1767220060, pushName: null, fromMe: true));
        // An hour later she writes on Telegram, delivered twice; the seed playbook answers her there through the agent.
        var update = MomOnTelegram(900042, 1767225600, "\"text\": \"Oi, é a mãe. Me responde aqui?\"");
        await PostTelegramAsync(host, update);
        await PostTelegramAsync(host, update);
        await host.DrainWorkflowsAsync();

        var before = (await host.GetJsonAsync("/api/identities?q=Mom")).GetProperty("identities").EnumerateArray().ToList();
        Assert.Equal(2, before.Count); // two first sights, one per channel
        var whatsApp = before.Single(i => Handles(i).Contains("whatsapp:" + MomJid)).GetProperty("identity_id").GetString()!;

        var linked = await SendJsonAsync(host, HttpMethod.Post, $"/api/identities/{whatsApp}/handles", new { channel = "telegram", handle = MomTelegramId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(["whatsapp:" + MomJid, "telegram:2222222"], Handles(linked.GetProperty("identity")).Order(StringComparer.Ordinal).Reverse());

        var mom = Assert.Single((await host.GetJsonAsync("/api/identities?q=Mom")).GetProperty("identities").EnumerateArray());
        Assert.Equal(whatsApp, mom.GetProperty("identity_id").GetString());
        Assert.Equal(["telegram:2222222", "whatsapp:" + MomJid], Handles(mom).Order(StringComparer.Ordinal));
        // Telegram never delivers the bot's own messages; Omni records what it sent (OutboundEchoes), so the newest
        // exchange both ways is now Telegram's: her message at 1767225600, our answer at 1767225660.
        Assert.Equal(("telegram", "recent_exchange"), (mom.GetProperty("preferred_channel").GetString(), mom.GetProperty("preferred_channel_source").GetString()));
        var route = mom.GetProperty("preferred_route");
        Assert.Equal((Telegram, "2222222"), (route.GetProperty("instance").GetString(), route.GetProperty("conversation_id").GetString()));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), route.GetProperty("exchanged_at").GetDateTimeOffset());

        // Her timeline interleaves both channels, newest first.
        var timeline = (await host.GetJsonAsync($"/api/identities/{whatsApp}/events")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["telegram Oi, é a mãe. Me responde aqui?", "whatsapp Filho, você vem jantar?"],
            timeline.Select(e => $"{e.GetProperty("channel").GetString()} {e.GetProperty("text").GetString()}"));

        // She prefers Telegram: an explicit choice wins, and its route is the chat she started there.
        var chosen = await SendJsonAsync(host, HttpMethod.Patch, $"/api/identities/{whatsApp}", new { preferred_channel = "telegram" });
        Assert.Equal(("telegram", "explicit"), (chosen.GetProperty("preferred_channel").GetString(), chosen.GetProperty("preferred_channel_source").GetString()));
        Assert.Equal((Telegram, "2222222"), (chosen.GetProperty("preferred_route").GetProperty("instance").GetString(),
            chosen.GetProperty("preferred_route").GetProperty("conversation_id").GetString()));

        // Exactly one answer on Telegram (sendMessage), though the update came twice.
        var telegramReply = Assert.Single(Sent(_server, SendMessage));
        Assert.Equal((MomTelegramId, AgentAnswer), (telegramReply.GetProperty("chat_id").GetInt64(), telegramReply.GetProperty("text").GetString()));
        var telegramEvents = await host.ListEventsAsync(Telegram);
        Assert.Equal(2, telegramEvents.Count); // hers, and ours as Telegram answered sendMessage
        var telegramEvent = Assert.Single(telegramEvents, e => !e.GetProperty("from_me").GetBoolean());
        var ours = Assert.Single(telegramEvents, e => e.GetProperty("from_me").GetBoolean());
        Assert.Equal((AgentAnswer, "8", "2222222"), (ours.GetProperty("text").GetString(), ours.GetProperty("provider_message_id").GetString(), ours.GetProperty("conversation_id").GetString()));
        var conversation = Assert.Single((await host.GetJsonAsync($"/api/conversations?instance={Telegram}")).GetProperty("conversations").EnumerateArray());
        Assert.False(conversation.GetProperty("reply_debt").GetBoolean()); // we answered her
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225660), conversation.GetProperty("last_outbound_at").GetDateTimeOffset());
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{telegramEvent.GetProperty("event_id").GetString()}/actions")).GetProperty("runs").EnumerateArray());
        Assert.Equal(("reply-to-direct-text", "completed"), (run.GetProperty("workflow_id").GetString(), run.GetProperty("outcome").GetString()));
        Assert.Equal(("route.reply", "telegram"), (run.GetProperty("audit").EnumerateArray().Last().GetProperty("action_id").GetString(),
            run.GetProperty("audit").EnumerateArray().Last().GetProperty("provider").GetString()));
    }

    [Fact]
    public async Task ForwardToSender_DeliveredTwice_GoesOnceToTheConversationOfTheirPreferredChannel()
    {
        await using var host = await StartAsync();
        await PostTelegramAsync(host, MomOnTelegram(900050, 1767225600, "\"text\": \"Oi\""));
        await host.IngestAsync(IdentityPayloads.Direct("3EB0MOM000000002", MomJid, "Oi", 1767220000, pushName: "Mom"));
        await host.DrainWorkflowsAsync();
        var identities = (await host.GetJsonAsync("/api/identities?q=Mom")).GetProperty("identities").EnumerateArray().ToList();
        var mom = identities.Single(i => Handles(i).Contains("whatsapp:" + MomJid)).GetProperty("identity_id").GetString()!;
        await SendJsonAsync(host, HttpMethod.Post, $"/api/identities/{mom}/handles", new { channel = "telegram", handle = "2222222" });
        await SendJsonAsync(host, HttpMethod.Patch, $"/api/identities/{mom}", new { preferred_channel = "telegram" });
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/workflows/forward-to-preferred")
        {
            Content = new StringContent(
                "id: forward-to-preferred\nversion: 1\nscope: demo\ntrigger:\n  event_kinds: [message]\n  when: \"!from_me && text == 'me avisa no telegram'\"\n" +
                "steps:\n  - id: forward\n    action: route.forward.cross_channel\n    with: { identity: sender }\n", Encoding.UTF8, "application/yaml"),
        })
        using (var created = await host.Client.SendAsync(put))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var message = IdentityPayloads.Direct("3EB0MOM000000003", MomJid, "me avisa no telegram", 1767226000, pushName: "Mom");
        await host.IngestAsync(message);
        await host.IngestAsync(message);
        await host.DrainWorkflowsAsync();

        var forwarded = Assert.Single(Sent(_server, SendMessage), b => b.GetProperty("text").GetString()!.StartsWith("Forwarded from", StringComparison.Ordinal));
        Assert.Equal(MomTelegramId, forwarded.GetProperty("chat_id").GetInt64());
        Assert.Equal("Forwarded from Mom on whatsapp (demo):\nme avisa no telegram", forwarded.GetProperty("text").GetString());
        var eventId = (await host.ListEventsAsync()).Single(e => e.TryGetProperty("text", out var t) && t.GetString() == "me avisa no telegram").GetProperty("event_id").GetString();
        var run = (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("workflow_id").GetString() == "forward-to-preferred");
        Assert.Equal("completed", run.GetProperty("outcome").GetString());
        var audit = Assert.Single(run.GetProperty("audit").EnumerateArray());
        Assert.Equal(("route.forward.cross_channel", "completed", "telegram"),
            (audit.GetProperty("action_id").GetString(), audit.GetProperty("status").GetString(), audit.GetProperty("provider").GetString()));
        Assert.EndsWith("to 2222222 on demo-telegram as 8", audit.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TelegramVoiceNote_DeliveredTwice_TranscribedFromTheTelegramFile_TranscriptPostedToSlackOnce()
    {
        const string transcript = "Oi, é a Ana. Chego às cinco, pode deixar o portão aberto?";
        byte[] voice = [0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x01, 0x02, 0x03];
        await using var host = await StartAsync();
        _server.Given(Request.Create().WithPath("/bot" + BotToken + "/getFile").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithBodyAsJson(new { ok = true, result = new { file_id = "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", file_unique_id = "AgADbX", file_size = 23000, file_path = "voice/file_12.oga" } }));
        _server.Given(Request.Create().WithPath("/file/bot" + BotToken + "/voice/file_12.oga").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/octet-stream").WithBody(voice));
        _server.Given(Request.Create().WithPath("/openai/v1/audio/transcriptions").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            task = "transcribe",
            language = "portuguese",
            duration = 5.0,
            text = " " + transcript,
            x_groq = new { id = "req_01jbd6g2qdfw2adyrt2az8hz4w" },
        }));
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/workflows/voice-to-slack")
        {
            Content = new StringContent(
                "id: voice-to-slack\nversion: 1\nscope: demo-telegram\ntrigger:\n  event_kinds: [message]\n  content_types: [audio]\n  when: \"!from_me\"\n" +
                "steps:\n  - id: transcribe\n    action: transform.stt.audio\n    providers: [groq]\n" +
                "  - id: forward\n    action: route.forward.cross_channel\n" +
                "    with: { instance: demo-slack, to: C0TEAM0001, text: \"Voice note from {{ sender_name }}: {{ steps.transcribe.output.text }}\" }\n",
                Encoding.UTF8, "application/yaml"),
        })
        using (var created = await host.Client.SendAsync(put))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var update = Encoding.UTF8.GetString(Fixtures.Read("telegram", "update-message-voice.json"));
        await PostTelegramAsync(host, update);
        await host.DrainWorkflowsAsync();
        await PostTelegramAsync(host, update); // Telegram redelivers: the same update_id
        await host.DrainWorkflowsAsync();

        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == "/bot" + BotToken + "/getFile");
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == "/file/bot" + BotToken + "/voice/file_12.oga");
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == "/openai/v1/audio/transcriptions");
        var posted = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == PostMessage);
        Assert.Equal("Bearer " + SlackToken, posted.RequestMessage!.Headers!["Authorization"].Single());
        var body = JsonSerializer.Deserialize<JsonElement>(posted.RequestMessage.Body!);
        Assert.Equal(("C0TEAM0001", "Voice note from Test Firstname Test Lastname: " + transcript),
            (body.GetProperty("channel").GetString(), body.GetProperty("text").GetString()));
        Assert.False(body.TryGetProperty("thread_ts", out _));

        var voiceEvent = Assert.Single(await host.ListEventsAsync(Telegram));
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{voiceEvent.GetProperty("event_id").GetString()}/actions")).GetProperty("runs").EnumerateArray(),
            r => r.GetProperty("workflow_id").GetString() == "voice-to-slack");
        Assert.Equal("completed", run.GetProperty("outcome").GetString());
        Assert.Equal(["groq completed", "slack completed"],
            run.GetProperty("audit").EnumerateArray().Select(a => $"{a.GetProperty("provider").GetString()} {a.GetProperty("status").GetString()}"));
        var forward = run.GetProperty("audit").EnumerateArray().Single(a => a.GetProperty("step_id").GetString() == "forward");
        Assert.EndsWith("to C0TEAM0001 on demo-slack as 1767225700.000200", forward.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentWithHistory_SeesThePersonsEarlierMessagesFromTheOtherChannel()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(IdentityPayloads.Direct("3EB0MOM000000004", MomJid, "Comprei pão", 1767220000, pushName: "Mom"));
        await host.DrainWorkflowsAsync();
        var mom = Assert.Single((await host.GetJsonAsync("/api/identities?q=Mom")).GetProperty("identities").EnumerateArray()).GetProperty("identity_id").GetString()!;
        await SendJsonAsync(host, HttpMethod.Post, $"/api/identities/{mom}/handles", new { channel = "telegram", handle = "2222222" });
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/workflows/reply-to-direct-text")
        {
            Content = new StringContent(
                "id: reply-to-direct-text\nversion: 2\nscope: demo-telegram\ntrigger:\n  event_kinds: [message]\n  content_types: [text]\n  when: \"!from_me\"\n" +
                "steps:\n  - id: ask\n    action: route.agent.default\n    with: { history: 5 }\n" +
                "  - id: reply\n    action: route.reply\n    with: { text: \"{{ steps.ask.output.text }}\" }\n", Encoding.UTF8, "application/yaml"),
        })
        using (var created = await host.Client.SendAsync(put))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await PostTelegramAsync(host, MomOnTelegram(900060, 1767225600, "\"text\": \"E agora?\""));
        await host.DrainWorkflowsAsync();

        var asked = Sent(_server, "/v1/chat/completions")
            .Select(b => b.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList())
            .Single(m => m[^1] == "E agora?");
        Assert.Equal(["Earlier messages from this person, on every channel (oldest first):\n[2025-12-31T22:26Z whatsapp/demo] Comprei pão", "E agora?"], asked);
        Assert.Single(Sent(_server, SendMessage));
    }
}
