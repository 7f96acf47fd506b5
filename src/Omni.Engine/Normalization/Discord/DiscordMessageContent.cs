using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>One attachment or sticker as a media descriptor (never the bytes).</summary>
internal sealed record DiscordMedia(
    string Source,
    string? Id,
    string ContentType,
    string? MimeType,
    long? SizeBytes,
    double? DurationSeconds,
    string? FileName,
    string? Url)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["source"] = Source, ["id"] = Id, ["content_type"] = ContentType };
        if (MimeType is not null)
        {
            json["mime_type"] = MimeType;
        }

        if (SizeBytes is { } size)
        {
            json["size_bytes"] = size;
        }

        if (DurationSeconds is { } duration)
        {
            json["duration_seconds"] = duration;
        }

        if (FileName is not null)
        {
            json["file_name"] = FileName;
        }

        if (Url is not null)
        {
            json["url"] = Url;
        }

        return json;
    }
}

/// <summary>
/// What a message object says, read once for MESSAGE_CREATE, MESSAGE_UPDATE and the Social SDK's message Webhook Events:
/// <list type="bullet">
/// <item>content_type: the first attachment's kind (by <c>content_type</c>, else the file extension; a voice message is
/// audio), else <c>sticker</c> for <c>sticker_items</c>, else <c>poll</c>, else <c>text</c> when there is text (the
/// content, or an embed's title and description when a bot sent embeds only), else <c>unknown</c>;</item>
/// <item>a forward (<c>message_reference.type</c> 1) takes all of that from its snapshot (<c>message_snapshots[0].message</c>);</item>
/// <item><see cref="ContentMissing"/>: a message a person or bot wrote whose content, attachments, embeds, stickers,
/// components and poll are all empty. Discord sends exactly that to an app without the MESSAGE_CONTENT intent (outside
/// DMs and messages that mention it), so such a message is flagged, typed <c>unknown</c>, and never stored as an empty
/// text.</item>
/// </list>
/// </summary>
internal sealed record DiscordMessageContent(
    string ContentType,
    string? Text,
    IReadOnlyList<DiscordMedia> Media,
    bool ContentMissing,
    bool IsForwarded,
    bool TextFromEmbed)
{
    private const int IsCrosspostFlag = 1 << 1;
    private const int IsVoiceMessageFlag = 1 << 13;

    public DiscordMedia? FirstMedia => Media.Count > 0 ? Media[0] : null;

    public static DiscordMessageContent Read(JsonElement message)
    {
        var snapshot = ForwardedSnapshot(message);
        var source = snapshot ?? message;
        var flags = source.Int("flags") ?? 0;
        var media = new List<DiscordMedia>();
        media.AddRange(source.Objects("attachments").Select(attachment => Attachment(attachment, flags)));
        media.AddRange(Stickers(source).Select(Sticker));

        var content = source.Str("content");
        var text = string.IsNullOrEmpty(content) ? null : content;
        var poll = source.Obj("poll");
        var embeds = source.Objects("embeds");
        var hasComponents = source.Objects("components").Count > 0;

        string contentType;
        var fromEmbed = false;
        if (media.Count > 0)
        {
            contentType = media[0].ContentType;
        }
        else if (poll is { } p)
        {
            contentType = ContentTypes.Poll;
            text = p.Obj("question")?.NonBlank("text") ?? text;
        }
        else if (text is not null)
        {
            contentType = ContentTypes.Text;
        }
        else if (EmbedText(embeds) is { } embedText)
        {
            contentType = ContentTypes.Text;
            text = embedText;
            fromEmbed = true;
        }
        else
        {
            contentType = ContentTypes.Unknown;
        }

        var missing = contentType == ContentTypes.Unknown
            && embeds.Count == 0
            && !hasComponents
            && DiscordNames.IsAuthoredMessageType(source.Int("type") ?? message.Int("type"));
        var isForwarded = snapshot is not null || ((message.Int("flags") ?? 0) & IsCrosspostFlag) != 0;
        return new DiscordMessageContent(contentType, text, media, missing, isForwarded, fromEmbed);
    }

    /// <summary>
    /// The forwarded message of a forward: <c>message_snapshots[0].message</c>. Only forwards (<c>message_reference.type</c>
    /// FORWARD, 1) carry snapshots, and the reference can be missing from a partial object, so the snapshots alone decide;
    /// a FORWARD reference without snapshots has nothing to take.
    /// </summary>
    private static JsonElement? ForwardedSnapshot(JsonElement message) =>
        message.Objects("message_snapshots") is [var first, ..] ? first.Obj("message") : null;

    /// <summary>The first embed's title and description, one per line, when a message has no text of its own.</summary>
    private static string? EmbedText(List<JsonElement> embeds)
    {
        foreach (var embed in embeds)
        {
            var parts = new[] { embed.NonBlank("title"), embed.NonBlank("description") }.OfType<string>().ToList();
            if (parts.Count > 0)
            {
                return string.Join("\n", parts);
            }
        }

        return null;
    }

    private static List<JsonElement> Stickers(JsonElement message)
    {
        var items = message.Objects("sticker_items");
        return items.Count > 0 ? items : message.Objects("stickers");
    }

    /// <summary>
    /// An attachment <c>{ id, filename, content_type?, size, url, proxy_url, duration_secs?, ... }</c>. Its <c>url</c> is
    /// Discord's CDN link, signed and expiring after a while (the <c>ex</c>/<c>is</c>/<c>hm</c> parameters).
    /// </summary>
    private static DiscordMedia Attachment(JsonElement attachment, int messageFlags)
    {
        var fileName = attachment.NonBlank("filename");
        var mime = attachment.NonBlank("content_type") ?? MimeFromExtension(fileName);
        var kind = (messageFlags & IsVoiceMessageFlag) != 0 ? ContentTypes.Audio : KindOf(mime, fileName);
        return new DiscordMedia(
            "attachment",
            attachment.Id("id"),
            kind,
            mime,
            attachment.Int64("size"),
            attachment.Prop("duration_secs") is { ValueKind: JsonValueKind.Number } duration ? duration.GetDouble() : null,
            fileName,
            attachment.NonBlank("url") ?? attachment.NonBlank("proxy_url"));
    }

    /// <summary>
    /// A sticker item <c>{ id, name, format_type }</c>: PNG (1), APNG (2), Lottie JSON (3) or GIF (4), served from
    /// Discord's CDN by id (GIF stickers from the media host).
    /// </summary>
    private static DiscordMedia Sticker(JsonElement sticker)
    {
        var id = sticker.Id("id");
        var (mime, extension) = sticker.Int("format_type") switch
        {
            2 => ("image/apng", "png"),
            3 => ("application/json", "json"),
            4 => ("image/gif", "gif"),
            _ => ("image/png", "png"),
        };
        var url = id is null
            ? null
            : extension == "gif"
                ? $"https://media.discordapp.net/stickers/{id}.gif"
                : $"https://cdn.discordapp.com/stickers/{id}.{extension}";
        return new DiscordMedia("sticker", id, ContentTypes.Sticker, mime, null, null, sticker.NonBlank("name"), url);
    }

    private static string KindOf(string? mime, string? fileName)
    {
        var major = mime?.Split('/', 2)[0].Trim().ToLowerInvariant();
        return major switch
        {
            "image" => ContentTypes.Image,
            "video" => ContentTypes.Video,
            "audio" => ContentTypes.Audio,
            _ => MimeFromExtension(fileName) is { } guessed && guessed != mime ? KindOf(guessed, null) : ContentTypes.Document,
        };
    }

    private static readonly FrozenDictionary<string, string> MimeByExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["png"] = "image/png", ["jpg"] = "image/jpeg", ["jpeg"] = "image/jpeg", ["gif"] = "image/gif", ["webp"] = "image/webp",
        ["bmp"] = "image/bmp", ["avif"] = "image/avif", ["heic"] = "image/heic", ["heif"] = "image/heif", ["tif"] = "image/tiff",
        ["tiff"] = "image/tiff", ["svg"] = "image/svg+xml",
        ["mp4"] = "video/mp4", ["m4v"] = "video/mp4", ["mov"] = "video/quicktime", ["webm"] = "video/webm",
        ["mkv"] = "video/x-matroska", ["avi"] = "video/x-msvideo",
        ["mp3"] = "audio/mpeg", ["ogg"] = "audio/ogg", ["oga"] = "audio/ogg", ["opus"] = "audio/opus", ["wav"] = "audio/wav",
        ["flac"] = "audio/flac", ["m4a"] = "audio/mp4", ["aac"] = "audio/aac",
        ["pdf"] = "application/pdf", ["txt"] = "text/plain", ["zip"] = "application/zip",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static string? MimeFromExtension(string? fileName)
    {
        var dot = fileName?.LastIndexOf('.') ?? -1;
        return dot > 0 && dot < fileName!.Length - 1 ? MimeByExtension.GetValueOrDefault(fileName[(dot + 1)..]) : null;
    }

    /// <summary>The descriptors of every attachment and sticker, for provider_metadata.<c>media</c>; null when there are none.</summary>
    public JsonArray? MediaJson() =>
        Media.Count == 0 ? null : new JsonArray([.. Media.Select(m => (JsonNode?)m.ToJson())]);
}
