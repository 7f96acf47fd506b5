using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// Events that carry a message or act on one: <c>messages.upsert</c> and <c>send.message</c> (a full WAMessage),
/// <c>messages.edited</c> (a bare protocolMessage) and <c>messages.delete</c> (the deleted message's key).
/// </summary>
/// <remarks>
/// provider_event_id: a message's own <c>key.id</c>, except for actions on another message, whose id is derived
/// from the target so that the same action reported on two routes (an upsert protocolMessage, messages.edited,
/// messages.update, messages.delete) is one event:
/// <c>{target}:delete</c> for a revoke (a message is deleted once) and <c>{target}:edit:{hash of the new
/// content}</c> for an edit (each distinct new version is its own event).
/// </remarks>
internal static class EvolutionMessageMapper
{
    /// <summary>A WAMessage: <c>{ key, pushName, message, messageType, messageTimestamp, contextInfo?, ... }</c>.</summary>
    public static OmniEvent FromMessage(EvolutionEnvelope envelope, JsonElement item)
    {
        var key = item.Obj("key");
        var content = item.Obj("message") is { } message
            // Evolution >= 2.1 hoists contextInfo (reply, forward, expiration) to data.contextInfo.
            ? WaMessageParser.Parse(message, item.Obj("contextInfo"))
            : Unrecognized;
        var messageId = key?.NonBlank("id");
        var target = content.TargetMessageId
            ?? (content.Kind is EventKinds.MessageEdit or EventKinds.MessageDelete ? messageId : null);
        content = content with
        {
            TargetMessageId = target,
            // Evolution marks view-once messages on the key too (key.isViewOnce) after Baileys unwrapped them.
            IsViewOnce = content.IsViewOnce || (key?.IsTrue("isViewOnce") ?? false),
        };

        var address = MessageAddress.From(key, envelope.OwnerJid);
        return Build(
            envelope,
            item,
            content,
            address,
            ActionEventId(content) ?? messageId ?? EvolutionEventFactory.ContentId(envelope, item),
            messageId,
            // WAProto's messageTimestamp is Unix seconds; reactions and votes also carry their own ms time.
            WaNumbers.FromUnixSeconds(item.Int64("messageTimestamp"))
                ?? WaNumbers.FromUnixMilliseconds(content.ActionTimestampMs),
            // pushName of a fromMe message is not reliably the owner's name (it depends on the device that
            // sent it), so it is not used as the sender's name.
            address.FromMe ? null : item.NonBlank("pushName"),
            content.InnerType ?? item.NonBlank("messageType"));
    }

    /// <summary>
    /// messages.edited: Evolution sends the protocolMessage itself, <c>{ key, type, editedMessage?, timestampMs }</c>,
    /// for edits and revokes alike. Some builds send the whole WAMessage instead; that is read as an upsert.
    /// </summary>
    /// <remarks>
    /// The protocolMessage's <c>key</c> is the key of the message acted on, so conversation and sender are read
    /// from it: only a message's author can edit it, so its author is the editor. (Baileys builds that key from the
    /// sender's point of view; where a build forwards it unchanged, fromMe and remoteJid describe the other side.
    /// That cannot be corrected without the outer message, which this webhook does not include.)
    /// </remarks>
    public static OmniEvent FromEditedNotice(EvolutionEnvelope envelope, JsonElement item)
    {
        if (item.Obj("message") is not null)
        {
            return FromMessage(envelope, item);
        }

        var protocol = item.Obj("protocolMessage") ?? item;
        var content = WaMessageParser.ParseProtocolMessage(protocol);
        return Build(
            envelope,
            item,
            content,
            MessageAddress.From(protocol.Obj("key"), envelope.OwnerJid),
            ActionEventId(content) ?? EvolutionEventFactory.ContentId(envelope, item),
            providerMessageId: null,
            WaNumbers.FromUnixMilliseconds(content.ActionTimestampMs),
            senderName: null,
            "protocolMessage");
    }

    /// <summary>
    /// messages.delete: the deleted message's key, <c>{ id, remoteJid, fromMe, participant, status: "DELETED" }</c>
    /// (v2 spreads the key into data; some builds nest it under <c>key</c>).
    /// </summary>
    public static OmniEvent FromDeleteNotice(EvolutionEnvelope envelope, JsonElement item)
    {
        var key = item.Obj("key") ?? item;
        var target = key.NonBlank("id") ?? item.NonBlank("keyId");
        var content = new WaMessageContent
        {
            Kind = EventKinds.MessageDelete,
            ContentType = ContentTypes.Unknown,
            TargetMessageId = target,
        };
        return Build(
            envelope,
            item,
            content,
            MessageAddress.From(key, envelope.OwnerJid),
            ActionEventId(content) ?? EvolutionEventFactory.ContentId(envelope, item),
            providerMessageId: null,
            occurredAt: null,
            senderName: null,
            innerType: null);
    }

    /// <summary>The target-derived id of an edit or delete; null for everything else or without a target.</summary>
    public static string? ActionEventId(WaMessageContent content) =>
        (content.Kind, content.TargetMessageId) switch
        {
            (_, null) => null,
            (EventKinds.MessageDelete, var target) => target + ":delete",
            (EventKinds.MessageEdit, var target) => target + ":edit:" + EventKey.ContentHash(content.ContentType + "\n" + content.Text),
            _ => null,
        };

    public static OmniEvent Build(
        EvolutionEnvelope envelope,
        JsonElement item,
        WaMessageContent content,
        MessageAddress address,
        string providerEventId,
        string? providerMessageId,
        DateTimeOffset? occurredAt,
        string? senderName,
        string? innerType) =>
        Mentions.With(EvolutionEventFactory.Create(envelope, content.Kind, content.ContentType, providerEventId, item, innerType) with
        {
            ProviderMessageId = providerMessageId,
            ConversationId = address.ConversationId,
            SenderHandle = address.SenderHandle,
            SenderName = senderName,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            IsForwarded = content.IsForwarded,
            IsViewOnce = content.IsViewOnce,
            IsEphemeral = content.IsEphemeral,
            Text = content.Text,
            MediaMimeType = content.MediaMimeType,
            MediaSizeBytes = content.MediaSizeBytes,
            MediaDurationSeconds = content.MediaDurationSeconds,
            MediaFileName = content.MediaFileName,
            MediaUrl = content.MediaUrl,
            ReplyToMessageId = content.ReplyToMessageId,
            TargetMessageId = content.TargetMessageId,
            ReactionEmoji = content.ReactionEmoji,
            // For a poll vote, the kind's own detail is the selection.
            Status = content.PollSelection,
            OccurredAt = occurredAt,
        }, content.MentionedJids, jid => jid == envelope.OwnerJid);

    private static readonly WaMessageContent Unrecognized =
        new() { Kind = EventKinds.Unknown, ContentType = ContentTypes.Unknown };
}
