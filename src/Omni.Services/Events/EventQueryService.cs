using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Omni.Engine.Events;

namespace Omni.Services.Events;

/// <summary>
/// Runs <see cref="EventQuery"/>s over one or more instances. Each instance is a stream read from one index's key
/// range in its partition; several instances are merged newest first (or oldest first) with one cursor per instance in
/// the continuation token. A cursor is the last row key examined, and the next page starts strictly after it, so events
/// that arrive meanwhile (newer: smaller keys) never shift or repeat a later page.
/// </summary>
public sealed class EventQueryService(EventStore store)
{
    /// <summary>Rows examined per instance and page when a text filter has to be applied to the events read.</summary>
    public const int MaxScannedPerPage = 5_000;

    /// <summary>Oldest-first reads the whole window (keys are newest first); a window holding more than this is refused.</summary>
    public const int MaxAscendingWindow = 5_000;

    public async Task<EventPage> QueryAsync(EventQuery query, IReadOnlyList<string> instances, int limit, string? continuation,
        CancellationToken cancellationToken)
    {
        var plan = query.Plan();
        var fingerprint = query.Fingerprint(instances);
        var cursors = DecodeToken(continuation, fingerprint, instances, plan.Prefix);
        var streams = await Task.WhenAll(cursors.Select(c =>
            query.Ascending
                ? ReadAscendingAsync(plan, query, c.Key, c.Value, limit, cancellationToken)
                : ReadDescendingAsync(plan, query, c.Key, c.Value, limit, cancellationToken)));

        // Desc streams that stopped early only know their rows up to their frontier: nothing past the nearest frontier may be served yet.
        var frontier = query.Ascending ? null : streams.Where(s => s.More).Select(s => s.Frontier).Min(StringComparer.Ordinal);
        var merged = streams
            .SelectMany(s => s.Items.Select(item => (Stream: s, Item: item)))
            .Where(x => frontier is null || string.CompareOrdinal(x.Item.Suffix, frontier) <= 0)
            .OrderBy(x => x.Item.Suffix, query.Ascending ? DescendingOrdinal.Instance : StringComparer.Ordinal)
            .ThenBy(x => x.Stream.Instance, StringComparer.Ordinal)
            .Take(limit)
            .ToList();

        var next = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var s in streams)
        {
            var taken = merged.Where(x => ReferenceEquals(x.Stream, s)).Select(x => x.Item).ToList();
            if (taken.Count == s.Items.Count)
            {
                if (s.More)
                {
                    next[s.Instance] = query.Ascending ? taken.LastOrDefault()?.RowKey ?? s.Cursor : s.FrontierRowKey;
                }
            }
            else
            {
                next[s.Instance] = taken.Count > 0 ? taken[^1].RowKey : s.Cursor;
            }
        }

        return new EventPage([.. merged.Select(x => x.Item.Event)], next.Count == 0 ? null : EncodeToken(fingerprint, next));
    }

    /// <summary>Newest first from just after the cursor, until <paramref name="limit"/> matches or the scan budget.</summary>
    private async Task<Stream> ReadDescendingAsync(EventQueryPlan plan, EventQuery query, string instance, string? cursor, int limit,
        CancellationToken cancellationToken)
    {
        var lower = cursor is not null && string.CompareOrdinal(cursor, plan.Lower) > 0 ? cursor : plan.Lower;
        var items = new List<Item>(limit);
        string? lastExamined = null;
        var scanned = 0;
        var more = false;
        var pageSize = plan.TextContains is null ? limit + 1 : 1000;
        await foreach (var row in store.ScanAsync(instance, lower, plan.Upper, plan.ServerFilter, pageSize, cancellationToken))
        {
            if (items.Count == limit || scanned == MaxScannedPerPage)
            {
                more = true; // there is at least one more row beyond what was examined
                break;
            }

            scanned++;
            lastExamined = row.RowKey;
            if (await MatchAsync(query, row, cancellationToken) is { } e)
            {
                items.Add(new Item(row.RowKey, row.RowKey[plan.Prefix.Length..], e));
            }
        }

        return new Stream(instance, cursor, items, more, lastExamined is null ? null : lastExamined[plan.Prefix.Length..], lastExamined);
    }

    /// <summary>Oldest first: reads the window up to the cursor (keys are newest first) and keeps the oldest <paramref name="limit"/>.</summary>
    private async Task<Stream> ReadAscendingAsync(EventQueryPlan plan, EventQuery query, string instance, string? cursor, int limit,
        CancellationToken cancellationToken)
    {
        var upper = cursor is not null && string.CompareOrdinal(cursor, plan.Upper) < 0 ? cursor : plan.Upper;
        var rows = new List<TableEntity>();
        await foreach (var row in store.ScanAsync(instance, plan.Lower, upper, plan.ServerFilter, 1000, cancellationToken))
        {
            if (rows.Count == MaxAscendingWindow)
            {
                throw new QueryTooBroadException(
                    $"order=asc reads the whole window and this one holds more than {MaxAscendingWindow} events on instance '{instance}': narrow it with from/to");
            }

            rows.Add(row);
        }

        var matches = new List<Item>();
        for (var i = rows.Count - 1; i >= 0 && matches.Count <= limit; i--)
        {
            if (await MatchAsync(query, rows[i], cancellationToken) is { } e)
            {
                matches.Add(new Item(rows[i].RowKey, rows[i].RowKey[plan.Prefix.Length..], e));
            }
        }

        var more = matches.Count > limit;
        return new Stream(instance, cursor, more ? matches.GetRange(0, limit) : matches, more, null, null);
    }

    /// <summary>
    /// The row's event in its bounded view (<see cref="EventLimits.Bound"/>) when it matches the query, else null.
    /// <c>text_contains</c> searches the whole text: a row that holds a cut text and does not match in it is checked
    /// against the whole event in the oversize blob.
    /// </summary>
    private async Task<OmniEvent?> MatchAsync(EventQuery query, TableEntity row, CancellationToken cancellationToken)
    {
        var e = EventStore.ReadStoredEvent(row);
        var matches = query.Matches(e) ||
                      (query.TextContains is not null && e.TextTruncated == true && query.Matches(await store.ReadFullEventAsync(row, cancellationToken)));
        return matches ? EventLimits.Bound(e) : null;
    }

    private sealed record Item(string RowKey, string Suffix, OmniEvent Event);

    private sealed record Stream(string Instance, string? Cursor, List<Item> Items, bool More, string? Frontier, string? FrontierRowKey);

    private sealed class DescendingOrdinal : IComparer<string>
    {
        public static readonly DescendingOrdinal Instance = new();

        public int Compare(string? x, string? y) => string.CompareOrdinal(y, x);
    }

    // The token: base64url of {"q": fingerprint, "c": {instance: cursor row key or null (not started)}}. Instances that
    // are done are left out; no instance left means no token.
    private static string EncodeToken(string fingerprint, SortedDictionary<string, string?> cursors)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Token(fingerprint, cursors));
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static Dictionary<string, string?> DecodeToken(string? token, string fingerprint, IReadOnlyList<string> instances, string prefix)
    {
        if (string.IsNullOrEmpty(token))
        {
            return instances.ToDictionary(i => i, _ => (string?)null, StringComparer.Ordinal);
        }

        Token? parsed;
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            parsed = JsonSerializer.Deserialize<Token>(Convert.FromBase64String(s));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or DecoderFallbackException)
        {
            throw new ArgumentException("the continuation token is not valid", nameof(token), e);
        }

        if (parsed?.Q is null || parsed.C is null || parsed.C.Count == 0)
        {
            throw new ArgumentException("the continuation token is not valid", nameof(token));
        }

        if (parsed.Q != fingerprint)
        {
            throw new ArgumentException("the continuation token belongs to another query (different filters, order or instances)", nameof(token));
        }

        foreach (var (instance, cursor) in parsed.C)
        {
            if (!instances.Contains(instance, StringComparer.Ordinal) || (cursor is not null && !cursor.StartsWith(prefix, StringComparison.Ordinal)))
            {
                throw new ArgumentException("the continuation token is not valid", nameof(token));
            }
        }

        return new Dictionary<string, string?>(parsed.C, StringComparer.Ordinal);
    }

    private sealed record Token(
        [property: System.Text.Json.Serialization.JsonPropertyName("q")] string? Q,
        [property: System.Text.Json.Serialization.JsonPropertyName("c")] SortedDictionary<string, string?>? C);
}

/// <summary>A query the store cannot answer within its bounds; the caller should narrow it (400).</summary>
public sealed class QueryTooBroadException(string message) : Exception(message);
