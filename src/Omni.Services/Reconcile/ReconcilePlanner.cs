using Omni.Services.Configuration;
using Omni.Services.Ingest;

namespace Omni.Services.Reconcile;

/// <summary>
/// The sweep's decisions, pure: which time window to examine, and which archived payloads in it are lost (neither an
/// ingest marker nor a dead letter, and no claim check that could still be on the queue) and must be enqueued again. <see cref="ReconcileSweep"/> does the reading and writing.
/// </summary>
public static class ReconcilePlanner
{
    /// <summary>
    /// How far the normalizer has got, as one sweep sees it: the received time of the oldest claim check still waiting
    /// on the ingest queue, or now when none waits (or it is stamped later than now by another host's clock).
    /// </summary>
    public static DateTimeOffset Progress(DateTimeOffset now, DateTimeOffset? oldestWaiting) =>
        oldestWaiting is { } waiting && waiting < now ? waiting : now;

    /// <summary>
    /// The payloads one sweep examines: received in [from, to). From is <c>now - Lookback</c> or, later, where this
    /// process's previous sweep of the instance stopped (<paramref name="checkedUntil"/>). To is <c>After</c> before the
    /// normalizer's progress as this sweep <em>and the previous one</em> saw it, whichever is older: a claim check
    /// waiting then (or enqueued since) may be in flight now, invisible to the peek, so only payloads older than that
    /// by <c>After</c> count as lost. Null: nothing to examine, and always for the first sweep of a process (it has
    /// seen the queue only once).
    /// </summary>
    public static ReconcileWindow? Window(
        DateTimeOffset now, ReconcileOptions options, DateTimeOffset progress, DateTimeOffset? previousProgress, DateTimeOffset? checkedUntil)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (previousProgress is not { } previous)
        {
            return null;
        }

        var from = now - options.Lookback;
        if (checkedUntil is { } done && done > from)
        {
            from = done;
        }

        var to = (previous < progress ? previous : progress) - options.After;
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
