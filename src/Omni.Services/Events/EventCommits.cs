using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Services.Storage;

namespace Omni.Services.Events;

/// <summary>
/// One new event waiting to be committed: its own rows (canonical and index rows, all insert-if-absent), the bounded
/// view its aggregates fold, and the optional row that rides with it (the payload's ingest marker).
/// </summary>
internal sealed class PendingEvent(string eventId, string partition, OmniEvent view, IReadOnlyList<TableTransactionAction> rows, TableEntity? marker)
{
    public string EventId { get; } = eventId;

    public string Partition { get; } = partition;

    public OmniEvent View { get; } = view;

    public IReadOnlyList<TableTransactionAction> Rows { get; } = rows;

    public TableEntity? Marker { get; } = marker;

    /// <summary>True: stored now; false: it was stored before (a duplicate); an exception: it could not be stored.</summary>
    public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the event adds to a transaction, as Table Storage counts it (its rows and its marker).</summary>
    public long Bytes { get; } = rows.Select(r => r.Entity).OfType<TableEntity>().Append(marker).OfType<TableEntity>().Sum(TableLimits.EntityBytes);

    public IEnumerable<string> RowKeys => Rows.Select(r => r.Entity.RowKey).Append(Marker?.RowKey).OfType<string>();
}

/// <summary>
/// Group commit of new events, one partition (instance) at a time. Events that arrive while a partition's transaction is
/// in flight wait, and the next transaction carries all of them (up to Table Storage's limits): each event's rows and
/// marker, and one write per aggregate row the group touches (a conversation summary folded over the group's events of
/// that conversation, a catalogue shard over its events of that shape). Nothing waits for company: a lone event is
/// committed at once, and a busy instance sends fewer, fuller transactions instead of many that queue behind one hot
/// conversation summary. Every event keeps its own outcome: a duplicate (409 on one of its rows) is answered false and
/// the rest of the group committed without it; a row storage refuses for its size fails its event only; an aggregate
/// row changed by another process (412) is read again and the group retried. (docs/decisions.md, "Group commit".)
/// </summary>
internal sealed class EventCommits(OmniStorage storage, IReadOnlyList<IEventAggregate> aggregates)
{
    /// <summary>Attempts after an aggregate row changed under us (another process) before the group fails.</summary>
    public const int MaxConflictRetries = 10;

    /// <summary>Entities a group's events may take: the transaction limit less one aggregate row per event and aggregate.</summary>
    private const long MaxGroupBytes = TableLimits.MaxTransactionBytes / 2; // the other half is left to aggregate rows and overhead

    private GroupSender<PendingEvent>? _sender;

    /// <summary>One per instance of this class (made on first use: it calls this instance's methods).</summary>
    private GroupSender<PendingEvent> Sender => LazyInitializer.EnsureInitialized(ref _sender,
        () => new GroupSender<PendingEvent>(TakeGroup, CommitGroupAsync, (p, ex) => p.Result.TrySetException(ex)));

    /// <summary>Commits <paramref name="pending"/> with whatever else is waiting for its partition; true when it is new.</summary>
    public Task<bool> CommitAsync(PendingEvent pending, CancellationToken cancellationToken)
    {
        Sender.Add(pending.Partition, pending);
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The longest run of waiting events, oldest first, that fits one transaction with distinct row keys (a second
    /// delivery of the same event, or of the same payload's marker, waits for the next group and meets its 409 there).
    /// </summary>
    private List<PendingEvent> TakeGroup(List<PendingEvent> waiting)
    {
        var group = new List<PendingEvent>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var entities = 0;
        long bytes = 0;
        var perEvent = aggregates.Count; // at most one aggregate row per event and aggregate
        for (var i = 0; i < waiting.Count; i++)
        {
            var next = waiting[i];
            var size = next.Rows.Count + (next.Marker is null ? 0 : 1) + perEvent;
            var fits = group.Count == 0 ||
                       (entities + size <= TableLimits.MaxTransactionEntities && bytes + next.Bytes <= MaxGroupBytes && !next.RowKeys.Any(keys.Contains));
            if (!fits)
            {
                if (entities + size > TableLimits.MaxTransactionEntities)
                {
                    break;
                }

                continue;
            }

            group.Add(next);
            keys.UnionWith(next.RowKeys);
            entities += size;
            bytes += next.Bytes;
        }

        waiting.RemoveAll(group.Contains);
        return group;
    }

    /// <summary>Commits the group in as few transactions as its outcomes allow; every event's result is set, nothing throws.</summary>
    private async Task CommitGroupAsync(string partition, List<PendingEvent> group)
    {
        var conflicts = 0;
        while (group.Count > 0)
        {
            var writes = new List<AggregateWrite>();
            try
            {
                var views = group.Select(p => p.View).ToList();
                foreach (var aggregate in aggregates)
                {
                    writes.AddRange(await aggregate.PrepareAsync(views, partition, CancellationToken.None));
                }

                var actions = group.SelectMany(p => p.Rows).ToList();
                var firstWrite = actions.Count;
                actions.AddRange(writes.Select(w => w.Action));
                // Markers last: an upsert never fails with 409, so a failing index below them names an event or an aggregate.
                actions.AddRange(group.Where(p => p.Marker is not null).Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, p.Marker!)));

                var etags = await storage.Transactions.SubmitAsync(storage.Events.Name, actions, CancellationToken.None);
                for (var i = 0; i < writes.Count; i++)
                {
                    writes[i].Committed(etags[firstWrite + i]);
                }

                group.ForEach(p => p.Result.TrySetResult(true));
                return;
            }
            catch (Exception ex) when (TableLimits.IsPermanent(ex))
            {
                if (OwnerOf(group, ex, out var row) is { } refused)
                {
                    // Bounded rows should never get here; if one does, say which row and what in it, for the quarantine's reason.
                    refused.Result.TrySetException(new StorageLimitException(
                        $"Table Storage refused the event's transaction ({(ex as RequestFailedException)?.ErrorCode}): {TableLimits.Describe(row!)}", ex));
                    group.Remove(refused);
                }
                else if (group.Count > 1)
                {
                    // The group as a whole, or an aggregate row, was refused: each event on its own says whose it is.
                    foreach (var pending in group)
                    {
                        await CommitGroupAsync(partition, [pending]);
                    }

                    return;
                }
                else
                {
                    group[0].Result.TrySetException(ex is StorageLimitException ? ex : new StorageLimitException($"Table Storage refused the event's transaction ({(ex as RequestFailedException)?.ErrorCode})", ex));
                    return;
                }
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                var failed = (ex as TableTransactionFailedException)?.FailedTransactionActionIndex;
                if (OwnerOf(group, ex, out _) is { } duplicate)
                {
                    duplicate.Result.TrySetResult(false); // one of its rows exists: this event was stored before
                    group.Remove(duplicate);
                    continue;
                }

                if (failed is null)
                {
                    // No index to go by: whichever events exist were stored before; every aggregate row is read again.
                    foreach (var pending in group.ToList())
                    {
                        if (await ExistsAsync(partition, pending.EventId))
                        {
                            pending.Result.TrySetResult(false);
                            group.Remove(pending);
                        }
                    }
                }

                // An aggregate row changed under us (another process, or a row created concurrently): read it again.
                var rowsBefore = group.Sum(p => p.Rows.Count);
                for (var i = 0; i < writes.Count; i++)
                {
                    if (failed is null || failed == rowsBefore + i)
                    {
                        writes[i].Invalidate();
                    }
                }

                if (++conflicts >= MaxConflictRetries)
                {
                    group.ForEach(p => p.Result.TrySetException(ex));
                    return;
                }
            }
#pragma warning disable CA1031 // Anything else (storage unavailable, a bug) is every waiting event's failure: their hosts retry.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                group.ForEach(p => p.Result.TrySetException(ex));
                return;
            }
            finally
            {
                foreach (var write in writes)
                {
                    write.Dispose();
                }
            }
        }
    }

    /// <summary>The event whose own row the failed action was, and that row; null for an aggregate row, a marker, or no index.</summary>
    private static PendingEvent? OwnerOf(List<PendingEvent> group, Exception ex, out TableEntity? row)
    {
        row = null;
        if ((ex as TableTransactionFailedException)?.FailedTransactionActionIndex is not { } index)
        {
            return null;
        }

        foreach (var pending in group)
        {
            if (index < pending.Rows.Count)
            {
                row = (TableEntity)pending.Rows[index].Entity;
                return pending;
            }

            index -= pending.Rows.Count;
        }

        return null;
    }

    private async Task<bool> ExistsAsync(string partition, string eventId) =>
        (await storage.Events.GetEntityIfExistsAsync<TableEntity>(partition, EventStore.CanonicalRowKey(eventId), ["RowKey"], CancellationToken.None)).HasValue;
}
