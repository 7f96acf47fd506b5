using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Local.Tests.Support;
using Omni.Services.Catalog;
using Omni.Services.Conversations;
using Omni.Services.Events;
using Omni.Services.Normalize;
using Omni.Services.Storage;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>
/// Events of one instance stored at the same time share transactions (EventCommits), on Azurite: each keeps its own
/// outcome (new, or a duplicate), and the aggregates they fold into one row per transaction stay exact.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EventGroupCommitTests(AzuriteFixture azurite)
{
    private const string Chat = "5511999990077@s.whatsapp.net";

    [Fact]
    public async Task FortyConcurrentMessagesOfOneChat_AllStored_InFarFewerTransactions_SummaryAndCatalogueCountEachOnce()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var store = host.Services.GetRequiredService<EventStore>();
        var counter = host.Services.GetRequiredService<StorageOperationCounter>();
        counter.TablePort = azurite.TablePort;
        var events = Normalize(host, Enumerable.Range(0, 40).Select(i => (i, 1764000000L + i)));

        counter.Reset();
        var added = await Task.WhenAll(events.Select(e => store.TryAddAsync(e, CancellationToken.None)));

        Assert.All(added, Assert.True);
        Assert.InRange(counter.Table, 1, 20); // one transaction per event would be 40; a lone first event goes alone
        var summary = await host.Services.GetRequiredService<ConversationStore>().GetAsync(OmniHost.Instance, Chat, CancellationToken.None);
        Assert.Equal(40, summary!.EventCount);
        Assert.Equal(events.MaxBy(e => e.OccurredAt)!.EventId, summary.LastEventId);
        Assert.Equal(40, (await CatalogCountAsync(host)));
        Assert.Equal(40, (await store.ListAsync(OmniHost.Instance, Chat, 100, null, CancellationToken.None)).Events.Count);
    }

    [Fact]
    public async Task StoredEventsAndTwoDeliveriesOfNewOnes_Concurrently_EachNewEventTrueOnce_DuplicatesFalse_CountedOnce()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var store = host.Services.GetRequiredService<EventStore>();
        var stored = Normalize(host, Enumerable.Range(0, 6).Select(i => (i, 1764000000L + i)));
        foreach (var e in stored)
        {
            Assert.True(await store.TryAddAsync(e, CancellationToken.None));
        }

        var fresh = Normalize(host, Enumerable.Range(100, 6).Select(i => (i, 1764001000L + i)));
        var attempts = stored.Concat(fresh).Concat(fresh).Select(e => (e.EventId, Added: store.TryAddAsync(e, CancellationToken.None))).ToList();
        await Task.WhenAll(attempts.Select(a => a.Added));

        Assert.All(attempts.Where(a => stored.Any(s => s.EventId == a.EventId)), a => Assert.False(a.Added.Result));
        Assert.All(fresh, e => Assert.Equal(1, attempts.Count(a => a.EventId == e.EventId && a.Added.Result)));
        var summary = await host.Services.GetRequiredService<ConversationStore>().GetAsync(OmniHost.Instance, Chat, CancellationToken.None);
        Assert.Equal(12, summary!.EventCount);
        Assert.Equal(12, await CatalogCountAsync(host));
    }

    private static List<OmniEvent> Normalize(OmniHost host, IEnumerable<(int Index, long Timestamp)> messages)
    {
        var normalizer = host.Services.GetRequiredService<NormalizerRegistry>().Find("evolution")!;
        return
        [
            .. messages.SelectMany(m => normalizer.Normalize(new RawPayload("evolution", OmniHost.Instance, $"ing{m.Index}", $"demo/ing{m.Index}.json",
                DateTimeOffset.UnixEpoch.AddSeconds(m.Timestamp + 1), "application/json",
                EvolutionPayloads.Text($"3EB0GRP{m.Index:D9}", $"message {m.Index}", Chat, m.Timestamp))).Events),
        ];
    }

    private static async Task<long> CatalogCountAsync(OmniHost host) =>
        (await host.Services.GetRequiredService<CatalogStore>().ListAsync(OmniHost.Instance, CancellationToken.None))
        .Where(c => c.EventKind == EventKinds.Message).Sum(c => c.Count);
}
