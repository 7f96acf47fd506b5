using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Telegram;

/// <summary>
/// Messages: <c>message</c>, <c>channel_post</c>, <c>business_message</c> (kind <c>message</c>) and their
/// <c>edited_*</c> updates (kind <c>message_edit</c>, the new content, <c>target_message_id</c> = the message). A
/// message's id is its <c>message_id</c>, unique only within its chat: <c>conversation_id</c> is the chat id, so
/// (conversation, message id) names one message. Service messages announcing members who joined or left are
/// <c>group</c> events; other service messages are <c>unknown</c> with their field in the shape.
/// </summary>
internal static class TelegramMessageMapper
{
    public static OmniEvent Created(TelegramContext context, JsonElement message)
    {
        var content = TelegramMessageContent.Read(message);
        var address = Address(context, message);
        if (MemberChange(message) is { } change)
        {
            return TelegramEventFactory.Create(context, EventKinds.Group, ContentTypes.Unknown, content.Detail, message, Derive(message, content)) with
            {
                ProviderMessageId = message.Id("message_id"),
                ConversationId = address.Conversation,
                SenderHandle = address.Sender,
                SenderName = address.SenderName,
                FromMe = address.FromMe,
                IsGroup = address.IsGroup,
                Status = change.Status,
                Participants = change.Participants,
                OccurredAt = message.Time("date"),
            };
        }

        var kind = content.ContentType == ContentTypes.Unknown && content.Detail != "dice" ? EventKinds.Unknown : EventKinds.Message;
        return (TelegramEventFactory.Create(context, kind, content.ContentType, content.Detail, message, Derive(message, content)) with
        {
            ProviderMessageId = message.Id("message_id"),
            ConversationId = address.Conversation,
            SenderHandle = address.Sender,
            SenderName = address.SenderName,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            IsForwarded = IsForwarded(message),
            ReplyToMessageId = ReplyTarget(message),
            OccurredAt = message.Time("date"),
        }).WithContent(content).WithMentions(context, content);
    }

    /// <summary>An edit: the message as it is now; <c>occurred_at</c> = <c>edit_date</c> (else the message's date).</summary>
    public static OmniEvent Edited(TelegramContext context, JsonElement message)
    {
        var content = TelegramMessageContent.Read(message);
        var address = Address(context, message);
        return (TelegramEventFactory.Create(context, EventKinds.MessageEdit, content.ContentType, content.Detail, message, Derive(message, content)) with
        {
            ConversationId = address.Conversation,
            SenderHandle = address.Sender,
            SenderName = address.SenderName,
            FromMe = address.FromMe,
            IsGroup = address.IsGroup,
            IsForwarded = IsForwarded(message),
            ReplyToMessageId = ReplyTarget(message),
            TargetMessageId = message.Id("message_id"),
            OccurredAt = message.Time("edit_date") ?? message.Time("date"),
        }).WithContent(content).WithMentions(context, content);
    }

    /// <summary>
    /// Who wrote a message and where. The sender is <c>sender_chat</c> when the message was sent on behalf of a chat (a
    /// channel post, an anonymous group admin, a linked channel: <c>from</c> is then a placeholder bot), else <c>from</c>;
    /// a channel post without either is the channel's. Handles are the numeric ids as text; chats other than users are
    /// negative, so they never pass for a person.
    /// </summary>
    public static (string? Conversation, string? Sender, string? SenderName, bool FromMe, bool IsGroup) Address(
        TelegramContext context, JsonElement message)
    {
        var chat = message.Obj("chat");
        var senderChat = message.Obj("sender_chat");
        var from = message.Obj("from");
        var isChannel = chat?.Str("type") == "channel";
        var (sender, name) = senderChat is { } sc
            ? (sc.Id("id"), TelegramJson.ChatName(sc))
            : from is { } f
                ? (f.Id("id"), TelegramJson.UserName(f))
                : isChannel ? (chat?.Id("id"), TelegramJson.ChatName(chat)) : (null, null);
        return (chat?.Id("id"), sender, name, context.IsMe(sender), TelegramJson.IsGroupChat(chat));
    }

    /// <summary>
    /// The replied-to message in the same chat: <c>reply_to_message.message_id</c>. In a forum topic every message
    /// "replies" to the topic's creation message; that is the thread, not a reply. A reply to a message of another chat
    /// (<c>external_reply</c>) stays in provider_metadata.
    /// </summary>
    private static string? ReplyTarget(JsonElement message) =>
        message.Obj("reply_to_message") is { } replied && replied.Prop("forum_topic_created") is null ? replied.Id("message_id") : null;

    /// <summary>Forwarded: <c>forward_origin</c> (Bot API 7.0+), or the older <c>forward_from</c>/<c>forward_from_chat</c>/<c>forward_sender_name</c>/<c>forward_date</c>.</summary>
    private static bool IsForwarded(JsonElement message) =>
        message.Obj("forward_origin") is not null || message.Prop("forward_date") is not null || message.Obj("forward_from") is not null
        || message.Obj("forward_from_chat") is not null || message.NonBlank("forward_sender_name") is not null;

    /// <summary>
    /// Who a forward came from, by origin type: <c>user</c> → the user's id, <c>hidden_user</c> → the name they chose,
    /// <c>chat</c> → the chat's id, <c>channel</c> → the channel's id (and its message id); the older fields likewise.
    /// </summary>
    private static (string? Type, string? From, string? FromMessageId) ForwardOrigin(JsonElement message)
    {
        if (message.Obj("forward_origin") is { } origin)
        {
            var type = origin.NonBlank("type");
            return type switch
            {
                "user" => (type, origin.Obj("sender_user")?.Id("id"), null),
                "hidden_user" => (type, origin.NonBlank("sender_user_name"), null),
                "chat" => (type, origin.Obj("sender_chat")?.Id("id"), null),
                "channel" => (type, origin.Obj("chat")?.Id("id"), origin.Id("message_id")),
                _ => (type, null, null),
            };
        }

        if (message.Obj("forward_from") is { } user)
        {
            return ("user", user.Id("id"), null);
        }

        if (message.Obj("forward_from_chat") is { } chat)
        {
            return (chat.Str("type") == "channel" ? "channel" : "chat", chat.Id("id"), message.Id("forward_from_message_id"));
        }

        return message.NonBlank("forward_sender_name") is { } hidden ? ("hidden_user", hidden, null) : (null, null, null);
    }

    private static (string Status, IReadOnlyList<string> Participants)? MemberChange(JsonElement message)
    {
        if (message.Arr("new_chat_members") is { } joined)
        {
            var ids = joined.EnumerateArray().Select(u => u.Id("id")).OfType<string>().ToList();
            return ids.Count > 0 ? ("add", ids) : null;
        }

        return message.Obj("left_chat_member")?.Id("id") is { } left ? ("remove", [left]) : null;
    }

    private static ProviderMetadata.Added Derive(JsonElement message, TelegramMessageContent content)
    {
        var (originType, from, fromMessage) = ForwardOrigin(message);
        return new ProviderMetadata.Added()
            .Text("chat_type", message.Obj("chat")?.Str("type"))
            .Text("thread_id", message.Id("message_thread_id"))
            .Node("media", content.Media?.ToJson())
            .Texts("mentions", content.Mentions)
            .Texts("mention_user_ids", content.MentionUserIds)
            .Text("forward_origin_type", originType)
            .Text("forwarded_from", from)
            .Text("forwarded_from_message_id", fromMessage)
            .Flag("author_is_bot", message.Obj("from")?.IsTrue("is_bot") ?? false);
    }

    /// <summary>
    /// <c>mentions</c>: the user ids of <c>text_mention</c> entities (the sender-handle form), then the <c>@username</c>s of
    /// <c>mention</c> entities as written (a username names no id); <c>mentions_me</c> when one is the bot's id or username.
    /// </summary>
    private static OmniEvent WithMentions(this OmniEvent e, TelegramContext context, TelegramMessageContent content) =>
        Mentions.With(e, content.MentionUserIds.Concat(content.Mentions), context.IsMeMentioned);

    private static OmniEvent WithContent(this OmniEvent e, TelegramMessageContent content) =>
        e with
        {
            Text = content.Text,
            MediaMimeType = content.Media?.MimeType,
            MediaSizeBytes = content.Media?.SizeBytes,
            MediaDurationSeconds = content.Media?.DurationSeconds,
            MediaFileName = content.Media?.FileName,
        };
}
