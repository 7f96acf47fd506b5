using Omni.Engine.Events;
using Omni.Engine.Timelines;

namespace Omni.Services.AgentTools;

/// <summary>
/// Events and timeline entries as tools return them: the fields a model reasons with (who, where, when, what, the
/// event id to cite), without provider metadata or blob names, so a page says more within the byte budget.
/// </summary>
public static class ToolViews
{
    public static object Event(OmniEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var bounded = EventLimits.Bound(e);
        return new
        {
            event_id = bounded.EventId,
            instance = bounded.Instance,
            channel = bounded.Channel,
            conversation_id = bounded.ConversationId,
            event_kind = bounded.EventKind,
            content_type = bounded.ContentType,
            occurred_at = bounded.OccurredAt ?? bounded.ReceivedAt,
            from_me = bounded.FromMe,
            is_group = bounded.IsGroup,
            sender_handle = bounded.SenderHandle,
            sender_name = bounded.SenderName,
            identity_id = bounded.IdentityId,
            text = bounded.Text,
            text_truncated = bounded.TextTruncated,
            media_mime_type = bounded.MediaMimeType,
            reply_to_message_id = bounded.ReplyToMessageId,
            target_message_id = bounded.TargetMessageId,
            reaction_emoji = bounded.ReactionEmoji,
        };
    }

    public static object Entry(TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new
        {
            entry_type = entry.EntryType,
            @event = Event(entry.Event),
            text = entry.Text,
            edited = entry.Edited,
            deleted = entry.Deleted,
            reactions = entry.Reactions.Select(r => new { emoji = r.Emoji, from_me = r.FromMe, sender_handle = r.SenderHandle, event_id = r.EventId }),
            poll = entry.Poll,
            receipt_status = entry.ReceiptStatus,
            folded_event_ids = entry.FoldedEventIds,
        };
    }
}
