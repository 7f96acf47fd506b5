using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Storage;

namespace Omni.Services.Events;

/// <summary>
/// Events in Table Storage. One partition per instance holds, for each event, its canonical row and its index rows,
/// written in one transaction of insert-if-absent actions (shared with the instance's other events stored at the same
/// time: <see cref="EventCommits"/>) (sent by <see cref="TableBatchWriter"/>, which allocates a
/// fraction of what <c>SubmitTransactionAsync</c> does): a redelivered webhook, a retried queue message or a replay
/// hits 409 and changes nothing. The event id names its instance (<see cref="EventKey.InstanceOf"/>), so a lookup by id
/// is a point read: one storage operation per event, written or read.
/// <list type="bullet">
/// <item><c>id|{event_id}</c> — the canonical row (the idempotency guard).</item>
/// <item><c>t|{newest-first time}|{event_id}</c> — the instance timeline.</item>
/// <item><c>c|{conversation}|{newest-first time}|{event_id}</c> — conversation timelines.</item>
/// <item><c>s|{sender handle}|{newest-first time}|{event_id}</c> — what one handle sent (identity timelines are the union of their handles).</item>
/// <item><c>k|{event kind}|{newest-first time}|{event_id}</c> — the instance's events of one kind.</item>
/// <item><c>i|{identity id}|{newest-first time}|{event_id}</c> — what one identity did (only when the event carries an identity_id).</item>
/// <item><c>tag|{tag}|{newest-first time}|{event_id}</c> — the events <c>persist.tagging</c> tagged (<see cref="AddTagsAsync"/>,
/// written after the event; they also carry the conversation id, which the tag index filters on).</item>
/// </list>
/// Aggregate rows (<see cref="IEventAggregate"/>: conversation summaries, catalogue counters) and the payload's ingest marker
/// (<c>ingest|…</c>, <see cref="Reconcile.IngestMarkers"/>) ride in the same transaction.
/// Every row carries the event as JSON, so any listing is one range read. Events whose JSON exceeds
/// <see cref="MaxInlineJsonChars"/> keep the whole JSON in a blob (<c>EventBlob</c>) and their bounded view
/// (<see cref="EventLimits"/>) in the rows, so no row, and no transaction, can outgrow Table Storage's limits
/// (<see cref="TableLimits"/>; docs/decisions.md, "Size limits by design"). Values from the payload inside keys go through
/// <see cref="TableKeys.Part"/>. Index rows carry the event and the columns listings filter on, nothing else (<c>ToEntity</c>).
/// <para>Reads: <see cref="GetAsync"/> is the whole event (the blob when there is one); <see cref="GetStoredAsync"/> and
/// the listings are what the row holds (the whole event when it fits, else its bounded view), with no blob read.</para>
/// </summary>
public sealed class EventStore(OmniStorage storage, IEnumerable<IEventAggregate> aggregates)
{
    private readonly EventCommits _commits = new(storage, [.. aggregates]);

    /// <summary>Table string properties hold 64 KiB (32K UTF-16 chars); stay well below.</summary>
    public const int MaxInlineJsonChars = 30_000;

    private const string CanonicalPrefix = "id|";
    private const string TimelinePrefix = "t|";
    private const string ConversationPrefix = "c|";
    private const string SenderPrefix = "s|";
    private const string KindPrefix = "k|";
    private const string IdentityPrefix = "i|";
    private const string TagPrefix = "tag|";

    /// <summary>Writes the event unless it exists. Returns false when it was already stored (a duplicate).</summary>
    public Task<bool> TryAddAsync(OmniEvent e, CancellationToken cancellationToken) => TryAddAsync(e, null, cancellationToken);

    /// <summary>
    /// Writes the event unless it exists, with the normalizer's timing for traces, and applies it to the aggregate rows
    /// in the same transaction. Returns false when it was already stored (a duplicate: nothing changes).
    /// </summary>
    public Task<bool> TryAddAsync(OmniEvent e, NormalizeTiming? timing, CancellationToken cancellationToken) => TryAddAsync(e, timing, null, cancellationToken);

    /// <summary>
    /// As above, and upserts <paramref name="marker"/> (a row of the event's partition: the payload's ingest marker,
    /// <see cref="Reconcile.IngestMarkers"/>) in the same transaction, at no extra storage operation. It is written only
    /// if the event is new. Events of the same instance stored concurrently share transactions (<see cref="EventCommits"/>).
    /// </summary>
    public async Task<bool> TryAddAsync(OmniEvent e, NormalizeTiming? timing, TableEntity? marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (EventLimits.OversizedIds(e) is { } oversized)
        {
            throw new StorageLimitException($"{EventLimits.IdTooLongReason}{oversized} (an id is at most {EventLimits.MaxIdChars})");
        }

        var partition = TableKeys.Escape(e.Instance);
        if (marker is not null && marker.PartitionKey != partition)
        {
            throw new ArgumentException($"the marker row belongs to partition {marker.PartitionKey}, the event to {partition}", nameof(marker));
        }

        var sortKey = TableKeys.NewestFirst(e.OccurredAt ?? e.ReceivedAt);
        var (json, blobName, stored) = await InlineOrOffloadAsync(e, cancellationToken);
        var view = EventLimits.Bound(stored); // what the typed columns and the aggregates see: every value bounded

        var rowKeys = new List<string>
        {
            CanonicalPrefix + e.EventId,
            $"{TimelinePrefix}{sortKey}|{e.EventId}",
            $"{KindPrefix}{e.EventKind}|{sortKey}|{e.EventId}",
        };
        if (!string.IsNullOrEmpty(e.ConversationId))
        {
            rowKeys.Add($"{ConversationPrefix}{TableKeys.Part(e.ConversationId)}|{sortKey}|{e.EventId}");
        }

        if (!string.IsNullOrEmpty(e.SenderHandle))
        {
            rowKeys.Add($"{SenderPrefix}{TableKeys.Part(e.SenderHandle)}|{sortKey}|{e.EventId}");
        }

        if (!string.IsNullOrEmpty(e.IdentityId))
        {
            rowKeys.Add($"{IdentityPrefix}{TableKeys.Part(e.IdentityId)}|{sortKey}|{e.EventId}");
        }

        var rows = rowKeys
            .Select((rk, i) => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(partition, rk, view, json, blobName, i == 0 ? timing : null, canonical: i == 0)))
            .ToList();
        return await _commits.CommitAsync(new PendingEvent(e.EventId, partition, view, rows, marker), cancellationToken);
    }

    /// <summary>The canonical row's key of an event (its idempotency guard).</summary>
    internal static string CanonicalRowKey(string eventId) => CanonicalPrefix + eventId;

    /// <summary>The whole event (from the oversize blob when it has one), or null.</summary>
    public async Task<OmniEvent?> GetAsync(string eventId, CancellationToken cancellationToken) =>
        await GetCanonicalRowAsync(eventId, cancellationToken) is { } row ? await ReadFullEventAsync(row, cancellationToken) : null;

    /// <summary>
    /// The event as its row stores it, or null: the whole event when its JSON fits a row (<see cref="MaxInlineJsonChars"/>),
    /// else its bounded view (<see cref="OmniEvent.IsTruncated"/>). One point read, never the blob.
    /// </summary>
    public async Task<OmniEvent?> GetStoredAsync(string eventId, CancellationToken cancellationToken) =>
        await GetCanonicalRowAsync(eventId, cancellationToken) is { } row ? ReadStoredEvent(row) : null;

    /// <summary>Newest first; a conversation's events when <paramref name="conversationId"/> is given, else the instance's.</summary>
    public Task<EventPage> ListAsync(string instance, string? conversationId, int limit, string? continuation, CancellationToken cancellationToken) =>
        ListByPrefixAsync(instance, string.IsNullOrEmpty(conversationId) ? TimelinePrefix : $"{ConversationPrefix}{TableKeys.Part(conversationId)}|",
            limit, continuation, cancellationToken);

    /// <summary>Newest first: what one sender handle sent on one instance.</summary>
    public Task<EventPage> ListBySenderAsync(string instance, string senderHandle, int limit, string? continuation, CancellationToken cancellationToken) =>
        ListByPrefixAsync(instance, $"{SenderPrefix}{TableKeys.Part(senderHandle)}|", limit, continuation, cancellationToken);

    /// <summary>Newest first: the instance's events of one kind.</summary>
    public Task<EventPage> ListByKindAsync(string instance, string eventKind, int limit, string? continuation, CancellationToken cancellationToken) =>
        ListByPrefixAsync(instance, $"{KindPrefix}{TableKeys.Part(eventKind)}|", limit, continuation, cancellationToken);

    /// <summary>
    /// Where an event sits in every newest-first index: <c>{newest-first time}|{event_id}</c>. Listings that merge
    /// several indexes (an identity's timeline over its handles) page by it.
    /// </summary>
    public static string PositionOf(OmniEvent e) => $"{TableKeys.NewestFirst(e.OccurredAt ?? e.ReceivedAt)}{TableKeys.Separator}{e.EventId}";

    /// <summary>
    /// A continuation for <see cref="ListBySenderAsync"/> that starts after <paramref name="position"/>: a
    /// <see cref="PositionOf"/> value, or <c>{newest-first time}|~</c> to start strictly before that time.
    /// </summary>
    public static string SenderContinuation(string senderHandle, string position) =>
        EncodeContinuation($"{SenderPrefix}{TableKeys.Part(senderHandle)}|{position}");

    private async Task<EventPage> ListByPrefixAsync(string instance, string prefix, int limit, string? continuation, CancellationToken cancellationToken)
    {
        var after = DecodeContinuation(continuation) ?? prefix;
        if (!after.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("the continuation token belongs to another query", nameof(continuation));
        }

        var partition = TableKeys.Escape(instance);
        var end = TableKeys.PrefixEnd(prefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {end}");
        var events = new List<OmniEvent>(limit);
        string? lastRowKey = null;
        await foreach (var row in storage.Events.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
        {
            events.Add(ReadStoredEvent(row));
            lastRowKey = row.RowKey;
            if (events.Count == limit)
            {
                break;
            }
        }

        return new EventPage(events, events.Count == limit && lastRowKey is not null ? EncodeContinuation(lastRowKey) : null);
    }

    /// <summary>The row-key prefix of an index: the instance timeline (<paramref name="value"/> null) or one conversation, sender, kind or identity.</summary>
    public static string IndexPrefix(EventIndex index, string? value) => index switch
    {
        EventIndex.Timeline => TimelinePrefix,
        EventIndex.Conversation => $"{ConversationPrefix}{TableKeys.Part(value!)}|",
        EventIndex.Sender => $"{SenderPrefix}{TableKeys.Part(value!)}|",
        EventIndex.Kind => $"{KindPrefix}{TableKeys.Part(value!)}|",
        EventIndex.Identity => $"{IdentityPrefix}{TableKeys.Part(value!)}|",
        EventIndex.Tag => $"{TagPrefix}{TableKeys.Part(value!)}|",
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The columns a tag row copies from the canonical row: what listings read and filter on, and the conversation.</summary>
    private static readonly string[] TagRowColumns =
        ["IdentityId", "EventKind", "ContentType", "Channel", "SenderHandle", "FromMe", "Event", "EventBlob", "ConversationId"];

    /// <summary>
    /// Adds the event to the index of each of <paramref name="tags"/> (normalized, <see cref="Tags"/>): a row
    /// <c>tag|{tag}|{newest-first time}|{event_id}</c> in the event's partition holding what its canonical row holds for
    /// listings, added unless it exists, so tagging twice changes nothing. One point read and one insert per tag. The number
    /// of tags that were new, or null when there is no such event.
    /// </summary>
    public async Task<int?> AddTagsAsync(string eventId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (await GetCanonicalRowAsync(eventId, cancellationToken) is not { } canonical)
        {
            return null;
        }

        var stored = ReadStoredEvent(canonical);
        var position = $"{TableKeys.NewestFirst(stored.OccurredAt ?? stored.ReceivedAt)}|{stored.EventId}";
        var added = 0;
        foreach (var tag in tags)
        {
            var row = new TableEntity(canonical.PartitionKey, IndexPrefix(EventIndex.Tag, tag) + position);
            foreach (var column in TagRowColumns)
            {
                row[column] = canonical.TryGetValue(column, out var value) ? value : null;
            }

            try
            {
                await storage.Events.AddEntityAsync(row, cancellationToken);
                added++;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Tagged before (a replay, another workflow): nothing changes.
            }
        }

        return added;
    }

    /// <summary>The columns a listing needs: the key and the event.</summary>
    private static readonly string[] ListingColumns = ["RowKey", "Event", "EventBlob"];

    /// <summary>
    /// Index rows of one instance with <paramref name="lowerExclusive"/> &lt; RowKey &lt; <paramref name="upperExclusive"/>, in
    /// key order (newest first), narrowed by an OData <paramref name="filter"/> over the typed columns. Only the key and
    /// the event are transferred.
    /// </summary>
    public IAsyncEnumerable<TableEntity> ScanAsync(string instance, string lowerExclusive, string upperExclusive, string? filter, int pageSize,
        CancellationToken cancellationToken)
    {
        var range = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(instance)} and RowKey gt {lowerExclusive} and RowKey lt {upperExclusive}");
        return storage.Events.QueryAsync<TableEntity>(filter is null ? range : $"{range} and ({filter})", Math.Clamp(pageSize, 1, 1000), ListingColumns, cancellationToken);
    }

    /// <summary>The event an index or canonical row holds: the whole event, or its bounded view when it had to go to the oversize blob.</summary>
    public static OmniEvent ReadStoredEvent(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return JsonSerializer.Deserialize<OmniEvent>(row.GetString("Event"), OmniJson.Options)
               ?? throw new InvalidDataException($"event row {row.PartitionKey}/{row.RowKey} holds no event");
    }

    /// <summary>The whole event of an index or canonical row (from the oversize blob when the row points to one).</summary>
    public async Task<OmniEvent> ReadFullEventAsync(TableEntity row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.GetString("EventBlob") is not { } blobName)
        {
            return ReadStoredEvent(row);
        }

        var content = await storage.Oversize.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
        return JsonSerializer.Deserialize<OmniEvent>(content.Value.Content.ToString(), OmniJson.Options)
               ?? throw new InvalidDataException($"the oversize blob {blobName} holds no event");
    }

    /// <summary>The canonical row of an event (its typed columns carry the normalizer's timing), or null.</summary>
    public async Task<TableEntity?> GetCanonicalRowAsync(string eventId, CancellationToken cancellationToken)
    {
        if (EventKey.InstanceOf(eventId) is not { } instance)
        {
            return null;
        }

        var row = await storage.Events.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(instance), CanonicalPrefix + eventId, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// The JSON the rows hold, the oversize blob's name (null when the whole event fits a row) and the event the rows
    /// hold. An event over <see cref="MaxInlineJsonChars"/> is written whole to the blob first (write-once: a redelivery
    /// finds it there) and its rows get its bounded view, fitted to a row (<see cref="EventLimits.Fit"/>).
    /// </summary>
    private async Task<(string Json, string? BlobName, OmniEvent Stored)> InlineOrOffloadAsync(OmniEvent e, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(e, OmniJson.Options);
        if (json.Length <= MaxInlineJsonChars)
        {
            return (json, null, e);
        }

        var fitted = EventLimits.Fit(e, MaxInlineJsonChars)
                     ?? throw new StorageLimitException(
                         $"event {e.EventId} does not fit a table row even bounded: its ids and fixed fields take more than {EventLimits.Count(MaxInlineJsonChars)} characters of JSON");
        var blobName = $"{e.Instance}/{e.EventId}.json";
        try
        {
            await storage.Oversize.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(json), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written by an earlier delivery of the same event: same id, same content.
        }

        return (fitted.Json, blobName, fitted.Event);
    }

    /// <summary>
    /// One row of the event: the JSON the rows hold, the blob pointer and the columns listings filter on
    /// (<see cref="EventQuery.Plan"/>: channel, identity, sender, kind, content type, from_me; values of the bounded
    /// <paramref name="view"/>). The canonical row also keeps the event id, conversation and times, the shape and the
    /// normalizer's timing, for traces and for whoever reads it by id; index rows need not repeat those: a listing reads
    /// only the key and the event, and its filters only the columns above.
    /// </summary>
    private static TableEntity ToEntity(string partition, string rowKey, OmniEvent view, string json, string? blobName, NormalizeTiming? timing, bool canonical)
    {
        var row = new TableEntity(partition, rowKey)
        {
            ["IdentityId"] = view.IdentityId,
            ["EventKind"] = view.EventKind,
            ["ContentType"] = view.ContentType,
            ["Channel"] = view.Channel,
            ["SenderHandle"] = view.SenderHandle,
            ["FromMe"] = view.FromMe,
            ["Event"] = json,
            ["EventBlob"] = blobName,
        };
        if (canonical)
        {
            row["EventId"] = view.EventId;
            row["ConversationId"] = view.ConversationId;
            row["OccurredAt"] = view.OccurredAt;
            row["ReceivedAt"] = view.ReceivedAt;
            row["Shape"] = view.Shape;
            row["NormalizeStartedAt"] = timing?.StartedAt;
            row["NormalizeMs"] = timing?.Duration.TotalMilliseconds;
        }

        return row;
    }

    private static string EncodeContinuation(string rowKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(rowKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeContinuation(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            return Encoding.UTF8.GetString(Convert.FromBase64String(s));
        }
        catch (FormatException)
        {
            throw new ArgumentException("the continuation token is not valid", nameof(token));
        }
    }
}

public sealed record EventPage(IReadOnlyList<OmniEvent> Events, string? Continuation);

/// <summary>The indexes every event is written to (see <see cref="EventStore"/>).</summary>
public enum EventIndex
{
    Timeline,
    Conversation,
    Sender,
    Kind,
    Identity,
    Tag,
}

/// <summary>When the normalizer started on the payload and how long normalizing it took (for traces).</summary>
public sealed record NormalizeTiming(DateTimeOffset StartedAt, TimeSpan Duration);
