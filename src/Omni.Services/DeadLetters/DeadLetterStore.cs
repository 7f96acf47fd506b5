using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.DeadLetters;

/// <summary>
/// The quarantine: every payload that could not become events, with the reason. Keyed by instance and ingest id,
/// newest first; recording the same ingest id again (a replay, a second poison delivery) updates one record.
/// </summary>
public sealed class DeadLetterStore(OmniStorage storage, TimeProvider time)
{
    /// <summary>Partition for queue messages that name no instance (not ours at all).</summary>
    public const string NoInstance = "_none";

    public async Task RecordAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(TableKeys.Escape(letter.Instance ?? NoInstance), RowKeyFor(letter))
        {
            ["IngestId"] = letter.IngestId,
            ["Provider"] = letter.Provider,
            ["Instance"] = letter.Instance,
            ["BlobName"] = letter.BlobName,
            ["Stage"] = letter.Stage,
            ["Reason"] = Truncate(letter.Reason, 8000),
            ["Attempts"] = letter.Attempts,
            ["ReceivedAt"] = letter.ReceivedAt,
            ["RecordedAt"] = time.GetUtcNow(),
        };
        await storage.DeadLetters.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        Telemetry.OmniTelemetry.RecordDeadLetter(letter.Stage);
    }

    /// <summary>Whether this payload was already recorded (a replay or redelivery of a quarantined payload).</summary>
    public async Task<bool> ExistsAsync(DeadLetter letter, CancellationToken cancellationToken) =>
        (await storage.DeadLetters.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Escape(letter.Instance ?? NoInstance), RowKeyFor(letter), ["RowKey"], cancellationToken)).HasValue;

    /// <summary>
    /// The ingest ids of one instance's payloads received in [<paramref name="from"/>, <paramref name="to"/>] that were
    /// recorded here (quarantined or poisoned): one range read, since row keys start with the newest-first received time.
    /// </summary>
    public async Task<HashSet<string>> ListIngestIdsAsync(string instance, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var lower = TableKeys.NewestFirst(to);
        var upper = TableKeys.NewestFirst(from) + TableKeys.Separator + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(instance)} and RowKey ge {lower} and RowKey lt {upper}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in storage.DeadLetters.QueryAsync<TableEntity>(filter, 1000, IngestIdColumns, cancellationToken))
        {
            if (row.GetString("IngestId") is { } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static readonly string[] IngestIdColumns = ["IngestId"];

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? instance, int limit, CancellationToken cancellationToken)
    {
        var query = instance is null
            ? storage.DeadLetters.QueryAsync<TableEntity>(maxPerPage: limit, cancellationToken: cancellationToken)
            : storage.DeadLetters.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(instance)}"), maxPerPage: limit, cancellationToken: cancellationToken);
        var records = new List<DeadLetter>();
        await foreach (var row in query)
        {
            records.Add(new DeadLetter(
                row.GetString("IngestId"),
                row.GetString("Provider"),
                row.GetString("Instance"),
                row.GetString("BlobName"),
                row.GetString("Stage") ?? "normalize",
                row.GetString("Reason") ?? "",
                row.GetInt32("Attempts") ?? 1,
                row.GetDateTimeOffset("ReceivedAt"),
                row.GetDateTimeOffset("RecordedAt") ?? row.Timestamp ?? default));
            if (records.Count == limit)
            {
                break;
            }
        }

        return records;
    }

    private static string RowKeyFor(DeadLetter letter) =>
        TableKeys.NewestFirst(letter.ReceivedAt ?? DateTimeOffset.UnixEpoch) + "|" + TableKeys.Escape(letter.IngestId ?? Omni.Engine.Events.EventKey.ContentHash(letter.Reason));

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>
/// What is recorded when a payload is quarantined, and what the API returns. Stage: <c>normalize</c> (unreadable
/// payload), <c>poison</c> (failed every delivery), <c>queue</c> (not an ingest message). <see cref="RecordedAt"/> is
/// set by the store when it writes the record.
/// </summary>
public sealed record DeadLetter(
    string? IngestId,
    string? Provider,
    string? Instance,
    string? BlobName,
    string Stage,
    string Reason,
    int Attempts,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? RecordedAt = null);
