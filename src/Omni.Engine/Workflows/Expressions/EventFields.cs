using Omni.Engine.Events;

namespace Omni.Engine.Workflows.Expressions;

/// <summary>
/// The event fields conditions and templates can read, by their snake_case JSON name. An explicit table, not
/// reflection: adding a field to <see cref="OmniEvent"/> does not expose it until it is listed here.
/// </summary>
public static class EventFields
{
    private static readonly Dictionary<string, Func<OmniEvent, object?>> Accessors = new(StringComparer.Ordinal)
    {
        ["event_id"] = e => e.EventId,
        ["channel"] = e => e.Channel,
        ["provider"] = e => e.Provider,
        ["instance"] = e => e.Instance,
        ["event_kind"] = e => e.EventKind,
        ["content_type"] = e => e.ContentType,
        ["provider_event_id"] = e => e.ProviderEventId,
        ["provider_event_type"] = e => e.ProviderEventType,
        ["shape"] = e => e.Shape,
        ["provider_message_id"] = e => e.ProviderMessageId,
        ["conversation_id"] = e => e.ConversationId,
        ["sender_handle"] = e => e.SenderHandle,
        ["sender"] = e => e.SenderHandle,
        ["sender_name"] = e => e.SenderName,
        ["identity_id"] = e => e.IdentityId,
        ["from_me"] = e => e.FromMe,
        ["is_forwarded"] = e => e.IsForwarded,
        ["is_view_once"] = e => e.IsViewOnce,
        ["is_group"] = e => e.IsGroup,
        ["is_ephemeral"] = e => e.IsEphemeral,
        ["text"] = e => e.Text,
        ["media_mime_type"] = e => e.MediaMimeType,
        ["media_size_bytes"] = e => e.MediaSizeBytes,
        ["media_duration_seconds"] = e => e.MediaDurationSeconds,
        ["media_file_name"] = e => e.MediaFileName,
        ["media_url"] = e => e.MediaUrl,
        ["reply_to_message_id"] = e => e.ReplyToMessageId,
        ["target_message_id"] = e => e.TargetMessageId,
        ["reaction_emoji"] = e => e.ReactionEmoji,
        ["status"] = e => e.Status,
        ["occurred_at"] = e => e.OccurredAt,
        ["received_at"] = e => e.ReceivedAt,
        ["raw_blob"] = e => e.RawBlob,
        ["participants"] = e => e.Participants ?? [],
        ["mentions"] = e => e.Mentions ?? [],
        ["mentions_me"] = e => e.MentionsMe,

        // A run's event may be a large event's bounded view (EventLimits): its text is then cut, and these say so.
        ["text_truncated"] = e => e.TextTruncated ?? false,
        ["text_length"] = e => e.TextLength ?? e.Text?.Length,
    };

    /// <summary>Every readable field name, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Accessors.Keys.Order(StringComparer.Ordinal)];

    public static bool IsField(string name) => Accessors.ContainsKey(name);

    /// <summary>The field's value in expression terms (times as ISO-8601 UTC strings, numbers as doubles).</summary>
    public static bool TryRead(OmniEvent evt, string name, out object? value)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (Accessors.TryGetValue(name, out var accessor))
        {
            value = ExpressionEvaluator.Normalize(accessor(evt));
            return true;
        }

        value = null;
        return false;
    }
}
