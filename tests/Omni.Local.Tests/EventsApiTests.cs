using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

[Collection(UsesAzurite.Name)]
public sealed class EventsApiTests(AzuriteFixture azurite)
{
    private static async Task<OmniHost> HostWithEventsAsync(AzuriteFixture azurite, int count)
    {
        var host = await OmniHost.StartAsync(azurite, consumer: false);
        for (var i = 0; i < count; i++)
        {
            var jid = i % 2 == 0 ? "5511999990002@s.whatsapp.net" : "5511999990003@s.whatsapp.net";
            await host.IngestAsync(EvolutionPayloads.Text($"3EB0PAGE{i:D8}", $"message {i}", jid, timestamp: 1764000000 + i));
        }

        while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }

        return host;
    }

    [Fact]
    public async Task ListEvents_PagesNewestFirstWithoutGapsOrRepeats()
    {
        await using var host = await HostWithEventsAsync(azurite, 7);
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await host.GetJsonAsync("/api/events?instance=demo&limit=3" + (continuation is null ? "" : "&continuation=" + continuation));
            seen.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("text").GetString()!));
            continuation = page.TryGetProperty("continuation", out var c) ? c.GetString() : null;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"message {i}"), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListEvents_ByConversation_OnlyThatConversationNewestFirst()
    {
        await using var host = await HostWithEventsAsync(azurite, 6);
        var events = await host.ListEventsAsync(conversationId: "5511999990003@s.whatsapp.net");
        Assert.Equal(["message 5", "message 3", "message 1"], events.Select(e => e.GetProperty("text").GetString()));
        Assert.All(events, e => Assert.Equal("5511999990003@s.whatsapp.net", e.GetProperty("conversation_id").GetString()));
    }

    [Fact]
    public async Task GetEvent_ByIdAndRaw_ReturnsEventAndArchivedBytes()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var body = EvolutionPayloads.Text("3EB0GETBYID000001", "find me");
        await host.IngestAsync(body);
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        var listed = Assert.Single(await host.ListEventsAsync());
        var eventId = listed.GetProperty("event_id").GetString()!;

        var fetched = await host.GetJsonAsync($"/api/events/{eventId}");
        Assert.Equal("find me", fetched.GetProperty("text").GetString());
        Assert.Equal(listed.GetProperty("raw_blob").GetString(), fetched.GetProperty("raw_blob").GetString());

        using var raw = await host.Client.GetAsync($"/api/events/{eventId}/raw");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(body, await raw.Content.ReadAsByteArrayAsync());

        using var missing = await host.Client.GetAsync("/api/events/evt_0000000000000000000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Bug_RawPayloadHandsAnyQueryKeyTheEvolutionApiKey()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var body = EvolutionPayloads.Text("3EB0REDACT0000001", "the apikey is in the envelope");
        Assert.Contains("\"apikey\": \"test-apikey\"", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        await host.IngestAsync(body);
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;

        // An agent's key (no raw scope) gets the payload with the credential replaced, and nothing else changed.
        using var agent = new HttpClient { BaseAddress = host.Client.BaseAddress };
        agent.DefaultRequestHeaders.Add("x-functions-key", OmniHost.AgentKey);
        using var redacted = await agent.GetAsync($"/api/events/{eventId}/raw");
        Assert.Equal(HttpStatusCode.OK, redacted.StatusCode);
        Assert.Equal("1", redacted.Headers.GetValues("x-omni-redacted").Single());
        var text = await redacted.Content.ReadAsStringAsync();
        Assert.DoesNotContain("test-apikey", text, StringComparison.Ordinal);
        var json = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("[redacted]", json.GetProperty("apikey").GetString());
        Assert.Equal("the apikey is in the envelope", json.GetProperty("data").GetProperty("message").GetProperty("conversation").GetString());

        // A key with the raw scope still reads the archive byte for byte.
        using var raw = await host.Client.GetAsync($"/api/events/{eventId}/raw");
        Assert.Equal(body, await raw.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Event_WithTextTooLargeForATableProperty_IsStoredThroughABlobAndReadBackWhole()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var text = string.Concat(Enumerable.Repeat("0123456789", 10_000)); // 100,000 chars: over the 32K-char property limit
        await host.IngestAsync(EvolutionPayloads.Text("3EB0OVERSIZE00001", text));
        await host.Consumer.DrainOnceAsync(CancellationToken.None);

        // Listed bounded (docs/events.md, "Size limits"): the text cut with its length, the metadata's copy of it marked.
        var listed = Assert.Single(await host.ListEventsAsync());
        Assert.Equal(text[..4096], listed.GetProperty("text").GetString());
        Assert.Equal((true, 100_000), (listed.GetProperty("text_truncated").GetBoolean(), listed.GetProperty("text_length").GetInt32()));
        Assert.Equal(["text", "provider_metadata"], listed.GetProperty("truncated_fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("<truncated: 100000 chars>", listed.GetProperty("provider_metadata").GetProperty("message").GetProperty("conversation").GetString());
        Assert.Empty(await host.ListDeadLettersAsync());

        // Read back whole on request.
        var whole = await host.GetJsonAsync($"/api/events/{listed.GetProperty("event_id").GetString()}?full=true");
        Assert.Equal(text, whole.GetProperty("text").GetString());
        Assert.Equal(text, whole.GetProperty("provider_metadata").GetProperty("message").GetProperty("conversation").GetString());
        Assert.False(whole.TryGetProperty("truncated_fields", out _));
    }

    [Fact]
    public async Task QueryRoutes_WithoutOrWithWrongKey_401()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        foreach (var path in new[] { "/api/events?instance=demo", "/api/events/evt_x", "/api/events/evt_x/raw", "/api/deadletters" })
        {
            using var none = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
            wrong.Headers.Add("x-functions-key", "wrong");
            using var wrongResponse = await anonymous.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        }

        using var replay = await anonymous.PostAsync("/api/replay", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Theory]
    [InlineData("/api/events?instnace=demo", "instnace")]
    [InlineData("/api/events?instance=demo&order=up", "order")]
    [InlineData("/api/events?instance=demo&from=yesterday", "from")]
    [InlineData("/api/events?instance=demo&from_me=yes", "from_me")]
    [InlineData("/api/events?instance=demo&event_kind=mesage", "event_kind")]
    [InlineData("/api/events?instance=demo&content_type=gif", "content_type")]
    [InlineData("/api/events?instance=demo&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("/api/events?instance=demo&continuation=eyJxIjoiYWJjIiwiYyI6eyJkZW1vIjpudWxsfX0", "continuation")]
    [InlineData("/api/events?instance=demo&limit=0", "limit")]
    [InlineData("/api/events?instance=demo&limit=501", "limit")]
    [InlineData("/api/events?instance=demo&limit=abc", "limit")]
    [InlineData("/api/events?instance=demo&continuation=%%%", "continuation")]
    public async Task ListEvents_BadParameters_400NamingTheParameter(string path, string named)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

[Collection(UsesAzurite.Name)]
public sealed class EventStoreIndexTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ListBySenderAndKind_ServeTheirIndexesNewestFirst()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0IDX000000001", "a1", "5511999990010@s.whatsapp.net", 1764000001));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0IDX000000002", "b1", "5511999990011@s.whatsapp.net", 1764000002));
        await host.IngestAsync(EvolutionPayloads.Text("3EB0IDX000000003", "a2", "5511999990010@s.whatsapp.net", 1764000003));
        await host.Consumer.DrainOnceAsync(CancellationToken.None);
        var store = host.Services.GetRequiredService<Omni.Services.Events.EventStore>();

        var bySender = await store.ListBySenderAsync("demo", "5511999990010@s.whatsapp.net", 10, null, CancellationToken.None);
        Assert.Equal(["a2", "a1"], bySender.Events.Select(e => e.Text));

        var firstPage = await store.ListByKindAsync("demo", "message", 2, null, CancellationToken.None);
        Assert.Equal(["a2", "b1"], firstPage.Events.Select(e => e.Text));
        var secondPage = await store.ListByKindAsync("demo", "message", 2, firstPage.Continuation, CancellationToken.None);
        Assert.Equal(["a1"], secondPage.Events.Select(e => e.Text));
        Assert.Null(secondPage.Continuation);
        Assert.Empty((await store.ListByKindAsync("demo", "reaction", 10, null, CancellationToken.None)).Events);
    }
}
