using System.Globalization;
using System.Text.Json;
using Omni.Engine.Json;

namespace Omni.Engine.Events;

/// <summary>
/// How large an event's fields may be, by design (docs/events.md, "Size limits"; docs/decisions.md, "Size limits by
/// design"). Two kinds of field come from a payload:
/// <list type="bullet">
/// <item><b>Ids</b> (<see cref="IdFields"/>): keys of index rows and of the identity registry, matched exactly by
/// replies, edits and reactions. A prefix of an id is another id, so an id longer than <see cref="MaxIdChars"/> is
/// refused (<see cref="OversizedIds"/>): the normalizer quarantines the payload with the reason.</item>
/// <item><b>Content</b> (text, names, statuses, URLs, the provider's metadata): kept whole in the event (the oversize
/// blob holds events too large for a row) and cut in its <see cref="Bound(OmniEvent)">bounded view</see>, which the
/// rows hold for a large event, the API answers by default and a run's expressions read. The view says what it cut:
/// <see cref="OmniEvent.TruncatedFields"/>, and for the text <see cref="OmniEvent.TextTruncated"/> with the whole
/// <see cref="OmniEvent.TextLength"/>.</item>
/// </list>
/// Lengths are in UTF-16 code units (what .NET and JavaScript count as a string's length); a cut never splits a
/// surrogate pair. Pure: the same event always gets the same view.
/// </summary>
public static class EventLimits
{
    /// <summary>An id's characters at most: <see cref="IdFields"/>, and each of <c>participants</c>.</summary>
    public const int MaxIdChars = 256;

    /// <summary><c>text</c> in the bounded view.</summary>
    public const int MaxTextChars = 4_096;

    /// <summary><c>sender_name</c>, <c>media_file_name</c>, <c>media_mime_type</c>, <c>reaction_emoji</c>, <c>provider_event_type</c>, <c>shape</c> in the bounded view.</summary>
    public const int MaxNameChars = 256;

    /// <summary><c>status</c> in the bounded view (a poll vote's selected options, joined).</summary>
    public const int MaxStatusChars = 1_024;

    /// <summary><c>media_url</c> in the bounded view (signed storage URLs run to a few hundred characters).</summary>
    public const int MaxUrlChars = 4_096;

    /// <summary><c>participants</c> (and <c>mentions</c>) entries in the bounded view.</summary>
    public const int MaxParticipants = 64;

    /// <summary>A string inside <c>provider_metadata</c> longer than this reads <c>"&lt;truncated: N chars&gt;"</c> in the bounded view.</summary>
    public const int MaxMetadataStringChars = MaxTextChars;

    /// <summary>The start of a quarantine reason for an event whose id is too long (the catalogue's <c>id_too_long</c> class).</summary>
    public const string IdTooLongReason = "id too long: ";

    /// <summary>The fields that are ids, by their JSON names.</summary>
    public static IReadOnlyList<string> IdFields { get; } =
        ["provider_event_id", "provider_message_id", "conversation_id", "sender_handle", "reply_to_message_id", "target_message_id", "participants", "mentions"];

    /// <summary>Every field the bounded view may cut, in the order <see cref="OmniEvent.TruncatedFields"/> lists them.</summary>
    private static readonly string[] ContentFields =
    [
        "provider_event_type", "shape", "sender_name", "text", "media_mime_type", "media_file_name", "media_url", "reaction_emoji", "status",
        "participants", "mentions", "provider_metadata",
    ];

    /// <summary>What is wrong with the event's ids (<c>"provider_message_id is 100,000 characters"</c>, ...), or null when every id fits.</summary>
    public static string? OversizedIds(OmniEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var problems = new List<string>();
        void Check(string field, string? value)
        {
            if (value is { Length: > MaxIdChars })
            {
                problems.Add($"{field} is {Count(value.Length)} characters");
            }
        }

        Check("provider_event_id", e.ProviderEventId);
        Check("provider_message_id", e.ProviderMessageId);
        Check("conversation_id", e.ConversationId);
        Check("sender_handle", e.SenderHandle);
        Check("reply_to_message_id", e.ReplyToMessageId);
        Check("target_message_id", e.TargetMessageId);
        if (e.Participants?.FirstOrDefault(p => p is { Length: > MaxIdChars }) is { } participant)
        {
            problems.Add($"a participant is {Count(participant.Length)} characters");
        }

        if (e.Mentions?.FirstOrDefault(p => p is { Length: > MaxIdChars }) is { } mention)
        {
            problems.Add($"a mention is {Count(mention.Length)} characters");
        }

        return problems.Count == 0 ? null : string.Join(", ", problems);
    }

    /// <summary>
    /// The event with its content fields cut to their limits (ids are never cut: see <see cref="OversizedIds"/>), and
    /// what was cut. Idempotent: bounding a bounded event changes nothing, and its flags and text length stay.
    /// </summary>
    public static OmniEvent Bound(OmniEvent e) => Bound(e, 1);

    /// <summary>
    /// The bounded view that fits <paramref name="maxJsonChars"/> characters of JSON (<see cref="OmniJson"/>), with its
    /// JSON: the <see cref="Bound(OmniEvent)">bounded view</see>; else without <c>provider_metadata</c>; else with the
    /// content limits divided by 4, then by 16. Null when even that does not fit (ids and the fixed fields alone are
    /// larger: only a budget far below a table property's allows that).
    /// </summary>
    public static (OmniEvent Event, string Json)? Fit(OmniEvent e, int maxJsonChars)
    {
        ArgumentNullException.ThrowIfNull(e);
        var bounded = Bound(e, 1);
        var json = Serialize(bounded);
        if (json.Length <= maxJsonChars)
        {
            return (bounded, json);
        }

        var bare = e.ProviderMetadata is null ? e : e with { ProviderMetadata = null, TruncatedFields = Flags(e.TruncatedFields, ["provider_metadata"]) };
        foreach (var divisor in new[] { 1, 4, 16 })
        {
            bounded = Bound(bare, divisor);
            json = Serialize(bounded);
            if (json.Length <= maxJsonChars)
            {
                return (bounded, json);
            }
        }

        return null;
    }

    /// <summary><paramref name="value"/> cut to at most <paramref name="max"/> characters, never between the two halves of a surrogate pair.</summary>
    public static string Cut(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= max)
        {
            return value;
        }

        var length = Math.Max(max, 0);
        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value[..length];
    }

    /// <summary>A count as the reasons and the docs write it: <c>100,000</c>.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static OmniEvent Bound(OmniEvent e, int divisor)
    {
        ArgumentNullException.ThrowIfNull(e);
        var cut = new List<string>();
        string? Field(string field, string? value, int max)
        {
            if (value is null || value.Length <= max / divisor)
            {
                return value;
            }

            cut.Add(field);
            return Cut(value, max / divisor);
        }

        var text = Field("text", e.Text, MaxTextChars);
        var participants = e.Participants is { } list && list.Count > MaxParticipants / divisor
            ? (IReadOnlyList<string>)[.. list.Take(MaxParticipants / divisor)]
            : e.Participants;
        if (!ReferenceEquals(participants, e.Participants))
        {
            cut.Add("participants");
        }

        var mentions = e.Mentions is { } named && named.Count > MaxParticipants / divisor
            ? (IReadOnlyList<string>)[.. named.Take(MaxParticipants / divisor)]
            : e.Mentions;
        if (!ReferenceEquals(mentions, e.Mentions))
        {
            cut.Add("mentions");
        }

        var metadata = e.ProviderMetadata;
        if (metadata is { } m && BoundMetadata(m, MaxMetadataStringChars / divisor) is { } boundedMetadata)
        {
            metadata = boundedMetadata;
            cut.Add("provider_metadata");
        }

        var bounded = e with
        {
            ProviderEventType = Field("provider_event_type", e.ProviderEventType, MaxNameChars),
            Shape = Field("shape", e.Shape, MaxNameChars),
            SenderName = Field("sender_name", e.SenderName, MaxNameChars),
            Text = text,
            MediaMimeType = Field("media_mime_type", e.MediaMimeType, MaxNameChars),
            MediaFileName = Field("media_file_name", e.MediaFileName, MaxNameChars),
            MediaUrl = Field("media_url", e.MediaUrl, MaxUrlChars),
            ReactionEmoji = Field("reaction_emoji", e.ReactionEmoji, MaxNameChars),
            Status = Field("status", e.Status, MaxStatusChars),
            Participants = participants,
            Mentions = mentions,
            ProviderMetadata = metadata,
        };
        if (cut.Count == 0)
        {
            return e;
        }

        return bounded with
        {
            TextTruncated = cut.Contains("text") ? true : e.TextTruncated,
            TextLength = cut.Contains("text") ? e.TextLength ?? e.Text!.Length : e.TextLength,
            TruncatedFields = Flags(e.TruncatedFields, cut),
        };
    }

    /// <summary>The union of two lists of cut fields, in the canonical order.</summary>
    private static IReadOnlyList<string> Flags(IReadOnlyList<string>? before, IEnumerable<string> added)
    {
        var all = new HashSet<string>(before ?? [], StringComparer.Ordinal);
        all.UnionWith(added);
        return [.. ContentFields.Where(all.Contains), .. all.Where(f => !ContentFields.Contains(f)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The metadata with every string longer than <paramref name="max"/> replaced by <c>"&lt;truncated: N chars&gt;"</c>; null when none is.</summary>
    private static JsonElement? BoundMetadata(JsonElement metadata, int max)
    {
        if (!HasLongString(metadata, max))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, metadata, max);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static bool HasLongString(JsonElement element, int max) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Length > max,
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Length > max || HasLongString(p.Value, max)),
        JsonValueKind.Array => element.EnumerateArray().Any(v => HasLongString(v, max)),
        _ => false,
    };

    private static void Write(Utf8JsonWriter writer, JsonElement element, int max)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.GetString() is { } s && s.Length > max:
                writer.WriteStringValue(Marker(s.Length));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name.Length > max ? Marker(property.Name.Length) : property.Name);
                    Write(writer, property.Value, max);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, max);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string Marker(int length) => $"<truncated: {length.ToString(CultureInfo.InvariantCulture)} chars>";

    private static string Serialize(OmniEvent e) => JsonSerializer.Serialize(e, OmniJson.Options);
}
