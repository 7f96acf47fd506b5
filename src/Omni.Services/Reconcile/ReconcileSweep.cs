using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Omni.Services.Configuration;
using Omni.Services.DeadLetters;
using Omni.Services.Ingest;
using Omni.Services.Storage;
using Omni.Services.Telemetry;

namespace Omni.Services.Reconcile;

/// <summary>
/// The reconciliation sweep both hosts run on a timer (Omni.Local: <c>ReconcileTimer</c>; Functions: the <c>Reconcile</c>
/// timer trigger). Ingest archives the body, then enqueues its claim check: a crash in between leaves a payload nobody
/// processes. For each configured instance the sweep lists the payloads archived in its window
/// (<see cref="ReconcilePlanner.Window"/>: old enough, and behind what the normalizer had reached at this sweep and the
/// previous one), reads that window's ingest markers and dead letters (one range read each), and enqueues the claim
/// check of every payload that has neither (<see cref="ReconcilePlanner.Plan"/>). The first sweep of a process only
/// looks at the queue. What it remembers (the previous look, where each instance's last sweep stopped) is in memory.
/// Storage cost per sweep: one queue peek, then per instance with payloads in its window one blob listing per hour
/// folder and two table range reads (pages of 1,000 or 5,000), plus one queue write per lost payload.
/// Nothing on the ingest or normalize path pays for it (the marker rides in the event's transaction).
/// </summary>
public sealed class ReconcileSweep(
    OmniStorage storage, RawArchive archive, IngestMarkers markers, DeadLetterStore deadLetters, OmniOptions options, TimeProvider time,
    ILogger<ReconcileSweep> logger) : IDisposable
{
    /// <summary>Markers and dead letters are keyed by the received time the message carried: read a little wider than the window.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);

    /// <summary>Per provider/instance: payloads received before this were all accounted for by an earlier sweep of this process.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _checkedUntil = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>The normalizer's progress as the previous sweep of this process saw it (<see cref="ReconcilePlanner.Window"/>).</summary>
    private DateTimeOffset? _previousProgress;

    /// <summary>Runs one sweep over every configured instance; returns what it found and enqueued.</summary>
    public async Task<ReconcileResult> RunAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        using var activity = OmniTelemetry.StartReconcile();
        try
        {
            var now = time.GetUtcNow();
            var progress = ReconcilePlanner.Progress(now, await OldestWaitingAsync(cancellationToken));
            var previousProgress = _previousProgress;
            _previousProgress = progress;
            var total = new ReconcileResult(0, 0, 0, 0);
            var reEnqueued = new List<string>();
            foreach (var (instance, settings) in options.Instances.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                var provider = settings.Provider;
                var key = $"{provider}/{instance}";
                var window = ReconcilePlanner.Window(
                    now, options.Reconcile, progress, previousProgress, _checkedUntil.TryGetValue(key, out var done) ? done : null);
                if (window is null)
                {
                    continue;
                }

                var archived = new List<ArchivedEntry>();
                await foreach (var entry in archive.ListAsync(provider, instance, window.From, window.To, cancellationToken))
                {
                    archived.Add(entry);
                }

                var plan = archived.Count == 0
                    ? new ReconcilePlan([], 0, 0, 0, window.To)
                    : ReconcilePlanner.Plan(
                        archived,
                        await markers.ListAsync(instance, window.From - Slack, window.To + Slack, cancellationToken),
                        await deadLetters.ListIngestIdsAsync(instance, window.From - Slack, window.To + Slack, cancellationToken),
                        window,
                        Math.Max(0, options.Reconcile.MaxPerSweep - total.ReEnqueued));
                foreach (var entry in plan.ReEnqueue)
                {
                    var message = new IngestMessage(entry.IngestId, provider, instance, entry.BlobName, entry.ReceivedAt, Replay: true);
                    await storage.IngestQueue.SendMessageAsync(message.ToJson(), cancellationToken);
                    OmniTelemetry.RecordReconciled(provider);
                    reEnqueued.Add(entry.IngestId);
                }

                _checkedUntil[key] = plan.CheckedUntil;
                total = new ReconcileResult(
                    total.Examined + plan.Examined, total.Processed + plan.Processed, total.Quarantined + plan.Quarantined, total.ReEnqueued + plan.ReEnqueue.Count);
            }

            OmniTelemetry.RecordReconcile(activity, total);
            if (reEnqueued.Count > 0)
            {
                logger.LogWarning(
                    "Reconcile: enqueued {Count} archived payloads again that had no queue message (a host died between archiving and enqueueing); ingest ids {IngestIds}",
                    reEnqueued.Count, string.Join(",", reEnqueued.Take(20)));
            }

            return total;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>The received time of the oldest claim check still waiting on the ingest queue (one peek), or null when none is visible.</summary>
    private async Task<DateTimeOffset?> OldestWaitingAsync(CancellationToken cancellationToken)
    {
        var peeked = (await storage.IngestQueue.PeekMessageAsync(cancellationToken)).Value;
        if (peeked is null)
        {
            return null;
        }

        return IngestMessage.TryParse(peeked.MessageText)?.ReceivedAt ?? peeked.InsertedOn;
    }
}

/// <summary>
/// One sweep over all instances: archived payloads examined, those that had become events or had none to become
/// (marked), those quarantined, and those enqueued again.
/// </summary>
public sealed record ReconcileResult(int Examined, int Processed, int Quarantined, int ReEnqueued);
