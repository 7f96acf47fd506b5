using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Local.Tests.Support;
using Omni.Services.Events;

namespace Omni.Local.Tests;

/// <summary>
/// <c>GET /api/events</c> filters through HTTP: each filter and combinations, paged with a small limit, compared with
/// the same filter applied by the test to the instance's full event list (the oracle).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EventQueryTests(AzuriteFixture azurite)
{
    private const string ChatA = "5511999990101@s.whatsapp.net";
    private const string ChatB = "5511999990102@s.whatsapp.net";
    private const long T0 = 1764000000; // 2025-11-24T16:00:00Z

    private static async Task<OmniHost> HostWithMixedEventsAsync(AzuriteFixture azurite)
    {
        var host = await OmniHost.StartAsync(azurite, consumer: false);
        var bodies = new List<byte[]>();
        for (var i = 0; i < 12; i++)
        {
            var chat = i % 3 == 0 ? ChatB : ChatA;
            bodies.Add(EvolutionPayloads.TextFrom($"3EB0Q{i:D10}", i % 4 == 0 ? $"Hello World {i}" : $"plain text {i}", chat, T0 + (i * 60), fromMe: i % 5 == 0));
        }

        bodies.Add(EvolutionPayloads.Image("3EB0QIMG000001", "a picture of the world", ChatA, T0 + 30));
        bodies.Add(EvolutionPayloads.Reaction("3EB0QREACT00001", "3EB0Q0000000001", "👍", ChatA, T0 + 90));
        foreach (var body in bodies)
        {
            await host.IngestAsync(body);
        }

        while (await host.Consumer.DrainOnceAsync(CancellationToken.None) > 0)
        {
        }

        // identity_id is stamped by the identity registry (another issue); store two stamped events directly to query them.
        var store = host.Services.GetRequiredService<EventStore>();
        foreach (var (id, t) in new[] { ("3EB0QIDENT00001", T0 + 15), ("3EB0QIDENT00002", T0 + 45) })
        {
            await store.TryAddAsync(new OmniEvent
            {
                EventId = EventKey.ComputeEventId("evolution", "demo", id, EventKinds.Message),
                Channel = Channels.WhatsApp, Provider = "evolution", Instance = "demo", EventKind = EventKinds.Message,
                ContentType = ContentTypes.Text, ProviderEventId = id, ProviderMessageId = id, ConversationId = ChatA,
                SenderHandle = ChatA, IdentityId = "idn_maria", Text = "stamped " + id,
                OccurredAt = DateTimeOffset.FromUnixTimeSeconds(t), ReceivedAt = DateTimeOffset.UtcNow, RawBlob = "evolution/demo/x/" + id,
            }, CancellationToken.None);
        }

        return host;
    }

    public static TheoryData<string> Filters() =>
    [
        "channel=whatsapp",
        "channel=discord",
        $"conversation_id={ChatB}",
        "event_kind=reaction",
        "event_kind=message",
        "content_type=image",
        $"sender_handle={ChatA}",
        "from_me=true",
        "from_me=false",
        "identity_id=idn_maria",
        "text_contains=WORLD",
        "from=2025-11-24T16:03:00Z&to=2025-11-24T16:08:00Z",
        "from=2025-11-24T16:05:00Z",
        "to=2025-11-24T16:02:00Z",
        $"conversation_id={ChatA}&from_me=false&text_contains=hello",
        "event_kind=message&from=2025-11-24T16:01:00Z&to=2025-11-24T16:10:00Z",
        $"sender_handle={ChatA}&content_type=text&channel=whatsapp",
        "identity_id=idn_maria&from=2025-11-24T16:00:30Z",
        "order=asc",
        $"order=asc&conversation_id={ChatA}&from=2025-11-24T16:02:00Z",
        "order=asc&text_contains=text",
    ];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task ListEvents_Filter_MatchesOracleAcrossPages(string filter)
    {
        await using var host = await HostWithMixedEventsAsync(azurite);
        var all = await host.ListEventsAsync();
        Assert.Equal(16, all.Count);
        var expected = all.Where(e => Oracle(filter, e)).Select(Id).ToList();
        if (filter.Contains("order=asc", StringComparison.Ordinal))
        {
            expected.Reverse();
        }

        var served = await PageAllAsync(host, "/api/events?instance=demo&" + Escape(filter), limit: 2);

        Assert.Equal(expected, served);
    }

    [Fact]
    public async Task ListEvents_PagingWhileNewEventsArrive_NoDuplicateNoGap()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        for (var i = 0; i < 20; i++)
        {
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0LIVE{i:D8}", $"original {i}", ChatA, T0 + i, fromMe: false));
        }

        await host.DrainIngestAsync();
        var original = (await host.ListEventsAsync()).Select(Id).ToList();

        var served = new List<string>();
        string? continuation = null;
        var round = 0;
        do
        {
            var page = await host.GetJsonAsync("/api/events?instance=demo&limit=6" + (continuation is null ? "" : "&continuation=" + continuation));
            served.AddRange(page.GetProperty("events").EnumerateArray().Select(Id));
            continuation = page.TryGetProperty("continuation", out var c) ? c.GetString() : null;

            // Between page reads: newer events arrive (they sort before the cursor and must not shift later pages).
            round++;
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0LIVENEW{round:D5}", $"new {round}", ChatA, T0 + 1000 + round, fromMe: false));
            await host.DrainIngestAsync();
        }
        while (continuation is not null);

        Assert.Equal(served.Count, served.Distinct().Count());
        Assert.Equal(original, served);
        Assert.Equal(original.Count + round, (await host.ListEventsAsync()).Count);
    }

    [Fact]
    public async Task ListEvents_WithoutInstance_MergesReadableInstancesNewestFirstWhileEventsArrive()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            ["Omni:Instances:other:Provider"] = "evolution",
            ["Omni:Instances:other:WebhookSecret"] = OmniHost.WebhookSecret,
        });
        for (var i = 0; i < 9; i++)
        {
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0MERGE{i:D7}", $"demo {i}", ChatA, T0 + (i * 2), fromMe: false));
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0MERGE{i:D7}", $"other {i}", ChatA, T0 + (i * 2) + 1, fromMe: false), "other");
        }

        await host.DrainIngestAsync();
        var served = new List<JsonElement>();
        string? continuation = null;
        var round = 0;
        do
        {
            var page = await host.GetJsonAsync("/api/events?limit=4&event_kind=message" + (continuation is null ? "" : "&continuation=" + continuation));
            served.AddRange(page.GetProperty("events").EnumerateArray());
            continuation = page.TryGetProperty("continuation", out var c) ? c.GetString() : null;
            await host.IngestAsync(EvolutionPayloads.TextFrom($"3EB0MERGENEW{++round:D4}", "late", ChatA, T0 + 500 + round, fromMe: false), "other");
            await host.DrainIngestAsync();
        }
        while (continuation is not null);

        var expectedTexts = Enumerable.Range(0, 9).Reverse().SelectMany(i => new[] { $"other {i}", $"demo {i}" });
        Assert.Equal(expectedTexts, served.Select(e => e.GetProperty("text").GetString()));

        using var foreign = await host.Client.GetAsync("/api/events?instance=demo&limit=4&continuation=" +
            (await host.GetJsonAsync("/api/events?limit=4")).GetProperty("continuation").GetString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, foreign.StatusCode);
    }

    [Fact]
    public async Task ListEvents_EmptyAscendingWindowAndUnknownInstance_EmptyPageAnd404()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        using var response = await host.Client.GetAsync("/api/events?instance=demo&order=asc&limit=5&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"events\":[]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknownInstance = await host.Client.GetAsync("/api/events?instance=nope");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknownInstance.StatusCode);
    }

    internal static async Task<List<string>> PageAllAsync(OmniHost host, string path, int limit)
    {
        var ids = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await host.GetJsonAsync($"{path}&limit={limit}" + (continuation is null ? "" : "&continuation=" + continuation));
            ids.AddRange(page.GetProperty("events").EnumerateArray().Select(Id));
            continuation = page.TryGetProperty("continuation", out var c) ? c.GetString() : null;
            Assert.True(++pages < 100, "paging does not end");
        }
        while (continuation is not null);

        return ids;
    }

    private static string Id(JsonElement e) => e.GetProperty("event_id").GetString()!;

    private static string Escape(string filter) =>
        string.Join('&', filter.Split('&').Select(p => p.Split('=', 2)).Select(kv => kv[0] + "=" + Uri.EscapeDataString(kv[1])));

    /// <summary>The meaning of each filter, applied to an event as the API returns it.</summary>
    private static bool Oracle(string filter, JsonElement e)
    {
        string? S(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var time = DateTimeOffset.Parse(S("occurred_at") ?? S("received_at")!, CultureInfo.InvariantCulture);
        foreach (var kv in filter.Split('&').Select(p => p.Split('=', 2)))
        {
            var ok = kv[0] switch
            {
                "channel" or "conversation_id" or "event_kind" or "content_type" or "sender_handle" or "identity_id" => S(kv[0]) == kv[1],
                "from_me" => e.GetProperty("from_me").GetBoolean() == bool.Parse(kv[1]),
                "text_contains" => S("text")?.Contains(kv[1], StringComparison.OrdinalIgnoreCase) ?? false,
                "from" => time >= DateTimeOffset.Parse(kv[1], CultureInfo.InvariantCulture),
                "to" => time < DateTimeOffset.Parse(kv[1], CultureInfo.InvariantCulture),
                "order" => true,
                _ => throw new ArgumentException(kv[0]),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
