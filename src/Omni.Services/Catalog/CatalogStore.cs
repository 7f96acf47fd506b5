using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Normalize;
using Omni.Services.Storage;

namespace Omni.Services.Catalog;

/// <summary>
/// The per-instance catalogue of observed event shapes. Counters are sharded rows
/// (<c>cat|{shape}|{kind}|{content type}|{shard}</c> in the instance's events partition) incremented in the transaction
/// that stores each new event, so the count is exactly the number of distinct events stored (a duplicate's transaction
/// fails as a whole; a crash loses both or neither). A process spreads its concurrent workers over
/// <see cref="ShardsPerProcess"/> shards, each leased by one worker at a time; processes start at a random group of
/// shards and the ETag settles any collision. Reading sums the shards: a range read of a few rows per shape, no scan of
/// events. Quarantined payloads (no events) are counted by their reason class from the dead-letter path.
/// </summary>
/// <para>Each shape also keeps the oldest normalizer version that stored one of its events (<c>OldestNormalizerVersion</c>;
/// a row from before versions existed reads as 0): a shape stored by a version older than its provider's current
/// normalizer is flagged <c>normalization_changed</c> (what <c>POST /api/replay/drift</c> then explains field by field).</para>
public sealed class CatalogStore(
    OmniStorage storage, AggregateRows rows, IWorkflowTriggerIndex triggers, OmniOptions? options = null, NormalizerRegistry? normalizers = null)
    : IEventAggregate
{
    public const string RowPrefix = "cat|";
    public const int ShardsPerProcess = 16;
    private const int ShardGroups = 4;
    private const int MaxSamples = 3;

    private readonly int _shardBase = Random.Shared.Next(ShardGroups) * ShardsPerProcess;
    private int _nextShard;

    public ValueTask<IReadOnlyList<AggregateWrite>> PrepareAsync(IReadOnlyList<OmniEvent> events, string partition, CancellationToken cancellationToken) =>
        AggregateRows.WriteEachAsync(events,
            e => $"{RowPrefix}{TableKeys.Part(e.Shape ?? "-")}|{TableKeys.Escape(e.EventKind)}|{TableKeys.Escape(e.ContentType)}|",
            key => LeaseShardAsync(partition, key, cancellationToken),
            (current, ofShape) => ofShape.Aggregate(current,
                (row, e) => Increment(row, e.Shape, e.EventKind, e.ContentType, e.EventId, e.ReceivedAt, reason: null, e.NormalizerVersion ?? 0))!);

    /// <summary>Counts a quarantined payload under its reason class (call once per new dead letter).</summary>
    public async Task RecordQuarantineAsync(string instance, string provider, string ingestId, string reason, DateTimeOffset seenAt,
        CancellationToken cancellationToken)
    {
        var shape = $"{provider}:quarantined/{QuarantineClass(reason)}";
        var partition = TableKeys.Escape(instance);
        var key = $"{RowPrefix}{TableKeys.Part(shape)}|-|-|";
        for (var attempt = 1; ; attempt++)
        {
            using var lease = await LeaseShardAsync(partition, key, cancellationToken);
            var write = lease.Write(Increment(lease.Current, shape, null, null, ingestId, seenAt, reason, normalizerVersion: null));
            try
            {
                var response = await storage.Events.SubmitTransactionAsync([write.Action], cancellationToken);
                write.Committed(response.Value.Count == 1 ? response.Value[0].Headers.ETag : null);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                write.Invalidate();
            }
        }
    }

    /// <summary>The class a quarantine reason falls in: the catalogue's shape for payloads that made no event.</summary>
    public static string QuarantineClass(string reason) => reason switch
    {
        _ when reason.StartsWith("body is empty", StringComparison.Ordinal) => "empty_body",
        _ when reason.StartsWith(JsonPayload.NotJson, StringComparison.Ordinal) => "not_json",
        _ when reason.StartsWith(JsonPayload.NotUtf8, StringComparison.Ordinal) => "not_utf8",
        _ when reason.StartsWith(JsonPayload.TooDeep, StringComparison.Ordinal) => "too_deep",
        _ when reason.StartsWith("body is a JSON", StringComparison.Ordinal) => "not_an_object",
        _ when reason.StartsWith("the archived payload", StringComparison.Ordinal) => "blob_missing",
        _ when reason.StartsWith("no normalizer", StringComparison.Ordinal) => "no_normalizer",
        _ when reason.Contains("normalizer failed", StringComparison.Ordinal) => "normalizer_error",
        _ when reason.StartsWith(EventLimits.IdTooLongReason, StringComparison.Ordinal) => "id_too_long",
        _ when reason.StartsWith(Normalize.NormalizeProcessor.CannotBeStored, StringComparison.Ordinal) => "too_large",
        _ => "other",
    };

    /// <summary>Every shape observed on the instance, most frequent first.</summary>
    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(string instance, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.Escape(instance)} and RowKey gt {RowPrefix} and RowKey lt {TableKeys.PrefixEnd(RowPrefix)}");
        var shards = new List<TableEntity>();
        await foreach (var row in storage.Events.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            shards.Add(row);
        }

        return [.. shards
            .GroupBy(r => r.RowKey[..(r.RowKey.LastIndexOf('|') + 1)], StringComparer.Ordinal)
            .Select(g => ToEntry(instance, [.. g.OrderBy(r => r.GetDateTimeOffset("FirstSeen"))]))
            .OrderByDescending(e => e.Count)
            .ThenBy(e => e.Shape, StringComparer.Ordinal)];
    }

    private CatalogEntry ToEntry(string instance, List<TableEntity> shards)
    {
        var first = shards[0];
        var shape = first.GetString("Shape");
        var kind = first.GetString("EventKind");
        var contentType = first.GetString("ContentType");
        var quarantined = first.GetBoolean("Quarantined") ?? false;
        var status = quarantined ? CatalogStatus.Quarantined
            : kind == EventKinds.Unknown ? CatalogStatus.Unknown
            : triggers.Handles(instance, kind!, contentType!) ? CatalogStatus.Mapped
            : CatalogStatus.Normalized;
        var slash = shape?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        var samples = shards.SelectMany(s => (s.GetString("Samples") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).Take(MaxSamples).ToList();
        var lastShard = shards.MaxBy(s => s.GetDateTimeOffset("LastSeen"))!;
        int? oldest = quarantined ? null : shards.Min(s => s.GetInt32("OldestNormalizerVersion") ?? 0);
        var current = quarantined ? null : CurrentNormalizerVersion(instance);
        return new CatalogEntry(
            instance,
            shape,
            quarantined || slash < 0 ? shape : shape![..slash],
            quarantined || slash < 0 ? null : shape![(slash + 1)..],
            kind,
            contentType,
            shards.Sum(s => s.GetInt64("Count") ?? 0),
            shards.Min(s => s.GetDateTimeOffset("FirstSeen")) ?? default,
            lastShard.GetDateTimeOffset("LastSeen") ?? default,
            quarantined ? [] : samples,
            quarantined ? samples : null,
            status,
            quarantined ? lastShard.GetString("Reason") : null)
        {
            OldestNormalizerVersion = oldest,
            CurrentNormalizerVersion = current,
            NormalizationChanged = oldest is { } o && current is { } c && o < c,
        };
    }

    /// <summary>The version of the normalizer that serves <paramref name="instance"/> now, when known.</summary>
    private int? CurrentNormalizerVersion(string instance) =>
        options is not null && normalizers is not null && options.Instances.TryGetValue(instance, out var settings)
            && normalizers.Find(settings.Provider) is { } normalizer
            ? normalizer.Version
            : null;

    private async Task<AggregateLease> LeaseShardAsync(string partition, string keyPrefix, CancellationToken cancellationToken)
    {
        var start = Interlocked.Increment(ref _nextShard);
        for (var i = 0; i < ShardsPerProcess; i++)
        {
            var shard = _shardBase + (int)((uint)(start + i) % ShardsPerProcess);
            if (await rows.TryAcquireAsync(partition, keyPrefix + shard.ToString("D2", CultureInfo.InvariantCulture), cancellationToken) is { } lease)
            {
                return lease;
            }
        }

        var fallback = _shardBase + (int)((uint)start % ShardsPerProcess);
        return await rows.AcquireAsync(partition, keyPrefix + fallback.ToString("D2", CultureInfo.InvariantCulture), cancellationToken);
    }

    private static TableEntity Increment(TableEntity? current, string? shape, string? kind, string? contentType, string sampleId,
        DateTimeOffset seenAt, string? reason, int? normalizerVersion)
    {
        var samples = (current?.GetString("Samples") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (samples.Count < MaxSamples && !samples.Contains(sampleId))
        {
            samples.Add(sampleId);
        }

        var first = current?.GetDateTimeOffset("FirstSeen") is { } f && f < seenAt ? f : seenAt;
        var last = current?.GetDateTimeOffset("LastSeen") is { } l && l > seenAt ? l : seenAt;
        return new TableEntity
        {
            ["Shape"] = shape,
            ["EventKind"] = kind,
            ["ContentType"] = contentType,
            ["Quarantined"] = reason is not null,
            ["Reason"] = reason is null ? null : reason.Length > 1000 ? reason[..1000] : reason,
            ["Count"] = (current?.GetInt64("Count") ?? 0) + 1,
            ["FirstSeen"] = first,
            ["LastSeen"] = last,
            ["Samples"] = string.Join(',', samples),
            ["OldestNormalizerVersion"] = normalizerVersion is not { } version ? null
                : current is null ? version : Math.Min(current.GetInt32("OldestNormalizerVersion") ?? 0, version),
        };
    }
}

/// <summary>The catalogue's <c>status</c> values.</summary>
public static class CatalogStatus
{
    /// <summary>A known kind that at least one workflow trigger handles.</summary>
    public const string Mapped = "mapped";

    /// <summary>A known kind no workflow handles yet: what a UI would offer to map.</summary>
    public const string Normalized = "normalized";

    /// <summary>The normalizer fell back to <c>unknown</c>: Omni does not understand this shape yet.</summary>
    public const string Unknown = "unknown";

    /// <summary>Payloads that made no event at all (see the dead letters).</summary>
    public const string Quarantined = "quarantined";
}

/// <summary>One observed shape of one instance.</summary>
public sealed record CatalogEntry(
    string Instance,
    string? Shape,
    string? ProviderEventType,
    string? MessageType,
    string? EventKind,
    string? ContentType,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> SampleEventIds,
    IReadOnlyList<string>? SampleIngestIds,
    string Status,
    string? Reason)
{
    /// <summary>The oldest normalizer version that stored an event of this shape (0: stored before versions existed); null for quarantined payloads.</summary>
    public int? OldestNormalizerVersion { get; init; }

    /// <summary>The version of the instance's normalizer now.</summary>
    public int? CurrentNormalizerVersion { get; init; }

    /// <summary>True when events of this shape were stored by an older normalizer than the current one: their fields may differ from what it makes now (see the drift check).</summary>
    public bool NormalizationChanged { get; init; }
}
