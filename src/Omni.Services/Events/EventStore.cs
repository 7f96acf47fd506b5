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
/// written in one transaction of insert-if-absent actions: a redelivered webhook, a retried queue message or a replay
/// hits 409 and changes nothing. The event id names its instance (<see cref="EventKey.InstanceOf"/>), so a lookup by id
/// is a point read: one storage operation per event, written or read.
/// <list type="bullet">
/// <item><c>id|{event_id}</c> — the canonical row (the idempotency guard).</item>
/// <item><c>t|{newest-first time}|{event_id}</c> — the instance timeline.</item>
/// <item><c>c|{conversation}|{newest-first time}|{event_id}</c> — conversation timelines.</item>
/// <item><c>s|{sender handle}|{newest-first time}|{event_id}</c> — what one handle sent (identity timelines are the union of their handles).</item>
/// <item><c>k|{event kind}|{newest-first time}|{event_id}</c> — the instance's events of one kind.</item>
/// </list>
/// Every row carries the whole event as JSON, so any listing is one range read. Events whose JSON exceeds what an
/// entity property holds keep the full JSON in a blob (<c>EventBlob</c>) and a trimmed copy in the row.
/// </summary>
public sealed class EventStore(OmniStorage storage)
{
    /// <summary>Table string properties hold 64 KiB (32K UTF-16 chars); stay well below.</summary>
    public const int MaxInlineJsonChars = 30_000;

    private const string CanonicalPrefix = "id|";
    private const string TimelinePrefix = "t|";
    private const string ConversationPrefix = "c|";
    private const string SenderPrefix = "s|";
    private const string KindPrefix = "k|";

    /// <summary>Writes the event unless it exists. Returns false when it was already stored (a duplicate).</summary>
    public async Task<bool> TryAddAsync(OmniEvent e, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Escape(e.Instance);
        var sortKey = TableKeys.NewestFirst(e.OccurredAt ?? e.ReceivedAt);
        var (json, blobName) = await InlineOrOffloadAsync(e, cancellationToken);

        var rowKeys = new List<string>
        {
            CanonicalPrefix + e.EventId,
            $"{TimelinePrefix}{sortKey}|{e.EventId}",
            $"{KindPrefix}{e.EventKind}|{sortKey}|{e.EventId}",
        };
        if (!string.IsNullOrEmpty(e.ConversationId))
        {
            rowKeys.Add($"{ConversationPrefix}{TableKeys.Escape(e.ConversationId)}|{sortKey}|{e.EventId}");
        }

        if (!string.IsNullOrEmpty(e.SenderHandle))
        {
            rowKeys.Add($"{SenderPrefix}{TableKeys.Escape(e.SenderHandle)}|{sortKey}|{e.EventId}");
        }

        // One partition, at most five entities of < 64 KiB each: far inside a transaction's 100 entities / 4 MiB.
        var actions = rowKeys.Select(rk => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(partition, rk, e, json, blobName)));
        try
        {
            await storage.Events.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<OmniEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        if (EventKey.InstanceOf(eventId) is not { } instance)
        {
            return null;
        }

        var row = await storage.Events.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(instance), CanonicalPrefix + eventId, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is not null ? await FromEntityAsync(row.Value, cancellationToken) : null;
    }

    /// <summary>Newest first; a conversation's events when <paramref name="conversationId"/> is given, else the instance's.</summary>
    public Task<EventPage> ListAsync(string instance, string? conversationId, int limit, string? continuation, CancellationToken cancellationToken) =>
        ListByPrefixAsync(instance, string.IsNullOrEmpty(conversationId) ? TimelinePrefix : $"{ConversationPrefix}{TableKeys.Escape(conversationId)}|",
            limit, continuation, cancellationToken);

    /// <summary>Newest first: what one sender handle sent on one instance.</summary>
    public Task<EventPage> ListBySenderAsync(string instance, string senderHandle, int limit, string? continuation, CancellationToken cancellationToken) =>
        ListByPrefixAsync(instance, $"{SenderPrefix}{TableKeys.Escape(senderHandle)}|", limit, continuation, cancellationToken);

    /// <summary>Newest first: the instance's events of one kind.</summary>
    public Task<EventPage> ListByKindAsync(string instance, string eventKind, int limit, string? continuation, CancellationToken cancellationToken) =>
        ListByPrefixAsync(instance, $"{KindPrefix}{TableKeys.Escape(eventKind)}|", limit, continuation, cancellationToken);

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
        EncodeContinuation($"{SenderPrefix}{TableKeys.Escape(senderHandle)}|{position}");

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
            events.Add(await FromEntityAsync(row, cancellationToken));
            lastRowKey = row.RowKey;
            if (events.Count == limit)
            {
                break;
            }
        }

        return new EventPage(events, events.Count == limit && lastRowKey is not null ? EncodeContinuation(lastRowKey) : null);
    }

    private async Task<(string Json, string? BlobName)> InlineOrOffloadAsync(OmniEvent e, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(e, OmniJson.Options);
        if (json.Length <= MaxInlineJsonChars)
        {
            return (json, null);
        }

        var blobName = $"{e.Instance}/{e.EventId}.json";
        try
        {
            await storage.Oversize.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(json), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written by an earlier delivery of the same event: same id, same content.
        }

        var trimmed = e with
        {
            ProviderMetadata = null,
            Text = e.Text is { Length: > 4000 } text ? text[..4000] : e.Text,
        };
        return (JsonSerializer.Serialize(trimmed, OmniJson.Options), blobName);
    }

    private static TableEntity ToEntity(string partition, string rowKey, OmniEvent e, string json, string? blobName) => new(partition, rowKey)
    {
        ["EventId"] = e.EventId,
        ["EventKind"] = e.EventKind,
        ["ContentType"] = e.ContentType,
        ["Channel"] = e.Channel,
        ["ConversationId"] = e.ConversationId,
        ["SenderHandle"] = e.SenderHandle,
        ["FromMe"] = e.FromMe,
        ["OccurredAt"] = e.OccurredAt,
        ["ReceivedAt"] = e.ReceivedAt,
        ["Event"] = json,
        ["EventBlob"] = blobName,
    };

    private async Task<OmniEvent> FromEntityAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var json = row.GetString("Event");
        if (row.GetString("EventBlob") is { } blobName)
        {
            var content = await storage.Oversize.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            json = content.Value.Content.ToString();
        }

        return JsonSerializer.Deserialize<OmniEvent>(json, OmniJson.Options)
               ?? throw new InvalidDataException($"event row {row.PartitionKey}/{row.RowKey} holds no event");
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
