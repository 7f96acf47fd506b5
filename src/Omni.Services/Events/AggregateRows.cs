using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Services.Storage;

namespace Omni.Services.Events;

/// <summary>
/// A row derived from the events (a conversation summary, a catalogue counter) that <see cref="EventStore"/> updates
/// in the same transaction as the event's own rows: the event and its effect on the aggregate commit together or not
/// at all, so a duplicate (409) never counts twice and a crash never counts once too few.
/// </summary>
public interface IEventAggregate
{
    /// <summary>
    /// The row writes these new events of one partition need (one per row they touch, with all of that row's events folded
    /// in), each holding its row's lease until disposed; none when they need none.
    /// </summary>
    ValueTask<IReadOnlyList<AggregateWrite>> PrepareAsync(IReadOnlyList<OmniEvent> events, string partition, CancellationToken cancellationToken);
}

/// <summary>
/// Aggregate rows in the events table, cached with their ETags. Updates are read-modify-write under optimistic
/// concurrency: the transaction replaces the row only if its ETag is still the cached one (else 412, the cache entry is
/// dropped, the row is read again and the transaction retried). Within one process a row has one lease holder at a
/// time, so concurrent normalizer workers queue instead of colliding; across processes the ETag keeps it exact.
/// In steady state an update costs no storage operation of its own: it rides in the event's transaction, and the row's
/// current state is already in memory.
/// </summary>
public sealed class AggregateRows(OmniStorage storage)
{
    private const int MaxCachedRows = 100_000;
    private readonly ConcurrentDictionary<(string Partition, string RowKey), Slot> _slots = new();

    /// <summary>Waits for the row's lease and returns it with the row's current state (null: the row does not exist yet).</summary>
    public async Task<AggregateLease> AcquireAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        var slot = SlotFor(partition, rowKey);
        await slot.Gate.WaitAsync(cancellationToken);
        return await LoadAsync(slot, partition, rowKey, cancellationToken);
    }

    /// <summary>The lease if it is free right now, else null (for callers that can pick another shard).</summary>
    public async Task<AggregateLease?> TryAcquireAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        var slot = SlotFor(partition, rowKey);
        return slot.Gate.Wait(0, CancellationToken.None) ? await LoadAsync(slot, partition, rowKey, cancellationToken) : null;
    }

    /// <summary>
    /// One write per row the events touch: the events grouped by <paramref name="keyOf"/> (null: the event touches no
    /// row), each group's row leased by <paramref name="lease"/> and folded by <paramref name="fold"/> from its current
    /// state. On failure the leases taken so far are released.
    /// </summary>
    public static async ValueTask<IReadOnlyList<AggregateWrite>> WriteEachAsync(IReadOnlyList<OmniEvent> events, Func<OmniEvent, string?> keyOf,
        Func<string, Task<AggregateLease>> lease, Func<TableEntity?, IReadOnlyList<OmniEvent>, TableEntity> fold)
    {
        ArgumentNullException.ThrowIfNull(events);
        var writes = new List<AggregateWrite>();
        try
        {
            foreach (var group in events.Select(e => (Key: keyOf(e), Event: e)).Where(x => x.Key is not null).GroupBy(x => x.Key!, x => x.Event, StringComparer.Ordinal))
            {
                var leased = await lease(group.Key);
                try
                {
                    writes.Add(leased.Write(fold(leased.Current, [.. group])));
                }
                catch
                {
                    leased.Dispose();
                    throw;
                }
            }

            return writes;
        }
        catch
        {
            writes.ForEach(w => w.Dispose());
            throw;
        }
    }

    private Slot SlotFor(string partition, string rowKey)
    {
        if (_slots.Count > MaxCachedRows)
        {
            // Forgetting is always safe: a row is read again when needed, and the ETag guards every write.
            _slots.Clear();
        }

        return _slots.GetOrAdd((partition, rowKey), _ => new Slot());
    }

    private async Task<AggregateLease> LoadAsync(Slot slot, string partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            if (!slot.Known)
            {
                var row = await storage.Events.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
                slot.Entity = row.HasValue ? row.Value : null;
                slot.Known = true;
            }

            return new AggregateLease(slot, partition, rowKey);
        }
        catch
        {
            slot.Gate.Release();
            throw;
        }
    }

    internal sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool Known { get; set; }

        public TableEntity? Entity { get; set; }
    }
}

/// <summary>Exclusive use of one aggregate row until disposed.</summary>
public sealed class AggregateLease : IDisposable
{
    private readonly AggregateRows.Slot _slot;
    private bool _released;

    internal AggregateLease(AggregateRows.Slot slot, string partition, string rowKey)
    {
        _slot = slot;
        Partition = partition;
        RowKey = rowKey;
    }

    public string Partition { get; }

    public string RowKey { get; }

    /// <summary>The row as last read or written (do not modify; build a new entity).</summary>
    public TableEntity? Current => _slot.Entity;

    /// <summary>Insert when the row is new, else replace if unchanged since <see cref="Current"/> was read.</summary>
    public AggregateWrite Write(TableEntity next)
    {
        next.PartitionKey = Partition;
        next.RowKey = RowKey;
        if (Current is { } current)
        {
            next.ETag = current.ETag;
            return new AggregateWrite(this, new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, current.ETag), next);
        }

        return new AggregateWrite(this, new TableTransactionAction(TableTransactionActionType.Add, next), next);
    }

    internal void Committed(TableEntity next, ETag? etag)
    {
        if (etag is { } value)
        {
            next.ETag = value;
            _slot.Entity = next;
        }
        else
        {
            _slot.Known = false;
        }
    }

    internal void Invalidate() => _slot.Known = false;

    public void Dispose()
    {
        if (!_released)
        {
            _released = true;
            _slot.Gate.Release();
        }
    }
}

/// <summary>One aggregate row's action in an event transaction, and the lease it holds.</summary>
public sealed class AggregateWrite(AggregateLease lease, TableTransactionAction action, TableEntity next) : IDisposable
{
    public TableTransactionAction Action { get; } = action;

    internal void Committed(ETag? etag) => lease.Committed(next, etag);

    internal void Invalidate() => lease.Invalidate();

    public void Dispose() => lease.Dispose();
}
