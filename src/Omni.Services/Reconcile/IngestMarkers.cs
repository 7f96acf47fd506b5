using Azure.Data.Tables;
using Omni.Services.Ingest;
using Omni.Services.Storage;

namespace Omni.Services.Reconcile;

/// <summary>
/// The ingest marker: one row per archived payload that reached the normalizer and stored its result, in the instance's
/// events partition at <c>ingest|{newest-first received time}|{ingest_id}</c>. It rides as an upsert in the transaction of
/// the payload's first new event, so it costs no storage operation of its own; a payload that stores no new event (an
/// empty batch, or only duplicates of events another ingest id stored) writes it on its own (one table operation, off
/// the hot path). The reconciliation sweep (<see cref="ReconcileSweep"/>) reads the markers of a time window in one
/// range read: an archived payload with neither a marker nor a dead letter never got its events.
/// </summary>
public sealed class IngestMarkers(OmniStorage storage)
{
    public const string RowPrefix = "ingest|";

    private static readonly string[] Columns = ["IngestId"];

    public static string RowKeyFor(DateTimeOffset receivedAt, string ingestId) =>
        $"{RowPrefix}{TableKeys.NewestFirst(receivedAt)}{TableKeys.Separator}{TableKeys.Escape(ingestId)}";

    /// <summary>The marker row of a payload (a new entity each call: it goes into a transaction).</summary>
    public static TableEntity EntityFor(IngestMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new TableEntity(TableKeys.Escape(message.Instance), RowKeyFor(message.ReceivedAt, message.IngestId))
        {
            ["IngestId"] = message.IngestId,
            ["BlobName"] = message.BlobName,
            ["ReceivedAt"] = message.ReceivedAt,
        };
    }

    /// <summary>Writes the marker on its own, for a payload that stored no new event.</summary>
    public async Task MarkAsync(IngestMessage message, CancellationToken cancellationToken) =>
        await storage.Events.UpsertEntityAsync(EntityFor(message), TableUpdateMode.Replace, cancellationToken);

    /// <summary>The ingest ids marked for payloads of one instance received in [<paramref name="from"/>, <paramref name="to"/>]: one range read.</summary>
    public async Task<HashSet<string>> ListAsync(string instance, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var lower = RowPrefix + TableKeys.NewestFirst(to);
        var upper = RowPrefix + TableKeys.NewestFirst(from) + TableKeys.Separator + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(instance)} and RowKey ge {lower} and RowKey lt {upper}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in storage.Events.QueryAsync<TableEntity>(filter, 1000, Columns, cancellationToken))
        {
            if (row.GetString("IngestId") is { } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
