using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// Discord replies end to end through Omni.Local's runner: relay frame or signed interaction → normalizer →
/// workflow-runs → <c>route.reply</c> → Discord's REST API (a WireMock server answering with Discord's documented
/// message object).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DiscordReplyScenarioTests(AzuriteFixture azurite) : IDisposable
{
    private const string DmChannel = "1280000000000000077";
    private const string GuildChannel = "1280000000000000088";
    private const string Ana = "1270000000000000001";
    private const string AgentAnswer = "Omni is an event fabric.";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private static string Message(string id, string channelId, string content) => JsonSerializer.Serialize(new
    {
        id,
        type = 0,
        content,
        channel_id = channelId,
        author = new { id = DiscordWire.BotUserId, username = "omni-bot", discriminator = "0000", avatar = (string?)null, bot = true, global_name = (string?)null },
        attachments = Array.Empty<object>(),
        embeds = Array.Empty<object>(),
        mentions = Array.Empty<object>(),
        mention_roles = Array.Empty<object>(),
        pinned = false,
        mention_everyone = false,
        tts = false,
        timestamp = "2026-12-05T09:00:01.123000+00:00",
        edited_timestamp = (string?)null,
        flags = 0,
        components = Array.Empty<object>(),
    });

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath($"/api/v10/channels/{DmChannel}/messages").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithHeader("X-RateLimit-Limit", "5").WithHeader("X-RateLimit-Remaining", "4").WithHeader("X-RateLimit-Reset-After", "1")
                .WithHeader("X-RateLimit-Bucket", "abcd1234").WithBody(Message("1330000000000000001", DmChannel, AgentAnswer)));
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher($"/api/v10/webhooks/{DiscordWire.ApplicationId}/*/messages/@original")).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(Message("1330000000000000002", GuildChannel, "answer")));
        AgentStub.Answer(_server, AgentAnswer);
        var settings = DiscordWire.Settings(_server.Urls[0] + "/api/v10");
        settings["Omni:Agents:default:Endpoint"] = _server.Urls[0] + "/v1";
        settings["Omni:Agents:default:ApiKey"] = "sk-agent";
        settings["Omni:Agents:default:Model"] = "gpt-4o-mini";
        return await OmniHost.StartAsync(azurite, consumer: false, settings: settings);
    }

    [Fact]
    public async Task DirectMessage_DeliveredTwice_ExactlyOneReplyThroughDiscordRest()
    {
        await using var host = await StartAsync();
        var frame = DiscordWire.MessageCreate("1260000000000000010", DmChannel, Ana, "What is Omni?");
        foreach (var webhookId in new[] { "msg_dm_1", "msg_dm_1", "msg_dm_resumed" })
        {
            using var request = DiscordWire.Relay(frame, webhookId);
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await host.DrainWorkflowsAsync();

        var sent = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == $"/api/v10/channels/{DmChannel}/messages");
        Assert.Equal("Bot " + DiscordWire.BotToken, sent.RequestMessage!.Headers!["Authorization"].Single());
        Assert.StartsWith("DiscordBot (", sent.RequestMessage.Headers["User-Agent"].Single(), StringComparison.Ordinal);
        var body = JsonSerializer.Deserialize<JsonElement>(sent.RequestMessage.Body!);
        Assert.Equal(AgentAnswer, body.GetProperty("content").GetString());
        Assert.Empty(body.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
        Assert.False(body.TryGetProperty("message_reference", out _));

        var eventId = Assert.Single(await host.ListEventsAsync(DiscordWire.Instance)).GetProperty("event_id").GetString()!;
        var run = Assert.Single((await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray());
        Assert.Equal("completed", run.GetProperty("outcome").GetString());
        var reply = run.GetProperty("audit").EnumerateArray().Last();
        Assert.Equal(("route.reply", "discord"), (reply.GetProperty("action_id").GetString(), reply.GetProperty("provider").GetString()));
    }

    [Fact]
    public async Task SlashCommand_DeliveredTwice_DeferredAtOnce_ExactlyOneFollowUpThroughTheInteractionToken()
    {
        await using var host = await StartAsync();
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/workflows/answer-commands")
        {
            Content = new StringContent(
                "id: answer-commands\nversion: 1\ntrigger:\n  event_kinds: [message]\n  content_types: [command]\n  when: \"!from_me\"\n" +
                "steps:\n  - id: answer\n    action: route.reply\n    with: { text: \"You asked: {{ text }}\" }\n", Encoding.UTF8, "application/yaml"),
        })
        using (var created = await host.Client.SendAsync(put))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        const string token = "aW50ZXJhY3Rpb246MTMyMDAwMDAwMDAwMDAwMDAwMTpzZWNyZXQ";
        var body = DiscordWire.SlashCommand(DiscordWire.Snowflake(5), GuildChannel, Ana, token, "what is omni?");
        for (var delivery = 0; delivery < 2; delivery++)
        {
            using var request = DiscordWire.Interaction(body);
            var clock = Stopwatch.StartNew();
            using var response = await host.Client.SendAsync(request);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"answered in {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"type":5}""", await response.Content.ReadAsStringAsync());
        }

        await host.DrainWorkflowsAsync();

        var edit = Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path!.StartsWith("/api/v10/webhooks/", StringComparison.Ordinal));
        Assert.Equal("PATCH", edit.RequestMessage!.Method);
        Assert.Equal($"/api/v10/webhooks/{DiscordWire.ApplicationId}/{token}/messages/@original", edit.RequestMessage.Path);
        Assert.False(edit.RequestMessage.Headers!.ContainsKey("Authorization")); // the interaction token is the credential
        Assert.Equal("You asked: /ask question:what is omni?",
            JsonSerializer.Deserialize<JsonElement>(edit.RequestMessage.Body!).GetProperty("content").GetString());
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path!.Contains("/channels/", StringComparison.Ordinal));

        var eventId = Assert.Single(await host.ListEventsAsync(DiscordWire.Instance)).GetProperty("event_id").GetString()!;
        var runs = (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray().ToList();
        var run = Assert.Single(runs, r => r.GetProperty("workflow_id").GetString() == "answer-commands");
        Assert.Equal("completed", run.GetProperty("outcome").GetString());
        Assert.DoesNotContain(token, run.GetRawText(), StringComparison.Ordinal);
    }
}
