using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Omni.Services.Configuration;
using Omni.Services.Reconcile;
using Omni.Services.Storage;
using Omni.Services.Workflows;

namespace Omni.Services.Retention;

/// <summary>What one cleanup pass deleted, per kind of row.</summary>
public sealed record RetentionReport(int GuardRows, int Effects, int Runs, int DeadLetters, int IngestMarkers, int Analytics = 0, int ShadowJobs = 0)
{
    public int Total => GuardRows + Effects + Runs + DeadLetters + IngestMarkers + Analytics + ShadowJobs;
}

/// <summary>
/// Deletes operational rows older than their lifetime (<see cref="RetentionOptions"/>): guard state, effect-ledger rows,
/// completed run records with their event index rows, dead letters, ingest markers and analytics records, and shadow
/// replay job blobs. "Older" is the row's last change as Table Storage recorded it (<c>Timestamp</c>; a blob's
/// <c>Last-Modified</c>), against the injected clock. Deletes go by partition in transactions
/// of up to 100; a row another host deleted first is not an error. A pass deletes at most <see cref="MaxPerKind"/> rows
/// of each kind and leaves the rest to the next pass, so no pass is unbounded. Both hosts call it on a timer; the
/// Functions host also purges old Durable instances (that part lives with the orchestrator, in Omni.Functions).
/// </summary>
public sealed class RetentionCleanup(OmniStorage storage, WorkflowRunStore runs, OmniOptions options, TimeProvider time, ILogger<RetentionCleanup> logger)
{
    public const int MaxPerKind = 10_000;
    private const int MaxPerTransaction = 100;

    public async Task<RetentionReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lifetimes = options.Retention;
        var guards = await DeleteOlderAsync(storage.Tables.GetTableClient(storage.Names.GuardsTable), lifetimes.GuardState, now, null, cancellationToken);
        var effects = await DeleteOlderAsync(storage.Effects, lifetimes.Effects, now, null, cancellationToken);
        var deadLetters = await DeleteOlderAsync(storage.DeadLetters, lifetimes.DeadLetters, now, null, cancellationToken);
        var analytics = await DeleteOlderAsync(storage.Tables.GetTableClient(storage.Names.AnalyticsTable), lifetimes.Analytics, now, null, cancellationToken);
        var completedRuns = await DeleteCompletedRunsAsync(lifetimes.Runs, now, cancellationToken);
        var markers = 0;
        foreach (var instance in options.Instances.Keys)
        {
            markers += await DeleteMarkersAsync(instance, MarkerLifetime(options), now, cancellationToken);
        }

        var shadowJobs = await DeleteOlderBlobsAsync(storage.Names.ShadowJobsContainer, lifetimes.ShadowJobs, now, cancellationToken);
        var report = new RetentionReport(guards, effects, completedRuns, deadLetters, markers, analytics, shadowJobs);
        if (report.Total > 0)
        {
            logger.LogInformation(
                "Retention: deleted {Guards} guard rows, {Effects} ledger rows, {Runs} completed runs, {DeadLetters} dead letters, {Markers} ingest markers, {Analytics} analytics records, {ShadowJobs} shadow jobs",
                guards, effects, completedRuns, deadLetters, markers, analytics, shadowJobs);
        }

        return report;
    }

    /// <summary>Markers are what the sweep reads: never shorter-lived than twice its look-back, whatever is configured.</summary>
    public static TimeSpan MarkerLifetime(OmniOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lifetime = options.Retention.IngestMarkers;
        return lifetime == TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(lifetime.Ticks, 2 * options.Reconcile.Lookback.Ticks));
    }

    private static async Task<int> DeleteOlderAsync(TableClient table, TimeSpan lifetime, DateTimeOffset now, string? andFilter, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return 0;
        }

        var filter = TableClient.CreateQueryFilter($"Timestamp lt {now - lifetime}");
        var rows = await ReadKeysAsync(table, andFilter is null ? filter : $"({andFilter}) and {filter}", cancellationToken);
        return await DeleteAsync(table, rows.Select(r => (r.PartitionKey, r.RowKey)), cancellationToken);
    }

    /// <summary>Blobs of <paramref name="container"/> last modified before the cutoff (at most <see cref="MaxPerKind"/> a pass).</summary>
    private async Task<int> DeleteOlderBlobsAsync(string container, TimeSpan lifetime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return 0;
        }

        var client = storage.Blobs.GetBlobContainerClient(container);
        var deleted = 0;
        try
        {
            await foreach (var blob in client.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                if (blob.Properties.LastModified is not { } modified || modified >= now - lifetime)
                {
                    continue;
                }

                try
                {
                    var response = await client.GetBlobClient(blob.Name).DeleteIfExistsAsync(
                        conditions: new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = blob.Properties.ETag }, cancellationToken: cancellationToken);
                    deleted += response.Value ? 1 : 0;
                }
                catch (RequestFailedException e) when (e.Status == 412)
                {
                    // The job advanced since it was listed: it is young again, and stays.
                }

                if (deleted >= MaxPerKind)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container was never created: no job was ever stored.
        }

        return deleted;
    }

    /// <summary>Completed runs only: a waiting run (a follow-up days away) keeps its record however old it is.</summary>
    private async Task<int> DeleteCompletedRunsAsync(TimeSpan lifetime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return 0;
        }

        var filter = TableClient.CreateQueryFilter($"Status eq {RunStatuses.Completed} and Timestamp lt {now - lifetime}");
        var rows = await ReadKeysAsync(runs.Table, filter, cancellationToken, "EventId");
        var keys = rows.SelectMany(r => r.GetString("EventId") is { } eventId
            ? new[] { (r.PartitionKey, r.RowKey), (r.PartitionKey, WorkflowRunStore.EventIndexKey(eventId, r.RowKey)) }
            : [(r.PartitionKey, r.RowKey)]);
        await DeleteAsync(runs.Table, keys, cancellationToken);
        return rows.Count;
    }

    /// <summary>Markers sort newest first, so those older than the cutoff are one key range at the end of the prefix.</summary>
    private async Task<int> DeleteMarkersAsync(string instance, TimeSpan lifetime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return 0;
        }

        var partition = TableKeys.Escape(instance);
        var lower = IngestMarkers.RowPrefix + TableKeys.NewestFirst(now - lifetime);
        var upper = TableKeys.PrefixEnd(IngestMarkers.RowPrefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {lower} and RowKey lt {upper}");
        var rows = await ReadKeysAsync(storage.Events, filter, cancellationToken);
        return await DeleteAsync(storage.Events, rows.Select(r => (r.PartitionKey, r.RowKey)), cancellationToken);
    }

    private static async Task<List<TableEntity>> ReadKeysAsync(TableClient table, string filter, CancellationToken cancellationToken, params string[] more)
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", .. more], cancellationToken: cancellationToken))
            {
                rows.Add(row);
                if (rows.Count >= MaxPerKind)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The table was never created (nothing of that kind was ever written): nothing to delete.
        }

        return rows;
    }

    private static async Task<int> DeleteAsync(TableClient table, IEnumerable<(string Partition, string Row)> keys, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var partition in keys.Distinct().GroupBy(k => k.Partition, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxPerTransaction))
            {
                try
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.Partition, k.Row), ETag.All)),
                        cancellationToken);
                }
                catch (TableTransactionFailedException)
                {
                    // Some row was gone already (another host's cleanup, an index row never written): one at a time,
                    // where a missing row is not an error.
                    foreach (var (p, r) in chunk)
                    {
                        await table.DeleteEntityAsync(p, r, ETag.All, cancellationToken);
                    }
                }

                deleted += chunk.Length;
            }
        }

        return deleted;
    }
}
