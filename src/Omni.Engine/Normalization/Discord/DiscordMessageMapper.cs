using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// Messages and what happens to them: MESSAGE_CREATE, MESSAGE_UPDATE, MESSAGE_DELETE, MESSAGE_DELETE_BULK, and the
/// Social SDK's LOBBY_MESSAGE_* / GAME_DIRECT_MESSAGE_* Webhook Events, whose data is a message object too.
/// </summary>
/// <remarks>
/// provider_event_id: a message is its id; an edit <c>{id}:edit:{edited_timestamp}</c> (UTC, microseconds), so a
/// resumed or backfilled copy of the same edit is one event and a second edit another; a delete <c>{id}:delete</c>,
/// so MESSAGE_DELETE and MESSAGE_DELETE_BULK naming the same message are one event. Never the gateway sequence.
/// </remarks>
internal static class DiscordMessageMapper
{
    private const int IsCrosspostFlag = 1 << 1;
    private const int ForwardReferenceType = 1;

    /// <summary>A new message: kind <c>message</c>.</summary>
    public static OmniEvent Created(DiscordContext context, JsonElement message)
    {
        var id = message.Id("id");
        var content = DiscordMessageContent.Read(message);
        var address = Address(context, message);
        var created = DiscordEventFactory.Create(
            context,
            EventKinds.Message,
            content.ContentType,
            id ?? DiscordEventFactory.ContentId(context, message),
            DiscordNames.MessageType(message.Int("type")),
            message,
            Derive(message, content)) with
        {
            ProviderMessageId = id,
            ConversationId = address.Conversation,
            SenderHandle = address.Sender,
            SenderName = address.SenderName,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            IsForwarded = content.IsForwarded,
            ReplyToMessageId = ReplyTarget(message),
            OccurredAt = DiscordJson.Time(message.Str("timestamp")) ?? DiscordJson.SnowflakeTime(id),
        };
        return created.WithContent(content).WithMentions(context, message);
    }

    /// <summary>
    /// MESSAGE_UPDATE: an edit (kind <c>message_edit</c>, the new text, <c>target_message_id</c> = the message) only when
    /// the update carries <c>content</c> and an <c>edited_timestamp</c> and the content is readable. Anything else is
    /// not an edit: an embed unfurl (no <c>content</c>), a pin or a flag change (no edited time), or an edit Omni cannot
    /// read (empty content without the MESSAGE_CONTENT intent, flagged <c>content_missing</c>). Those become
    /// <c>unknown</c> events about the message, never an edit with empty text.
    /// </summary>
    public static OmniEvent Updated(DiscordContext context, JsonElement message)
    {
        var id = message.Id("id");
        var content = DiscordMessageContent.Read(message);
        var editedAt = message.NonBlank("edited_timestamp");
        var address = Address(context, message);
        var isEdit = message.Str("content") is not null && editedAt is not null && !content.ContentMissing && id is not null;
        if (!isEdit)
        {
            return DiscordEventFactory.Create(
                context,
                EventKinds.Unknown,
                ContentTypes.Unknown,
                DiscordEventFactory.ContentId(context, message),
                "not_an_edit",
                message,
                Derive(message, content, describesContent: false)) with
            {
                ConversationId = address.Conversation,
                SenderHandle = address.Sender,
                SenderName = address.SenderName,
                FromMe = address.FromMe,
                IsGroup = address.IsGroup,
                TargetMessageId = id,
            };
        }

        var edit = DiscordEventFactory.Create(
            context,
            EventKinds.MessageEdit,
            content.ContentType,
            id + ":edit:" + DiscordJson.TimeKey(editedAt!),
            DiscordNames.MessageType(message.Int("type")),
            message,
            Derive(message, content)) with
        {
            ConversationId = address.Conversation,
            SenderHandle = address.Sender,
            SenderName = address.SenderName,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            IsForwarded = content.IsForwarded,
            ReplyToMessageId = ReplyTarget(message),
            TargetMessageId = id,
            OccurredAt = DiscordJson.Time(editedAt),
        };
        return edit.WithContent(content).WithMentions(context, message);
    }

    /// <summary>
    /// MESSAGE_DELETE <c>{ id, channel_id, guild_id? }</c>, MESSAGE_DELETE_BULK <c>{ ids, channel_id, guild_id? }</c> and
    /// LOBBY_MESSAGE_DELETE <c>{ id, lobby_id }</c>: one <c>message_delete</c> per message. Discord does not say who
    /// deleted it, nor when (a Webhook Event's own time is used where there is one).
    /// </summary>
    public static IReadOnlyList<OmniEvent> Deleted(DiscordContext context, JsonElement item)
    {
        var targets = item.Arr("ids") is { } ids ? DiscordJson.Ids(ids) : item.Id("id") is { } id ? [id] : [];
        if (targets.Count == 0)
        {
            return [DiscordStateMapper.Unknown(context, item)];
        }

        var address = Address(context, item);
        return targets.Select(target => DiscordEventFactory.Create(
            context, EventKinds.MessageDelete, ContentTypes.Unknown, target + ":delete", null, item) with
        {
            ConversationId = address.Conversation,
            IsGroup = address.IsGroup,
            TargetMessageId = target,
            OccurredAt = DiscordJson.Time(context.EventTimestamp),
        }).ToList();
    }

    /// <summary>
    /// The replied-to message: <c>message_reference.message_id</c> (else <c>referenced_message.id</c>) of a reply, i.e.
    /// message type 19, or a default message carrying <c>referenced_message</c> (API v6 sent replies as type 0).
    /// A crosspost's or forward's reference names its source, and a pin notice's or thread starter's the message it is
    /// about: none of them is a reply.
    /// </summary>
    private static string? ReplyTarget(JsonElement message)
    {
        var reference = message.Obj("message_reference");
        var referenced = message.Obj("referenced_message");
        var type = message.Int("type");
        var isReply = reference?.Int("type") is null or 0
            && ((message.Int("flags") ?? 0) & IsCrosspostFlag) == 0
            && (type == DiscordNames.ReplyMessageType || (type is null or 0 && referenced is not null));
        return isReply ? reference?.Id("message_id") ?? referenced?.Id("id") : null;
    }

    /// <param name="describesContent">
    /// False for an update that is not an edit: the event carries no content, so only <c>content_missing</c> (why it is
    /// not an edit) and who wrote the message are added.
    /// </param>
    private static ProviderMetadata.Added Derive(JsonElement message, DiscordMessageContent content, bool describesContent = true)
    {
        var author = message.Obj("author");
        var type = message.Int("type");
        var reference = message.Obj("message_reference");
        // A message in a thread: Discord gives thread messages a "position"; a thread starter message (type 21) lives in
        // the thread and points at the parent channel's message it was started from.
        var inThread = message.Prop("position") is { ValueKind: JsonValueKind.Number } || type == DiscordNames.ThreadStarterMessageType;
        var thread = message.Obj("thread");
        return new ProviderMetadata.Added()
            .Flag("content_missing", content.ContentMissing)
            .Flag("text_from_embed", describesContent && content.TextFromEmbed)
            .Flag("author_is_bot", author?.IsTrue("bot") ?? false)
            .Flag("from_webhook", message.Id("webhook_id") is not null)
            .Texts("mention_user_ids", DiscordJson.Ids(message.Arr("mentions")))
            .Node("media", describesContent ? content.MediaJson() : null)
            .Text("thread_id", inThread ? message.Id("channel_id") : null)
            .Text("thread_parent_id", type == DiscordNames.ThreadStarterMessageType ? reference?.Id("channel_id") : null)
            .Text("started_thread_id", thread?.Id("id"))
            .Text("forwarded_from_message_id", reference?.Int("type") == ForwardReferenceType ? reference.Value.Id("message_id") : null);
    }

    /// <summary>Who wrote a message and where: the channel (a lobby's when there is no channel), the author, guild = group.</summary>
    private static (string? Conversation, string? Sender, string? SenderName, bool FromMe, bool IsGroup) Address(
        DiscordContext context, JsonElement message)
    {
        var author = message.Obj("author");
        var sender = author?.Id("id");
        return (
            message.Id("channel_id") ?? message.Id("lobby_id"),
            sender,
            DiscordJson.DisplayName(author),
            context.IsMe(sender),
            message.Id("guild_id") is not null || message.Id("lobby_id") is not null);
    }

    /// <summary><c>mentions</c>: the user ids of the message's <c>mentions</c> (user objects); <c>mentions_me</c> when the bot is one.</summary>
    private static OmniEvent WithMentions(this OmniEvent e, DiscordContext context, JsonElement message) =>
        Mentions.With(e, DiscordJson.Ids(message.Arr("mentions")), context.IsMe);

    private static OmniEvent WithContent(this OmniEvent e, DiscordMessageContent content) =>
        e with
        {
            Text = content.Text,
            MediaMimeType = content.FirstMedia?.MimeType,
            MediaSizeBytes = content.FirstMedia?.SizeBytes,
            MediaDurationSeconds = content.FirstMedia?.DurationSeconds,
            MediaFileName = content.FirstMedia?.FileName,
            MediaUrl = content.FirstMedia?.Url,
        };
}
