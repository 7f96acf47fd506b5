using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>
/// <c>POST /api/webhooks/discord/{instance}</c> through the real Omni.Local: relay frames (Standard Webhooks) and
/// Discord's own posts (Ed25519) on one route; every refusal is a 401 with nothing archived or enqueued; PINGs answered
/// at once without archiving; a slash command archived and deferred (type 5) at once; relay frames read back as events.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DiscordIngestTests(AzuriteFixture azurite)
{
    private const string Provider = "discord";
    private const string Channel = "1280000000000000001";
    private const string Ana = "1270000000000000001";

    private static async Task<HttpResponseMessage> SendAsync(OmniHost host, HttpRequestMessage request)
    {
        using (request)
        {
            return await host.Client.SendAsync(request);
        }
    }

    private static async Task<int> ArchivedCountAsync(OmniHost host)
    {
        var count = 0;
        await foreach (var _ in host.Storage.RawArchive.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    private static async Task AssertNothingDoneAsync(OmniHost host)
    {
        Assert.Equal(0, await ArchivedCountAsync(host));
        Assert.Empty((await host.Storage.IngestQueue.PeekMessagesAsync(32)).Value);
    }

    public static TheoryData<string> Refusals() =>
    [
        "tampered_body", "stale_timestamp", "future_timestamp", "no_signature_headers", "relay_missing_id", "wrong_secret",
        "rotated_out_secret", "discord_tampered_body", "discord_stale_timestamp", "discord_wrong_key", "discord_missing_timestamp",
        "no_secret_configured", "no_public_key_configured",
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Post_BadOrMissingSignature_401BeforeAnyWork_NothingArchived(string refusal)
    {
        var settings = DiscordWire.Settings();
        if (refusal == "no_secret_configured")
        {
            settings[$"Omni:Instances:{DiscordWire.Instance}:WebhookSecret"] = null;
        }

        if (refusal == "no_public_key_configured")
        {
            settings[$"Omni:Instances:{DiscordWire.Instance}:PublicKey"] = null;
        }

        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: settings);
        var body = DiscordWire.MessageCreate("1260000000000000001", Channel, Ana, "hi");
        var interaction = DiscordWire.SlashCommand(DiscordWire.Snowflake(), Channel, Ana, "tok", "hello?");
        var request = refusal switch
        {
            "tampered_body" => Tamper(DiscordWire.Relay(body), body),
            "stale_timestamp" => DiscordWire.Relay(body, timestamp: DiscordWire.Now() - 330),
            "future_timestamp" => DiscordWire.Relay(body, timestamp: DiscordWire.Now() + 330),
            "no_signature_headers" => DiscordWire.Post(body),
            "relay_missing_id" => Without(DiscordWire.Relay(body), "webhook-id"),
            "wrong_secret" => DiscordWire.Relay(body, secrets: "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("somebody-else's-secret"))),
            "rotated_out_secret" => DiscordWire.Relay(body, secrets: DiscordWire.RotatedOutSecret),
            "discord_tampered_body" => Tamper(DiscordWire.Interaction(interaction), interaction),
            "discord_stale_timestamp" => DiscordWire.Interaction(interaction, timestamp: DiscordWire.Now() - 330),
            "discord_wrong_key" => DiscordWire.Interaction(interaction, DiscordWire.OtherKey),
            "discord_missing_timestamp" => Without(DiscordWire.Interaction(interaction), "X-Signature-Timestamp"),
            "no_secret_configured" => DiscordWire.Relay(body),
            "no_public_key_configured" => DiscordWire.Interaction(interaction),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
        };

        using var response = await SendAsync(host, request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{refusal}: {(int)response.StatusCode} {text}");
        Assert.Equal("unauthorized", JsonSerializer.Deserialize<JsonElement>(text).GetProperty("error").GetProperty("code").GetString());
        await AssertNothingDoneAsync(host);
    }

    [Fact]
    public async Task Relay_SignedWithOldAndNewSecretDuringRotation_202()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        var body = DiscordWire.MessageCreate("1260000000000000002", Channel, Ana, "rotating");
        using var response = await SendAsync(host, DiscordWire.Relay(body, secrets: [DiscordWire.RotatedOutSecret, DiscordWire.Secret]));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await ArchivedCountAsync(host));
    }

    [Fact]
    public async Task InteractionPing_PongAtOnce_WebhookEventPing_204_NeitherArchived()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        using var pong = await SendAsync(host, DiscordWire.Interaction(DiscordWire.Ping));
        Assert.Equal(HttpStatusCode.OK, pong.StatusCode);
        Assert.Equal("""{"type":1}""", await pong.Content.ReadAsStringAsync());
        Assert.Equal("application/json", pong.Content.Headers.ContentType?.MediaType);

        using var eventPing = await SendAsync(host, DiscordWire.Interaction(DiscordWire.WebhookEventPing));
        Assert.Equal(HttpStatusCode.NoContent, eventPing.StatusCode);
        Assert.Empty(await eventPing.Content.ReadAsByteArrayAsync());
        await AssertNothingDoneAsync(host);
    }

    [Fact]
    public async Task SlashCommand_DeferredType5WellUnder3s_ArchivedAndNormalizedAsACommand()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        var interactionId = DiscordWire.Snowflake();
        var body = DiscordWire.SlashCommand(interactionId, Channel, Ana, "secret-interaction-token", "what is omni?");

        var clock = Stopwatch.StartNew();
        using var response = await SendAsync(host, DiscordWire.Interaction(body));
        var elapsed = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"type":5}""", await response.Content.ReadAsStringAsync());
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"answered in {elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(1, await ArchivedCountAsync(host));

        await host.DrainIngestAsync();
        var e = Assert.Single(await host.ListEventsAsync(DiscordWire.Instance));
        Assert.Equal(("message", "command", "/ask question:what is omni?"),
            (e.GetProperty("event_kind").GetString(), e.GetProperty("content_type").GetString(), e.GetProperty("text").GetString()));
        Assert.Equal((interactionId, Channel, Ana), (e.GetProperty("provider_event_id").GetString(), e.GetProperty("conversation_id").GetString(),
            e.GetProperty("sender_handle").GetString()));
        Assert.DoesNotContain("secret-interaction-token", e.GetRawText(), StringComparison.Ordinal);

        // An agent's key reads the archived interaction with its token redacted.
        using var raw = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{e.GetProperty("event_id").GetString()}/raw");
        raw.Headers.Add("x-functions-key", OmniHost.AgentKey);
        using var rawResponse = await host.Client.SendAsync(raw);
        var redacted = await rawResponse.Content.ReadAsStringAsync();
        Assert.True(rawResponse.IsSuccessStatusCode, redacted);
        Assert.DoesNotContain("secret-interaction-token", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelayFrame_DeliveredTwice_RetriedAndResumed_OneEvent()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        var frame = DiscordWire.MessageCreate("1260000000000000003", Channel, Ana, "only once", sequence: 10);
        var resumed = DiscordWire.MessageCreate("1260000000000000003", Channel, Ana, "only once", sequence: 2); // a new session's replay
        using (var first = await SendAsync(host, DiscordWire.Relay(frame, webhookId: "msg_same")))
        using (var retry = await SendAsync(host, DiscordWire.Relay(frame, webhookId: "msg_same")))
        using (var replay = await SendAsync(host, DiscordWire.Relay(resumed)))
        {
            Assert.All(new[] { first, retry, replay }, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        }

        await host.DrainIngestAsync();
        var e = Assert.Single(await host.ListEventsAsync(DiscordWire.Instance));
        Assert.Equal(("discord", "discord", "only once", false, false),
            (e.GetProperty("provider").GetString(), e.GetProperty("channel").GetString(), e.GetProperty("text").GetString(),
             e.GetProperty("is_group").GetBoolean(), e.GetProperty("from_me").GetBoolean()));
    }

    [Fact]
    public async Task RelayFrame_FromTheBotItself_FromMe()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        using var response = await SendAsync(host, DiscordWire.Relay(
            DiscordWire.MessageCreate("1260000000000000004", Channel, DiscordWire.BotUserId, "my own reply", username: "omni-bot", globalName: null)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await host.DrainIngestAsync();
        Assert.True(Assert.Single(await host.ListEventsAsync(DiscordWire.Instance)).GetProperty("from_me").GetBoolean());
    }

    public static TheoryData<string> FixtureFiles() => [.. EventExpectations.FixtureNames(Provider)];

    /// <summary>Every Discord fixture, signed as its sender signs it, reads back with the fields its expectation names.</summary>
    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public async Task PostFixture_SignedAsItsSender_ReadsBackWithExpectedFields(string fixture)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: DiscordWire.Settings());
        var body = FixtureBody(fixture);
        var isFrame = JsonSerializer.Deserialize<JsonElement>(body).TryGetProperty("op", out _);
        using var response = await SendAsync(host, isFrame ? DiscordWire.Relay(body) : DiscordWire.Interaction(body));
        Assert.True(response.IsSuccessStatusCode, $"{fixture}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await host.DrainIngestAsync();

        var listed = await host.ListEventsAsync(DiscordWire.Instance);
        var deadLetters = await host.ListDeadLettersAsync(DiscordWire.Instance);
        var quarantine = deadLetters.Count == 0 ? null : deadLetters[0].GetProperty("reason").GetString();
        EventExpectations.AssertMatches(EventExpectations.ReadExpectation(Provider, fixture), quarantine,
            JsonSerializer.SerializeToElement(listed), $"{Provider}/{fixture} via HTTP");
    }

    /// <summary>The fixture as posted: <c>*-d-*</c> fixtures are a dispatch's bare <c>d</c>, wrapped in the frame the relay forwards.</summary>
    private static byte[] FixtureBody(string fixture)
    {
        var bytes = EventExpectations.ReadFixture(Provider, fixture);
        var marker = fixture.IndexOf("-d-", StringComparison.Ordinal);
        if (marker < 0)
        {
            return bytes;
        }

        var eventName = fixture[..marker].Replace('-', '_').ToUpperInvariant();
        return Encoding.UTF8.GetBytes($"{{\"op\": 0, \"t\": \"{eventName}\", \"s\": 1, \"d\": {Encoding.UTF8.GetString(bytes).Trim()}}}");
    }

    private static HttpRequestMessage Tamper(HttpRequestMessage request, byte[] body)
    {
        var tampered = (byte[])body.Clone();
        tampered[^2] ^= 0x01;
        var content = new ByteArrayContent(tampered);
        content.Headers.ContentType = request.Content!.Headers.ContentType;
        request.Content = content;
        return request;
    }

    private static HttpRequestMessage Without(HttpRequestMessage request, string header)
    {
        request.Headers.Remove(header);
        return request;
    }
}
