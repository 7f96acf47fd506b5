using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Engine.Normalization.WhatsApp;

/// <summary>
/// Reads a WAProto <c>Message</c> as Baileys-based gateways (Evolution API, MegaAPI, ...) serialize it: an object
/// with exactly one content property (<c>conversation</c>, <c>imageMessage</c>, <c>reactionMessage</c>, ...) beside
/// some bookkeeping properties. Pure: a function of its input.
/// </summary>
public static class WaMessageParser
{
    // Properties that sit beside the content and never are the content. Evolution adds base64 / mediaUrl /
    // speechToText to the message object itself; WhatsApp adds the encryption bookkeeping.
    private static readonly FrozenSet<string> SideProperties = FrozenSet.ToFrozenSet(
        ["messageContextInfo", "senderKeyDistributionMessage", "base64", "mediaUrl", "speechToText", "contextInfo"],
        StringComparer.Ordinal);

    // Wrappers hold a whole Message under "message": { ephemeralMessage: { message: { imageMessage: ... } } }.
    // They nest (an ephemeral view-once image is two wrappers deep), so unwrapping loops.
    private const string EphemeralWrapper = "ephemeralMessage";
    private const string EditedWrapper = "editedMessage";

    private static readonly FrozenSet<string> ViewOnceWrappers = FrozenSet.ToFrozenSet(
        ["viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> PlainWrappers = FrozenSet.ToFrozenSet(
        ["documentWithCaptionMessage", "deviceSentMessage"], StringComparer.Ordinal);

    private const int MaxWrapperDepth = 10;

    private static readonly FrozenSet<string> MediaContentTypes = FrozenSet.ToFrozenSet(
        [ContentTypes.Image, ContentTypes.Audio, ContentTypes.Video, ContentTypes.Document, ContentTypes.Sticker],
        StringComparer.Ordinal);

    /// <summary>
    /// Interprets one message object. <paramref name="hoistedContextInfo"/> is the envelope-level contextInfo of
    /// Evolution v2 (>= 2.1 moves it out of the content, e.g. <c>data.contextInfo</c>); the content's own
    /// contextInfo wins where both exist.
    /// </summary>
    public static WaMessageContent Parse(JsonElement message, JsonElement? hoistedContextInfo = null)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return Unrecognized(null);
        }

        var unwrapped = Unwrap(message);
        var content = unwrapped.Type is null ? Unrecognized(null) : Interpret(unwrapped.Type, unwrapped.Value);
        var context = ContextFlags.Read(unwrapped.Type is null ? null : unwrapped.Value.Obj("contextInfo"), hoistedContextInfo);

        // An editedMessage wrapper around ordinary content is the new version of an edited message: that is how
        // Baileys reports an edit in messages.update. (Around a protocolMessage it is the edit notice itself, which
        // Interpret already turned into a message_edit.)
        var kind = unwrapped.IsEdited && content.Kind == EventKinds.Message ? EventKinds.MessageEdit : content.Kind;

        // Evolution's S3/MinIO integration stores the downloaded media and puts a fetchable URL beside the content.
        var mediaUrl = MediaContentTypes.Contains(content.ContentType)
            ? message.NonBlank("mediaUrl") ?? content.MediaUrl
            : content.MediaUrl;

        return content with
        {
            Kind = kind,
            MediaUrl = mediaUrl,
            ReplyToMessageId = context.StanzaId ?? content.ReplyToMessageId,
            IsForwarded = context.IsForwarded || content.IsForwarded,
            MentionedJids = context.MentionedJids,
            IsViewOnce = unwrapped.IsViewOnce || content.IsViewOnce,
            IsEphemeral = unwrapped.IsEphemeral || context.HasExpiration || content.IsEphemeral,
        };
    }

    /// <summary>
    /// Interprets a bare <c>protocolMessage</c> object (what Evolution's <c>messages.edited</c> webhook sends as
    /// <c>data</c>): an edit, a revoke, or another protocol notice (kind unknown).
    /// </summary>
    public static WaMessageContent ParseProtocolMessage(JsonElement protocolMessage) =>
        protocolMessage.ValueKind == JsonValueKind.Object
            ? Protocol(protocolMessage)
            : Unrecognized("protocolMessage");

    private readonly record struct Unwrapped(string? Type, JsonElement Value, bool IsViewOnce, bool IsEphemeral, bool IsEdited);

    private static Unwrapped Unwrap(JsonElement message)
    {
        var current = message;
        bool viewOnce = false, ephemeral = false, edited = false;
        for (var depth = 0; depth < MaxWrapperDepth; depth++)
        {
            var (type, value) = FirstContentProperty(current);
            if (type is null)
            {
                return new Unwrapped(null, current, viewOnce, ephemeral, edited);
            }

            var isWrapper = type == EphemeralWrapper || type == EditedWrapper
                || ViewOnceWrappers.Contains(type) || PlainWrappers.Contains(type);
            if (!isWrapper || value.Obj("message") is not { } inner)
            {
                return new Unwrapped(type, value, viewOnce, ephemeral, edited);
            }

            viewOnce |= ViewOnceWrappers.Contains(type);
            ephemeral |= type == EphemeralWrapper;
            edited |= type == EditedWrapper;
            current = inner;
        }

        return new Unwrapped(null, current, viewOnce, ephemeral, edited);
    }

    private static (string? Type, JsonElement Value) FirstContentProperty(JsonElement message)
    {
        foreach (var property in message.EnumerateObject())
        {
            if (!SideProperties.Contains(property.Name)
                && property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                return (property.Name, property.Value);
            }
        }

        return (null, default);
    }

    private static WaMessageContent Interpret(string type, JsonElement value) =>
        type switch
        {
            "conversation" => Text(type, value.ValueKind == JsonValueKind.String ? value.GetString() : null),
            "extendedTextMessage" => Text(type, value.Str("text")),
            "imageMessage" => Media(type, ContentTypes.Image, value) with { Text = Caption(value) },
            "videoMessage" or "ptvMessage" => Media(type, ContentTypes.Video, value) with { Text = Caption(value) },
            "audioMessage" => Media(type, ContentTypes.Audio, value),
            "documentMessage" => Media(type, ContentTypes.Document, value) with { Text = Caption(value) },
            "stickerMessage" => Media(type, ContentTypes.Sticker, value),
            "locationMessage" => Simple(type, ContentTypes.Location, JoinLines(value.NonBlank("name"), value.NonBlank("address"))),
            "liveLocationMessage" => Simple(type, ContentTypes.Location, value.NonBlank("caption")),
            "contactMessage" => Simple(type, ContentTypes.Contact, value.NonBlank("displayName")),
            "contactsArrayMessage" => Simple(type, ContentTypes.Contact, value.NonBlank("displayName") ?? ContactNames(value)),
            "reactionMessage" => Reaction(value),
            "pollUpdateMessage" => PollVote(value),
            "protocolMessage" => Protocol(value),
            // Replies to buttons and lists: the user's choice is what they "said".
            "buttonsResponseMessage" or "templateButtonReplyMessage" => Text(type, value.Str("selectedDisplayText")),
            "listResponseMessage" => Text(type, value.NonBlank("title") ?? value.Obj("singleSelectReply")?.NonBlank("selectedRowId")),
            _ when type.StartsWith("pollCreationMessage", StringComparison.Ordinal) =>
                Simple(type, ContentTypes.Poll, value.NonBlank("name")),
            _ => Unrecognized(type),
        };

    private static WaMessageContent Unrecognized(string? type) =>
        new() { Kind = EventKinds.Unknown, ContentType = ContentTypes.Unknown, InnerType = type };

    private static WaMessageContent Simple(string type, string contentType, string? text) =>
        new() { Kind = EventKinds.Message, ContentType = contentType, InnerType = type, Text = text };

    private static WaMessageContent Text(string type, string? text) =>
        Simple(type, ContentTypes.Text, string.IsNullOrEmpty(text) ? null : text);

    private static WaMessageContent Media(string type, string contentType, JsonElement value) =>
        new()
        {
            Kind = EventKinds.Message,
            ContentType = contentType,
            InnerType = type,
            MediaMimeType = value.NonBlank("mimetype"),
            MediaSizeBytes = value.Int64("fileLength"),
            MediaDurationSeconds = ReadDouble(value.Prop("seconds")),
            MediaFileName = value.NonBlank("fileName"),
            MediaUrl = value.NonBlank("url"),
            // A media message can be view-once by its own flag, without a viewOnceMessage wrapper.
            IsViewOnce = value.IsTrue("viewOnce"),
        };

    private static string? Caption(JsonElement value) => value.NonBlank("caption");

    private static WaMessageContent Reaction(JsonElement value) =>
        new()
        {
            Kind = EventKinds.Reaction,
            ContentType = ContentTypes.Reaction,
            InnerType = "reactionMessage",
            TargetMessageId = value.Obj("key")?.NonBlank("id"),
            // Removing a reaction is a reactionMessage with an empty (or absent) text.
            ReactionEmoji = value.Str("text") ?? string.Empty,
            ActionTimestampMs = value.Int64("senderTimestampMs"),
        };

    private static WaMessageContent PollVote(JsonElement value) =>
        new()
        {
            Kind = EventKinds.PollVote,
            ContentType = ContentTypes.Poll,
            InnerType = "pollUpdateMessage",
            TargetMessageId = value.Obj("pollCreationMessageKey")?.NonBlank("id"),
            PollSelection = ReadableSelection(value.Obj("vote")?.Arr("selectedOptions")),
            ActionTimestampMs = value.Int64("senderTimestampMs"),
        };

    /// <summary>
    /// Vote options travel as SHA-256 hashes of the option names; Evolution replaces them with the names when it
    /// could decrypt the vote. Only names (strings) are readable; hashes (buffers) give null.
    /// </summary>
    internal static string? ReadableSelection(JsonElement? selectedOptions)
    {
        if (selectedOptions is not { } options)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var option in options.EnumerateArray())
        {
            if (option.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            names.Add(option.GetString()!);
        }

        return string.Join(", ", names);
    }

    private static WaMessageContent Protocol(JsonElement value)
    {
        var target = value.Obj("key")?.NonBlank("id");
        var timestamp = value.Int64("timestampMs");
        return ProtocolTypeOf(value) switch
        {
            ProtocolType.Revoke => new WaMessageContent
            {
                Kind = EventKinds.MessageDelete,
                ContentType = ContentTypes.Unknown,
                InnerType = "protocolMessage",
                TargetMessageId = target,
                ActionTimestampMs = timestamp,
            },
            ProtocolType.Edit => EditedContent(value.Obj("editedMessage")) with
            {
                Kind = EventKinds.MessageEdit,
                InnerType = "protocolMessage",
                TargetMessageId = target,
                ActionTimestampMs = timestamp,
            },
            _ => Unrecognized("protocolMessage") with { TargetMessageId = target, ActionTimestampMs = timestamp },
        };
    }

    private static WaMessageContent EditedContent(JsonElement? editedMessage) =>
        editedMessage is { } message ? Parse(message) : Unrecognized(null);

    private enum ProtocolType
    {
        Other,
        Revoke,
        Edit,
    }

    /// <summary>
    /// protocolMessage.type is an enum: protobufjs's toJSON writes its name ("REVOKE", "MESSAGE_EDIT"), plain
    /// objects keep the number (0, 14). REVOKE is 0, the enum default, which serializers may omit altogether: a
    /// typeless protocolMessage with a key is a revoke, unless it carries editedMessage.
    /// </summary>
    private static ProtocolType ProtocolTypeOf(JsonElement protocolMessage)
    {
        var type = protocolMessage.Prop("type");
        if (type is null)
        {
            if (protocolMessage.Obj("editedMessage") is not null)
            {
                return ProtocolType.Edit;
            }

            return protocolMessage.Obj("key") is not null ? ProtocolType.Revoke : ProtocolType.Other;
        }

        var name = type.Value.ValueKind switch
        {
            JsonValueKind.String => type.Value.GetString()?.Trim().ToUpperInvariant(),
            JsonValueKind.Number when type.Value.TryGetInt32(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return name switch
        {
            "REVOKE" or "0" => ProtocolType.Revoke,
            "MESSAGE_EDIT" or "EDIT" or "14" => ProtocolType.Edit,
            _ => ProtocolType.Other,
        };
    }

    private static string? JoinLines(string? first, string? second) =>
        (first, second) switch
        {
            (null, null) => null,
            (not null, null) => first,
            (null, not null) => second,
            _ => first + "\n" + second,
        };

    private static string? ContactNames(JsonElement contactsArray)
    {
        if (contactsArray.Arr("contacts") is not { } contacts)
        {
            return null;
        }

        var names = contacts.EnumerateArray()
            .Select(contact => contact.NonBlank("displayName"))
            .OfType<string>()
            .ToList();
        return names.Count == 0 ? null : string.Join(", ", names);
    }

    private static double? ReadDouble(JsonElement? value) =>
        value switch
        {
            { ValueKind: JsonValueKind.Number } number => number.GetDouble(),
            { ValueKind: JsonValueKind.String } text when double.TryParse(
                text.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };

    /// <summary>The parts of contextInfo that become event flags, from the content's own and the hoisted copy.</summary>
    private readonly record struct ContextFlags(string? StanzaId, bool IsForwarded, bool HasExpiration, IReadOnlyList<string> MentionedJids)
    {
        public static ContextFlags Read(JsonElement? own, JsonElement? hoisted) =>
            new(
                StanzaId: own?.NonBlank("stanzaId") ?? hoisted?.NonBlank("stanzaId"),
                MentionedJids: Mentioned(own) ?? Mentioned(hoisted) ?? [],
                IsForwarded: Forwarded(own) || Forwarded(hoisted),
                // Disappearing messages carry the chat's timer (seconds) in contextInfo.expiration. A
                // disappearingMode block without an expiration only records who once changed the setting.
                HasExpiration: own?.Int64("expiration") > 0 || hoisted?.Int64("expiration") > 0);

        private static List<string>? Mentioned(JsonElement? contextInfo) =>
            contextInfo?.Arr("mentionedJid") is { } jids
                ? [.. jids.EnumerateArray().Where(j => j.ValueKind == JsonValueKind.String).Select(j => WaJid.Normalize(j.GetString())).OfType<string>()]
                : null;

        private static bool Forwarded(JsonElement? contextInfo) =>
            contextInfo is { } context && (context.IsTrue("isForwarded") || context.Int64("forwardingScore") > 0);
    }
}
