using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Slack;

/// <summary>
/// Slack events that are not messages: reactions (<c>reaction_added</c>/<c>reaction_removed</c>), membership
/// (<c>member_joined_channel</c>/<c>member_left_channel</c> and the join/leave message subtypes), and anything else as
/// <c>unknown</c> with its shape. No message content: content_type <c>reaction</c> or <c>unknown</c>.
/// </summary>
internal static class SlackStateMapper
{
    /// <summary>
    /// <c>{ type, user, reaction, item_user, item: { type: message, channel, ts }, event_ts }</c>: kind <c>reaction</c> on
    /// the message (channel, ts). Slack names emoji by short name: <c>reaction_emoji</c> = <c>:thumbsup:</c>; a removal has
    /// <c>""</c> (as on WhatsApp and Discord) and the removed one in provider_metadata <c>removed_emoji</c>. Reactions to
    /// files are kept with the file id as target.
    /// </summary>
    public static OmniEvent Reaction(SlackContext context, JsonElement envelope, JsonElement item)
    {
        var target = item.Obj("item");
        var channel = target?.NonBlank("channel");
        var user = item.NonBlank("user");
        var emoji = item.NonBlank("reaction") is { } name ? ":" + name + ":" : null;
        var removed = context.EventType == "reaction_removed";
        return SlackEventFactory.Create(context, envelope, EventKinds.Reaction, ContentTypes.Reaction, null, null, item,
            new ProviderMetadata.Added().Text("removed_emoji", removed ? emoji : null)) with
        {
            ConversationId = channel,
            SenderHandle = user,
            FromMe = context.IsMe(user),
            IsGroup = SlackJson.IsGroup(target?.NonBlank("channel_type"), channel),
            TargetMessageId = target?.NonBlank("ts") ?? target?.NonBlank("file"),
            ReactionEmoji = removed ? "" : emoji,
            Status = removed ? "removed" : "added",
            OccurredAt = SlackJson.Time(item.NonBlank("event_ts")),
        };
    }

    /// <summary>
    /// <c>member_joined_channel</c> / <c>member_left_channel</c> <c>{ user, channel, channel_type, inviter? }</c>: kind
    /// <c>group</c>, status <c>add</c> / <c>remove</c>, the member in <c>participants</c>; the sender is the inviter when
    /// Slack names one, else the member.
    /// </summary>
    public static OmniEvent Membership(SlackContext context, JsonElement envelope, JsonElement item)
    {
        var channel = item.NonBlank("channel");
        var member = item.NonBlank("user");
        var sender = item.NonBlank("inviter") ?? member;
        var joined = context.EventType == "member_joined_channel";
        return SlackEventFactory.Create(context, envelope, EventKinds.Group, ContentTypes.Unknown, null, null, item) with
        {
            ConversationId = channel,
            SenderHandle = sender,
            FromMe = context.IsMe(sender),
            IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
            Participants = member is null ? null : [member],
            Status = joined ? "add" : "remove",
            // No ts of its own in Slack's examples: the envelope's event_time then.
            OccurredAt = SlackJson.Time(item.NonBlank("event_ts")) ?? SlackJson.Time(envelope.Prop("event_time")?.GetRawText()),
        };
    }

    /// <summary>The <c>channel_join</c>/<c>channel_leave</c> (and <c>group_*</c>) message subtypes: the same, as a message in the channel.</summary>
    public static OmniEvent MembershipMessage(SlackContext context, JsonElement envelope, JsonElement item, string subtype)
    {
        var channel = item.NonBlank("channel");
        var member = item.NonBlank("user");
        var sender = item.NonBlank("inviter") ?? member;
        return SlackEventFactory.Create(context, envelope, EventKinds.Group, ContentTypes.Unknown, null, subtype, item) with
        {
            ProviderMessageId = item.NonBlank("ts"),
            ConversationId = channel,
            SenderHandle = sender,
            FromMe = context.IsMe(sender),
            IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
            Participants = member is null ? null : [member],
            Status = subtype.EndsWith("_join", StringComparison.Ordinal) ? "add" : "remove",
            Text = item.Str("text"),
            OccurredAt = SlackJson.Time(item.NonBlank("ts")),
        };
    }

    /// <summary>Anything else (an unmapped event type or message subtype, a non-callback envelope): kept, never dropped.</summary>
    public static OmniEvent Unknown(SlackContext context, JsonElement envelope, JsonElement item, string? detail = null)
    {
        var channel = item.NonBlank("channel") ?? item.Obj("item")?.NonBlank("channel");
        return SlackEventFactory.Create(context, envelope, EventKinds.Unknown, ContentTypes.Unknown, null, detail, item) with
        {
            ConversationId = channel,
            SenderHandle = item.NonBlank("user"),
            IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
            OccurredAt = SlackJson.Time(item.NonBlank("event_ts") ?? item.NonBlank("ts")),
        };
    }
}
