using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Slack;

/// <summary>
/// <c>message</c> events (channels, private channels, DMs, group DMs) and their subtypes, and <c>app_mention</c>. A message
/// is named by (channel, <c>ts</c>): <c>conversation_id</c> = channel, <c>provider_message_id</c> = ts. Threads:
/// a reply in a thread (<c>thread_ts</c> ≠ <c>ts</c>) replies to the thread's root (<c>reply_to_message_id</c> =
/// <c>thread_ts</c>, also in provider_metadata as <c>thread_ts</c>).
/// </summary>
internal static class SlackMessageMapper
{
    /// <summary>Subtypes that are messages someone wrote; the others are about the message or the channel.</summary>
    private static readonly string[] MessageSubtypes = ["file_share", "bot_message", "thread_broadcast", "me_message"];

    public static OmniEvent Map(SlackContext context, JsonElement envelope, JsonElement item)
    {
        var subtype = item.NonBlank("subtype");
        return subtype switch
        {
            null => Created(context, envelope, item, null),
            "message_changed" => Changed(context, envelope, item),
            "message_deleted" => Deleted(context, envelope, item),
            "channel_join" or "group_join" or "channel_leave" or "group_leave" => SlackStateMapper.MembershipMessage(context, envelope, item, subtype),
            _ when MessageSubtypes.Contains(subtype) => Created(context, envelope, item, subtype),
            _ => SlackStateMapper.Unknown(context, envelope, item, subtype),
        };
    }

    /// <summary>A new message (and <c>app_mention</c>, the same message as seen by a bot it mentions).</summary>
    public static OmniEvent Created(SlackContext context, JsonElement envelope, JsonElement item, string? subtype)
    {
        var channel = item.NonBlank("channel");
        var ts = item.NonBlank("ts");
        var user = item.NonBlank("user") ?? item.NonBlank("bot_id");
        var content = Content(item);
        var thread = item.NonBlank("thread_ts");
        return Mentions.With(SlackEventFactory.Create(context, envelope, EventKinds.Message, content.ContentType,
            channel is not null && ts is not null ? channel + ":" + ts : null, subtype ?? content.Detail, item, Derive(item, content)) with
        {
            ProviderMessageId = ts,
            ConversationId = channel,
            SenderHandle = user,
            SenderName = SlackJson.SenderName(item),
            FromMe = context.IsMe(item, user),
            IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
            IsForwarded = content.IsForwarded,
            Text = content.Text,
            ReplyToMessageId = thread is not null && thread != ts ? thread : null,
            MediaMimeType = content.File?.NonBlank("mimetype"),
            MediaSizeBytes = content.File?.Int64("size"),
            MediaFileName = content.File?.NonBlank("name"),
            MediaUrl = content.File?.NonBlank("url_private_download") ?? content.File?.NonBlank("url_private"),
            OccurredAt = SlackJson.Time(ts),
        }, SlackJson.MentionedUserIds(content.Text), context.IsMe);
    }

    /// <summary>
    /// <c>message_changed</c> <c>{ message, previous_message, channel, ts }</c>: an edit (kind <c>message_edit</c>, the new
    /// text, target = <c>message.ts</c>, at <c>message.edited.ts</c>) when the message says it was edited or its text
    /// changed. Slack sends the same subtype when it unfurls a link or a thread gets a reply: those are <c>unknown</c>
    /// (shape <c>message/message_changed/not_an_edit</c>), never an edit that changes nothing.
    /// </summary>
    private static OmniEvent Changed(SlackContext context, JsonElement envelope, JsonElement item)
    {
        var channel = item.NonBlank("channel");
        var message = item.Obj("message");
        var previous = item.Obj("previous_message");
        var target = message?.NonBlank("ts");
        var user = message?.NonBlank("user") ?? message?.NonBlank("bot_id");
        var isEdit = message is { } m && target is not null
            && (m.Obj("edited") is not null || (previous is { } p && p.Str("text") != m.Str("text")));
        if (!isEdit)
        {
            return SlackEventFactory.Create(context, envelope, EventKinds.Unknown, ContentTypes.Unknown, null, "message_changed/not_an_edit", item) with
            {
                ConversationId = channel,
                SenderHandle = user,
                IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
                TargetMessageId = target,
                OccurredAt = SlackJson.Time(item.NonBlank("event_ts") ?? item.NonBlank("ts")),
            };
        }

        var content = Content(message!.Value);
        return Mentions.With(SlackEventFactory.Create(context, envelope, EventKinds.MessageEdit, content.ContentType, null, "message_changed", item, Derive(message.Value, content)) with
        {
            ConversationId = channel,
            SenderHandle = user,
            SenderName = SlackJson.SenderName(message.Value),
            FromMe = context.IsMe(message.Value, user),
            IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
            Text = content.Text,
            TargetMessageId = target,
            OccurredAt = SlackJson.Time(message.Value.Obj("edited")?.NonBlank("ts") ?? item.NonBlank("event_ts") ?? item.NonBlank("ts")),
        }, SlackJson.MentionedUserIds(content.Text), context.IsMe);
    }

    /// <summary><c>message_deleted</c> <c>{ deleted_ts, previous_message, channel }</c>: target = <c>deleted_ts</c>; Slack does not say who deleted it.</summary>
    private static OmniEvent Deleted(SlackContext context, JsonElement envelope, JsonElement item)
    {
        var channel = item.NonBlank("channel");
        return SlackEventFactory.Create(context, envelope, EventKinds.MessageDelete, ContentTypes.Unknown, null, "message_deleted", item) with
        {
            ConversationId = channel,
            IsGroup = SlackJson.IsGroup(item.NonBlank("channel_type"), channel),
            TargetMessageId = item.NonBlank("deleted_ts") ?? item.Obj("previous_message")?.NonBlank("ts"),
            OccurredAt = SlackJson.Time(item.NonBlank("event_ts") ?? item.NonBlank("ts")),
        };
    }

    /// <summary>
    /// The content type: the first file's (<c>image/…</c>, <c>audio/…</c>, <c>video/…</c>, else <c>document</c>), else
    /// text; a forward (an attachment with <c>is_share</c>) with no text of its own reads the shared message's text.
    /// </summary>
    private static (string ContentType, string Detail, string? Text, JsonElement? File, bool IsForwarded) Content(JsonElement message)
    {
        var text = message.Str("text");
        var shared = message.Arr("attachments")?.EnumerateArray().FirstOrDefault(a => a.ValueKind == JsonValueKind.Object && a.IsTrue("is_share"));
        var isForwarded = shared is { ValueKind: JsonValueKind.Object };
        if (string.IsNullOrEmpty(text) && isForwarded)
        {
            text = shared!.Value.Str("text");
        }

        var file = message.Arr("files")?.EnumerateArray().FirstOrDefault(f => f.ValueKind == JsonValueKind.Object);
        if (file is { ValueKind: JsonValueKind.Object } f)
        {
            var mime = f.NonBlank("mimetype") ?? "";
            var type = mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? ContentTypes.Image
                : mime.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) ? ContentTypes.Audio
                : mime.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ? ContentTypes.Video
                : ContentTypes.Document;
            return (type, "file", string.IsNullOrEmpty(text) ? null : text, f, isForwarded);
        }

        return (ContentTypes.Text, "text", text, null, isForwarded);
    }

    private static ProviderMetadata.Added Derive(JsonElement message, (string ContentType, string Detail, string? Text, JsonElement? File, bool IsForwarded) content)
    {
        var files = message.Arr("files")?.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object).Select(f => f.NonBlank("id")).OfType<string>().ToList() ?? [];
        return new ProviderMetadata.Added()
            .Text("thread_ts", message.NonBlank("thread_ts"))
            .Texts("mention_user_ids", SlackJson.MentionedUserIds(message.Str("text")))
            .Texts("file_ids", files)
            .Flag("author_is_bot", message.NonBlank("bot_id") is not null);
    }
}
