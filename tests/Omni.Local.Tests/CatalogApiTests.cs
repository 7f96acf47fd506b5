using System.Net;
using System.Text;
using Omni.Local.Tests.Support;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>The catalogue of observed shapes, through HTTP, against the real Evolution captures.</summary>
[Collection(UsesAzurite.Name)]
public sealed class CatalogApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Catalog_EvolutionFixtures_ExpectedShapesCountsAndStatuses()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var expected = new Dictionary<(string Shape, string Kind, string Content), int>();
        foreach (var fixture in EventExpectations.FixtureNames("evolution"))
        {
            await host.IngestAsync(EventExpectations.ReadFixture("evolution", fixture));
            foreach (var e in EventExpectations.ReadExpectation("evolution", fixture).GetProperty("events").EnumerateArray())
            {
                var key = (e.GetProperty("shape").GetString()!, e.GetProperty("event_kind").GetString()!, e.GetProperty("content_type").GetString()!);
                expected[key] = expected.GetValueOrDefault(key) + 1;
            }
        }

        await host.DrainIngestAsync();
        // Every fixture again: duplicates change no count.
        foreach (var fixture in EventExpectations.FixtureNames("evolution"))
        {
            await host.IngestAsync(EventExpectations.ReadFixture("evolution", fixture));
        }

        // A shape the normalizer does not know, and a payload it cannot read at all.
        await host.IngestAsync(Encoding.UTF8.GetBytes("""{"event":"labels.association","instance":"demo","data":{"label":{"id":"1"}},"date_time":"2025-11-24T12:00:00.000Z"}"""));
        var badIngestId = await host.IngestAsync(Encoding.UTF8.GetBytes("this is not json"));
        await host.DrainIngestAsync();

        var entries = (await host.GetJsonAsync("/api/catalog/demo")).GetProperty("entries").EnumerateArray().ToList();
        var known = entries.Where(e => e.GetProperty("status").GetString() is "normalized" or "mapped").ToList();
        Assert.Equal(
            expected.OrderBy(x => x.Key.ToString(), StringComparer.Ordinal).Select(x => $"{x.Key.Shape} {x.Key.Kind}/{x.Key.Content} ×{x.Value}"),
            known.Select(e => $"{e.GetProperty("shape").GetString()} {e.GetProperty("event_kind").GetString()}/{e.GetProperty("content_type").GetString()} ×{e.GetProperty("count").GetInt64()}")
                .Order(StringComparer.Ordinal));
        // The seed playbooks all trigger on messages (ignore-self on any content type): messages are mapped, the rest normalized.
        Assert.All(known, e => Assert.Equal(e.GetProperty("event_kind").GetString() == "message" ? "mapped" : "normalized", e.GetProperty("status").GetString()));

        var sticker = known.Single(e => e.GetProperty("shape").GetString() == "messages.upsert/stickerMessage");
        Assert.Equal("messages.upsert", sticker.GetProperty("provider_event_type").GetString());
        Assert.Equal("stickerMessage", sticker.GetProperty("message_type").GetString());
        var sampleId = Assert.Single(sticker.GetProperty("sample_event_ids").EnumerateArray()).GetString()!;
        Assert.Equal("sticker", (await host.GetJsonAsync($"/api/events/{sampleId}")).GetProperty("content_type").GetString());
        Assert.True(sticker.GetProperty("first_seen").GetDateTimeOffset() <= sticker.GetProperty("last_seen").GetDateTimeOffset());
        Assert.True(known.Single(e => e.GetProperty("shape").GetString() == "messages.upsert/conversation").GetProperty("sample_event_ids").GetArrayLength() <= 3);

        var unknown = Assert.Single(entries, e => e.GetProperty("status").GetString() == "unknown");
        Assert.Equal("labels.association", unknown.GetProperty("shape").GetString());
        Assert.Equal(1, unknown.GetProperty("count").GetInt64());
        var unknownSample = Assert.Single(unknown.GetProperty("sample_event_ids").EnumerateArray()).GetString()!;
        Assert.Equal("unknown", (await host.GetJsonAsync($"/api/events/{unknownSample}")).GetProperty("event_kind").GetString());

        var quarantined = Assert.Single(entries, e => e.GetProperty("status").GetString() == "quarantined");
        Assert.Equal("evolution:quarantined/not_json", quarantined.GetProperty("shape").GetString());
        Assert.Equal(badIngestId, Assert.Single(quarantined.GetProperty("sample_ingest_ids").EnumerateArray()).GetString());
        Assert.StartsWith("body is not valid JSON", quarantined.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var all = (await host.GetJsonAsync("/api/catalog")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(entries.Count, all.Count);
        Assert.All(all, e => Assert.Equal("demo", e.GetProperty("instance").GetString()));
        using var missing = await host.Client.GetAsync("/api/catalog/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Catalog_EightConcurrentWorkersInTwoProcesses_CountsExactAndDuplicatesIgnored()
    {
        const int Messages = 160;
        var settings = new Dictionary<string, string?> { ["Omni:Normalizer:BatchSize"] = "1" };
        await using var first = await OmniHost.StartAsync(azurite, consumer: false, settings: settings);
        await using var second = await OmniHost.StartAsync(azurite, first.Prefix, consumer: false, settings: settings);
        for (var i = 0; i < Messages; i++)
        {
            // Two conversations, so conversation summaries are contended too; every payload is delivered twice.
            var body = EvolutionPayloads.TextFrom($"3EB0CONC{i:D8}", $"m{i}", i % 2 == 0 ? "5511999990301@s.whatsapp.net" : "5511999990302@s.whatsapp.net",
                1764000000 + i, fromMe: i % 7 == 0);
            await first.IngestAsync(body);
            await first.IngestAsync(body);
        }

        // 8 workers, each handling one message at a time: 4 in each process (separate caches: their ETags collide).
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var host = w % 2 == 0 ? first : second;
            while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
            {
            }
        })));
        Assert.Equal(0, (await first.Storage.IngestQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var entry = Assert.Single((await first.GetJsonAsync("/api/catalog/demo")).GetProperty("entries").EnumerateArray());
        Assert.Equal("messages.upsert/conversation", entry.GetProperty("shape").GetString());
        Assert.Equal(Messages, entry.GetProperty("count").GetInt64());
        Assert.Equal(Messages, (await first.ListEventsAsync()).Count);

        var conversations = (await second.GetJsonAsync("/api/conversations?instance=demo")).GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(Messages, conversations.Sum(c => c.GetProperty("event_count").GetInt64()));
        // Unread: inbound after the last outbound (i % 7 == 0 is ours): for chat A (even i) the last outbound is 154, for B (odd) 147.
        var unread = conversations.ToDictionary(c => c.GetProperty("conversation_id").GetString()!, c => c.GetProperty("unread_count").GetInt32());
        Assert.Equal(Enumerable.Range(155, Messages - 155).Count(i => i % 2 == 0), unread["5511999990301@s.whatsapp.net"]);
        Assert.Equal(Enumerable.Range(148, Messages - 148).Count(i => i % 2 == 1), unread["5511999990302@s.whatsapp.net"]);
    }
}
