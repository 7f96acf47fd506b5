using Omni.Services.Configuration;
using Omni.Services.Ingest;

namespace Omni.Services.Reconcile;

/// <summary>
/// The sweep's decisions, pure: which time window to examine, and which archived payloads in it are lost (neither an
/// ingest marker nor a dead letter) and must be enqueued again. <see cref="ReconcileSweep"/> does the reading and writing.
/// </summary>
public static class ReconcilePlanner
{
    /// <summary>
    /// The payloads one sweep examines: received in [from, to), where from is <c>now - Lookback</c> or, later, where
    /// this process's previous sweep of the instance stopped (<paramref name="checkedUntil"/>), and to is
    /// <c>After</c> before now, or <c>After</c> before the oldest message still waiting on the ingest queue when that is
    /// older (the normalizer is lagging: payloads behind its backlog may still have their message). Null: nothing to examine.
    /// </summary>
    public static ReconcileWindow? Window(DateTimeOffset now, ReconcileOptions options, DateTimeOffset? oldestWaiting, DateTimeOffset? checkedUntil)
    {
        ArgumentNullException.ThrowIfNull(options);
        var from = now - options.Lookback;
        if (checkedUntil is { } done && done > from)
        {
            from = done;
        }

        var progress = oldestWaiting is { } waiting && waiting < now ? waiting : now;
        var to = progress - options.After;
        return to > from ? new ReconcileWindow(from, to) : null;
    }

    /// <summary>
    /// Splits the archived payloads of the window into those that became events (marked), were quarantined (a dead
    /// letter names their ingest id) and are lost: at most <paramref name="max"/> of those, oldest first, are to be
    /// enqueued again. <see cref="ReconcilePlan.CheckedUntil"/> is where the next sweep of the instance may start: the
    /// window's end, or the first lost payload left for later when <paramref name="max"/> was reached.
    /// </summary>
    public static ReconcilePlan Plan(
        IEnumerable<ArchivedEntry> archived, IReadOnlySet<string> marked, IReadOnlySet<string> deadLettered, ReconcileWindow window, int max)
    {
        ArgumentNullException.ThrowIfNull(archived);
        ArgumentNullException.ThrowIfNull(marked);
        ArgumentNullException.ThrowIfNull(deadLettered);
        ArgumentNullException.ThrowIfNull(window);
        var lost = new List<ArchivedEntry>();
        int examined = 0, processed = 0, quarantined = 0;
        var checkedUntil = window.To;
        var ordered = archived
            .Where(e => e.ReceivedAt >= window.From && e.ReceivedAt < window.To)
            .OrderBy(e => e.ReceivedAt)
            .ThenBy(e => e.IngestId, StringComparer.Ordinal);
        foreach (var entry in ordered)
        {
            if (marked.Contains(entry.IngestId))
            {
                processed++;
            }
            else if (deadLettered.Contains(entry.IngestId))
            {
                quarantined++;
            }
            else if (lost.Count < max)
            {
                lost.Add(entry);
            }
            else
            {
                checkedUntil = entry.ReceivedAt; // the next sweep goes on from here
                break;
            }

            examined++;
        }

        return new ReconcilePlan(lost, examined, processed, quarantined, checkedUntil);
    }
}

/// <summary>Payloads received in [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record ReconcileWindow(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// What a sweep decided for one instance: the payloads to enqueue again, how many it examined, how many had become
/// events (or had no events to become: marked) or been quarantined, and where the next sweep starts.
/// </summary>
public sealed record ReconcilePlan(IReadOnlyList<ArchivedEntry> ReEnqueue, int Examined, int Processed, int Quarantined, DateTimeOffset CheckedUntil);
