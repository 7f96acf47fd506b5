using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Omni.Services.Storage;

namespace Omni.Services.Operations;

/// <summary>
/// When the normalizer last stored an event, for <c>GET /api/health</c>. Kept in memory per process and written to
/// one row (<c>_omni|health</c> in the Events table, a partition no instance can have: instance names start with a
/// letter or digit) at most once per <see cref="WriteInterval"/> per process, so the health route of any worker can
/// read it with one point read and the normalizer pays at most one extra table write per interval, not per event.
/// </summary>
public sealed class NormalizerHeartbeat(OmniStorage storage, TimeProvider time, ILogger<NormalizerHeartbeat> logger)
{
    public const string PartitionKey = "_omni";
    public const string RowKey = "health";
    public const string LastNormalizedAtProperty = "LastNormalizedAt";

    /// <summary>The row lags the truth by at most this much (plus the time a write takes).</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private DateTimeOffset? _lastNormalizedAt;
    private DateTimeOffset _lastWrittenAt = DateTimeOffset.MinValue;

    /// <summary>This process's last normalized time (null until it stores an event).</summary>
    public DateTimeOffset? LastNormalizedAt
    {
        get
        {
            lock (_gate)
            {
                return _lastNormalizedAt;
            }
        }
    }

    /// <summary>Called after a message stored at least one new event. Never throws for a storage failure: a heartbeat must not fail the work it reports.</summary>
    public async Task RecordAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _lastNormalizedAt = now;
            if (now - _lastWrittenAt < WriteInterval)
            {
                return;
            }

            _lastWrittenAt = now;
        }

        try
        {
            var entity = new TableEntity(PartitionKey, RowKey) { [LastNormalizedAtProperty] = now };
            await storage.Events.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("Recording the normalizer heartbeat failed ({Status} {ErrorCode}); it is retried with the next event", e.Status, e.ErrorCode);
            lock (_gate)
            {
                _lastWrittenAt = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>The newest of this process's time and the shared row (null when neither exists). One point read.</summary>
    public async Task<DateTimeOffset?> ReadAsync(CancellationToken cancellationToken)
    {
        var row = await storage.Events.GetEntityIfExistsAsync<TableEntity>(PartitionKey, RowKey, [LastNormalizedAtProperty], cancellationToken);
        var stored = row.HasValue ? row.Value!.GetDateTimeOffset(LastNormalizedAtProperty) : null;
        var local = LastNormalizedAt;
        return stored is null ? local : local is null ? stored : (stored > local ? stored : local);
    }
}
