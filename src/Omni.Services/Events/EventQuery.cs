using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Omni.Engine.Events;

namespace Omni.Services.Events;

/// <summary>
/// One <c>GET /api/events</c> question. Every filter is optional and they combine (AND). Which index serves it, and
/// what is left to filter, is decided by <see cref="Plan"/>; the time window always narrows the key range.
/// </summary>
public sealed record EventQuery
{
    public string? Channel { get; init; }
    public string? ConversationId { get; init; }
    public string? IdentityId { get; init; }
    public string? EventKind { get; init; }
    public string? ContentType { get; init; }
    public string? SenderHandle { get; init; }
    public bool? FromMe { get; init; }

    /// <summary>A tag <c>persist.tagging</c> set on the event (normalized, <see cref="Tags"/>).</summary>
    public string? Tag { get; init; }

    /// <summary>Inclusive lower bound of the event's time (occurred_at, else received_at).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound of the event's time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Case-insensitive substring of the event's text.</summary>
    public string? TextContains { get; init; }

    public bool Ascending { get; init; }

    /// <summary>The index that serves this query, the key range inside it, and the filters left over.</summary>
    public EventQueryPlan Plan()
    {
        var (index, value) =
            Tag is not null ? (EventIndex.Tag, Tag) :
            ConversationId is not null ? (EventIndex.Conversation, ConversationId) :
            IdentityId is not null ? (EventIndex.Identity, IdentityId) :
            SenderHandle is not null ? (EventIndex.Sender, SenderHandle) :
            EventKind is not null ? (EventIndex.Kind, EventKind) :
            (EventIndex.Timeline, (string?)null);
        var prefix = EventStore.IndexPrefix(index, value);

        // Keys are {prefix}{19-digit newest-first ticks}|{event id}: a later time has a smaller key. '}' sorts after '|',
        // so "{prefix}{ticks}}" is above every key of that tick and below every key of the next (earlier) one.
        var lower = To is { } to ? prefix + Storage.TableKeys.NewestFirst(to) + "}" : prefix;
        var upper = From is { } from ? prefix + Storage.TableKeys.NewestFirst(from) + "}" : Storage.TableKeys.PrefixEnd(prefix);

        var filters = new List<string>();
        void Add(bool applies, FormattableString filter)
        {
            if (applies)
            {
                filters.Add(TableClient.CreateQueryFilter(filter));
            }
        }

        Add(Channel is not null, $"Channel eq {Channel}");
        Add(ConversationId is not null && index != EventIndex.Conversation, $"ConversationId eq {ConversationId}"); // tag rows carry it
        Add(IdentityId is not null && index != EventIndex.Identity, $"IdentityId eq {IdentityId}");
        Add(SenderHandle is not null && index != EventIndex.Sender, $"SenderHandle eq {SenderHandle}");
        Add(EventKind is not null && index != EventIndex.Kind, $"EventKind eq {EventKind}");
        Add(ContentType is not null, $"ContentType eq {ContentType}");
        Add(FromMe is not null, $"FromMe eq {FromMe}");
        return new EventQueryPlan(index, prefix, lower, upper, filters.Count == 0 ? null : string.Join(" and ", filters), TextContains);
    }

    /// <summary>A short hash of everything but paging: a continuation token only continues the query that made it.</summary>
    public string Fingerprint(IEnumerable<string> instances)
    {
        var text = string.Join('\n', Channel, ConversationId, IdentityId, EventKind, ContentType, SenderHandle, FromMe?.ToString(),
            From?.UtcTicks.ToString(CultureInfo.InvariantCulture), To?.UtcTicks.ToString(CultureInfo.InvariantCulture), TextContains,
            Ascending ? "asc" : "desc", string.Join(',', instances.Order(StringComparer.Ordinal)), Tag);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..8]);
    }

    public bool Matches(OmniEvent e) =>
        TextContains is null || (e.Text?.Contains(TextContains, StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>Checks the values that have a closed vocabulary; null when the query is valid, else why not.</summary>
    public string? Validate()
    {
        if (EventKind is not null && !EventKinds.All.Contains(EventKind))
        {
            return $"event_kind must be one of: {string.Join(", ", EventKinds.All)}";
        }

        if (Tag is not null && Tags.Normalize(Tag) != Tag)
        {
            return $"tag must be {Tags.Rule}";
        }

        if (ContentType is not null && !ContentTypes.All.Contains(ContentType))
        {
            return $"content_type must be one of: {string.Join(", ", ContentTypes.All)}";
        }

        if (From is { } from && To is { } to && to <= from)
        {
            return "to must be after from";
        }

        return TextContains is { Length: > 200 } ? "text_contains is at most 200 characters" : null;
    }
}

/// <summary>How a query is served: one index's key range [<c>Lower</c>, <c>Upper</c>), an OData filter on typed columns, and a text filter applied to the events read.</summary>
public sealed record EventQueryPlan(EventIndex Index, string Prefix, string Lower, string Upper, string? ServerFilter, string? TextContains)
{
    /// <summary>True when every row the range returns is an answer (no filter narrows it).</summary>
    public bool IsPureRange => ServerFilter is null && TextContains is null;
}
