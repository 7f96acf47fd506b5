using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Telegram;

/// <summary>One file a message carries, as the Bot API describes it; <see cref="FileId"/> is what <c>getFile</c> takes.</summary>
internal sealed record TelegramMedia(string Kind, string? FileId, string? FileUniqueId, string? MimeType, long? SizeBytes, double? DurationSeconds, string? FileName)
{
    public JsonObject ToJson() => new()
    {
        ["type"] = Kind,
        ["file_id"] = FileId,
        ["file_unique_id"] = FileUniqueId,
    };
}

/// <summary>
/// What a Message says, read the same way for new messages, edits and channel posts: the content type, the text (the
/// text, a caption, a poll's question, a venue's name and address, a contact's name), the media descriptor, and the
/// mentions in its entities. The first content field present decides (text, photo, animation, video, video_note, voice,
/// audio, document, sticker, location/venue, contact, poll, dice); <see cref="Detail"/> names it for the shape.
/// </summary>
internal sealed record TelegramMessageContent(
    string ContentType,
    string Detail,
    string? Text,
    TelegramMedia? Media,
    IReadOnlyList<string> Mentions,
    IReadOnlyList<string> MentionUserIds)
{
    /// <summary>Service messages: about the chat, not content (new members, a pin, a new title, ...).</summary>
    private static readonly string[] ServiceFields =
    [
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo", "group_chat_created",
        "supergroup_chat_created", "channel_chat_created", "message_auto_delete_timer_changed", "migrate_to_chat_id",
        "migrate_from_chat_id", "pinned_message", "forum_topic_created", "forum_topic_edited", "forum_topic_closed",
        "forum_topic_reopened", "video_chat_started", "video_chat_ended", "video_chat_scheduled", "video_chat_participants_invited",
        "successful_payment", "users_shared", "chat_shared", "write_access_allowed", "boost_added", "giveaway", "story",
    ];

    public static TelegramMessageContent Read(JsonElement message)
    {
        var caption = message.Str("caption");
        var (mentions, mentionIds) = ReadMentions(message, message.Str("text") is { } t ? (t, "entities") : (caption, "caption_entities"));
        TelegramMessageContent With(string type, string detail, string? text, TelegramMedia? media = null) =>
            new(type, detail, text, media, mentions, mentionIds);

        if (message.Str("text") is { } text)
        {
            var isCommand = message.Arr("entities") is { } entities && entities.EnumerateArray().Any(e =>
                e.Str("type") == "bot_command" && e.Int64("offset") == 0);
            return new(isCommand ? ContentTypes.Command : ContentTypes.Text, isCommand ? "bot_command" : "text", text, null, mentions, mentionIds);
        }

        if (message.Arr("photo") is { } sizes && Largest(sizes) is { } photo)
        {
            return With(ContentTypes.Image, "photo", caption, File("photo", photo, "image/jpeg"));
        }

        if (message.Obj("animation") is { } animation)
        {
            return With(ContentTypes.Video, "animation", caption, File("animation", animation, "video/mp4"));
        }

        foreach (var (field, type, mime) in new[]
                 {
                     ("video", ContentTypes.Video, "video/mp4"), ("video_note", ContentTypes.Video, "video/mp4"),
                     ("voice", ContentTypes.Audio, "audio/ogg"), ("audio", ContentTypes.Audio, null),
                     ("document", ContentTypes.Document, null),
                 })
        {
            if (message.Obj(field) is { } file)
            {
                return With(type, field, caption, File(field, file, mime));
            }
        }

        if (message.Obj("sticker") is { } sticker)
        {
            var mime = sticker.IsTrue("is_animated") ? "application/x-tgsticker" : sticker.IsTrue("is_video") ? "video/webm" : "image/webp";
            return With(ContentTypes.Sticker, "sticker", sticker.NonBlank("emoji"), File("sticker", sticker, mime));
        }

        if (message.Obj("venue") is { } venue)
        {
            var name = string.Join(", ", new[] { venue.NonBlank("title"), venue.NonBlank("address") }.Where(p => p is not null));
            return With(ContentTypes.Location, "venue", name.Length > 0 ? name : null);
        }

        if (message.Obj("location") is not null)
        {
            return With(ContentTypes.Location, "location", null);
        }

        if (message.Obj("contact") is { } contact)
        {
            return With(ContentTypes.Contact, "contact", TelegramJson.UserName(contact) ?? contact.NonBlank("phone_number"));
        }

        if (message.Obj("poll") is { } poll)
        {
            return With(ContentTypes.Poll, "poll", poll.Str("question"));
        }

        if (message.Obj("dice") is { } dice)
        {
            return With(ContentTypes.Unknown, "dice", dice.NonBlank("emoji"));
        }

        var service = ServiceFields.FirstOrDefault(field => message.Prop(field) is not null);
        return With(ContentTypes.Unknown, service ?? "other", caption);
    }

    /// <summary>The largest PhotoSize: by pixels, then by file size (Telegram lists them smallest first, but promises no order).</summary>
    private static JsonElement? Largest(JsonElement sizes) =>
        sizes.EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object)
            .OrderByDescending(s => (s.Int64("width") ?? 0) * (s.Int64("height") ?? 0))
            .ThenByDescending(s => s.Int64("file_size") ?? 0)
            .Select(s => (JsonElement?)s)
            .FirstOrDefault();

    private static TelegramMedia File(string kind, JsonElement file, string? defaultMime) =>
        new(kind,
            file.NonBlank("file_id"),
            file.NonBlank("file_unique_id"),
            file.NonBlank("mime_type") ?? defaultMime,
            file.Int64("file_size"),
            file.Int64("duration") is { } seconds ? (double)seconds : null,
            file.NonBlank("file_name"));

    /// <summary>
    /// <c>mention</c> entities (<c>@username</c>, cut from the text: offsets and lengths are UTF-16 code units, as .NET
    /// strings count) and <c>text_mention</c> entities (users without a username, by id).
    /// </summary>
    private static (List<string> Names, List<string> UserIds) ReadMentions(JsonElement message, (string? Text, string Field) source)
    {
        var names = new List<string>();
        var ids = new List<string>();
        if (message.Arr(source.Field) is not { } entities)
        {
            return (names, ids);
        }

        foreach (var entity in entities.EnumerateArray())
        {
            if (entity.Str("type") == "mention" && source.Text is { } text && entity.Int64("offset") is { } offset && entity.Int64("length") is { } length
                && offset >= 0 && length > 0 && offset + length <= text.Length)
            {
                names.Add(text.Substring((int)offset, (int)length));
            }
            else if (entity.Str("type") == "text_mention" && entity.Obj("user")?.Id("id") is { } id)
            {
                ids.Add(id);
            }
        }

        return (names, ids);
    }
}
