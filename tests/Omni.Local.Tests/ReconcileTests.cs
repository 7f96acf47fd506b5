using System.Net;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Local.Tests.Support;
using Omni.Services.Ingest;
using Omni.Services.Reconcile;

namespace Omni.Local.Tests;

/// <summary>
/// The reconciliation sweep against Azurite: an archived payload whose claim check was never enqueued becomes an event
/// exactly once, and payloads that were handled (events, an empty batch, duplicates, quarantine) or whose message still
/// waits are left alone. The "crash" is real: the ingest queue is deleted under the running host, so the webhook
/// archives the body and then fails to enqueue, as a host killed between the two would leave it. The clock is fake and
/// the sweep is called directly; <see cref="ReconcileTimer_RunsTheSweepByTheInjectedClock"/> checks the hosted timer.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ReconcileTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 20, 0, TimeSpan.Zero);

    /// <summary>Past <c>Omni:Reconcile:After</c> (2 min by default) and then some.</summary>
    private static readonly TimeSpan PastAfter = TimeSpan.FromMinutes(4);

    private static async Task<(OmniHost Host, FakeTimeProvider Clock)> StartAsync(AzuriteFixture azurite, bool consumer = false)
    {
        var clock = new FakeTimeProvider(Start);
        var host = await OmniHost.StartAsync(azurite, consumer: consumer, configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        return (host, clock);
    }

    /// <summary>Posts while the ingest queue is gone: the body is archived, the enqueue fails, the caller gets no 2xx. Returns the ingest id.</summary>
    private static async Task<string> PostWhileEnqueueFailsAsync(OmniHost host, byte[] body)
    {
        var before = await ArchiveAsync(host);
        await host.Storage.IngestQueue.DeleteAsync();
        using (var response = await host.PostWebhookAsync(body))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        await host.Storage.IngestQueue.CreateAsync();
        var blob = Assert.Single((await ArchiveAsync(host)).Except(before));
        return blob[(blob.LastIndexOf('/') + 1)..];
    }

    /// <summary>Writes an archive blob with no claim check, as ingest does before it enqueues (when the queue holds messages that must stay).</summary>
    private static async Task ArchiveOnlyAsync(OmniHost host, byte[] body, DateTimeOffset receivedAt)
    {
        var ingestId = Guid.CreateVersion7(receivedAt).ToString("N");
        var message = new IngestMessage(ingestId, "evolution", OmniHost.Instance, RawArchive.BlobNameFor("evolution", OmniHost.Instance, receivedAt, ingestId), receivedAt);
        await host.Services.GetRequiredService<RawArchive>().PutAsync(message.BlobName, BinaryData.FromBytes(body), "application/json", message, CancellationToken.None);
    }

    private static async Task<List<string>> ArchiveAsync(OmniHost host)
    {
        var names = new List<string>();
        await foreach (var blob in host.Storage.RawArchive.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>
    /// A sweep by a process that remembers nothing of earlier sweeps (a restarted host, another Functions instance): its
    /// first sweep only looks at the queue, the second (here at once, at the same fake time) acts.
    /// </summary>
    private static async Task<ReconcileResult> FreshSweepAsync(OmniHost host)
    {
        using var sweep = ActivatorUtilities.CreateInstance<ReconcileSweep>(host.Services);
        Assert.Equal(new ReconcileResult(0, 0, 0, 0), await sweep.RunAsync(CancellationToken.None));
        return await sweep.RunAsync(CancellationToken.None);
    }

    private static async Task<int> QueueLengthAsync(OmniHost host) => (await host.Storage.IngestQueue.PeekMessagesAsync(32)).Value.Length;

    [Fact]
    public async Task Bug_ArchivedBeforeCrashNeverBecomesAnEvent()
    {
        var (host, clock) = await StartAsync(azurite);
        await using var _ = host;
        var sweep = host.Services.GetRequiredService<ReconcileSweep>();
        await host.IngestAsync(EvolutionPayloads.Text("3EB0RECONCILE001", "acknowledged"));
        await host.DrainIngestAsync();
        var orphan = await PostWhileEnqueueFailsAsync(host, EvolutionPayloads.Text("3EB0RECONCILE002", "archived, never enqueued"));
        Assert.Equal(0, await QueueLengthAsync(host));

        // Sweeps a minute apart, from the first (it only looks at the queue): the payload is too young to be lost
        // (its message may still be on the way) until it is After older than what the last two sweeps saw.
        for (var minute = 0; minute < 4; minute++)
        {
            Assert.Equal(0, (await sweep.RunAsync(CancellationToken.None)).ReEnqueued);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await sweep.RunAsync(CancellationToken.None);
        Assert.Equal((2, 1, 1), (first.Examined, first.Processed, first.ReEnqueued));
        var queued = Assert.Single((await host.Storage.IngestQueue.PeekMessagesAsync(32)).Value);
        Assert.Contains(orphan, queued.MessageText, StringComparison.Ordinal);

        // The claim check waits on the queue (the normalizer lags): no sweep enqueues it twice, however late.
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, (await FreshSweepAsync(host)).ReEnqueued);
        Assert.Equal(1, await QueueLengthAsync(host));

        await host.DrainIngestAsync();
        var events = await host.ListEventsAsync();
        Assert.Equal(["3EB0RECONCILE001", "3EB0RECONCILE002"],
            events.Select(e => e.GetProperty("provider_message_id").GetString()).Order(StringComparer.Ordinal));

        // Done: the next sweep, and one by a process that remembers nothing, find nothing to do.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await sweep.RunAsync(CancellationToken.None)).ReEnqueued);
        var fresh = await FreshSweepAsync(host);
        Assert.Equal((2, 2, 0), (fresh.Examined, fresh.Processed, fresh.ReEnqueued));
        Assert.Equal(0, await QueueLengthAsync(host));
        Assert.Equal(2, (await host.ListEventsAsync()).Count);
    }

    [Fact]
    public async Task Reconcile_EmptyBatchDuplicatesAndQuarantine_AreHandledNotLost()
    {
        var (host, clock) = await StartAsync(azurite);
        await using var _ = host;
        var body = EvolutionPayloads.Text("3EB0RECONCILE003", "posted twice");
        await host.IngestAsync(body);
        await host.IngestAsync(body);                                                                        // a duplicate: 409, no new event
        await host.IngestAsync("""{"event":"contacts.upsert","instance":"demo","data":[]}"""u8.ToArray());  // an empty batch: no event at all
        await host.IngestAsync("not json"u8.ToArray());                                                       // quarantined: a dead letter
        await host.DrainIngestAsync();
        Assert.Single(await host.ListEventsAsync());
        Assert.Single(await host.ListDeadLettersAsync());

        clock.Advance(PastAfter);
        var result = await FreshSweepAsync(host);
        Assert.Equal(new ReconcileResult(Examined: 4, Processed: 3, Quarantined: 1, ReEnqueued: 0), result);
        Assert.Equal(0, await QueueLengthAsync(host));
    }

    [Fact]
    public async Task Reconcile_OrphanOfAPayloadStoredUnderAnotherIngestId_EnqueuedOnceThenMarked()
    {
        var (host, clock) = await StartAsync(azurite);
        await using var _ = host;
        var body = EvolutionPayloads.Text("3EB0RECONCILE004", "the provider retried");
        await PostWhileEnqueueFailsAsync(host, body); // first delivery: archived, then the host "died"
        await host.IngestAsync(body);                 // the provider retried: accepted under a new ingest id
        await host.DrainIngestAsync();
        Assert.Single(await host.ListEventsAsync());

        clock.Advance(PastAfter);
        Assert.Equal(1, (await FreshSweepAsync(host)).ReEnqueued);
        await host.DrainIngestAsync(); // every event is a duplicate: the payload is marked on its own

        var again = await FreshSweepAsync(host);
        Assert.Equal((2, 2, 0), (again.Examined, again.Processed, again.ReEnqueued));
        Assert.Single(await host.ListEventsAsync());
    }

    [Fact]
    public async Task Reconcile_BacklogOnTheIngestQueue_HoldsTheSweepBack()
    {
        var (host, clock) = await StartAsync(azurite);
        await using var _ = host;
        await host.IngestAsync(EvolutionPayloads.Text("3EB0RECONCILE005", "waiting in the backlog"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await ArchiveOnlyAsync(host, EvolutionPayloads.Text("3EB0RECONCILE006", "lost behind the backlog"), clock.GetUtcNow());

        // Both are long past After, but the normalizer has not reached the backlog's head: it may be slow, not dead.
        clock.Advance(TimeSpan.FromMinutes(30));
        var held = await FreshSweepAsync(host);
        Assert.Equal((0, 0), (held.Examined, held.ReEnqueued));

        await host.DrainIngestAsync();
        var swept = await FreshSweepAsync(host);
        Assert.Equal((2, 1, 1), (swept.Examined, swept.Processed, swept.ReEnqueued));
        await host.DrainIngestAsync();
        Assert.Equal(2, (await host.ListEventsAsync()).Count);
    }

    [Fact]
    public async Task ReconcileTimer_RunsTheSweepByTheInjectedClock()
    {
        var (host, clock) = await StartAsync(azurite, consumer: true);
        await using var _ = host;
        await PostWhileEnqueueFailsAsync(host, EvolutionPayloads.Text("3EB0RECONCILE007", "found by the timer"));
        Assert.Empty(await host.ListEventsAsync());

        // Omni:Reconcile:Interval is 1 min: each minute of fake time is one sweep (ticks that come while a sweep runs
        // coalesce, so the clock moves on slowly); the payload is due after 4. Bounded: 40 minutes, inside the lookback.
        List<System.Text.Json.JsonElement> events = [];
        for (var minute = 0; minute < 40 && events.Count == 0; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(500);
            events = await host.ListEventsAsync();
        }

        Assert.Single(events);
        Assert.Equal("found by the timer", events[0].GetProperty("text").GetString());
    }
}
