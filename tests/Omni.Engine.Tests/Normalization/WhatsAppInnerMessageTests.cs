using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// The real WAProto messages captured through MegaAPI (tests/TestData/providers/whatsapp-megaapi), read both by
/// the inner-message parser directly and end to end by wrapping their key/message/messageTimestamp into an
/// Evolution messages.upsert envelope.
/// </summary>
public class WhatsAppInnerMessageTests
{
    private const string MegaApi = "whatsapp-megaapi";

    /// <summary>Moves a MegaAPI capture's WAMessage parts into an Evolution envelope.</summary>
    private static string AsEvolutionUpsert(string fixtureName)
    {
        var capture = JsonNode.Parse(EventExpectations.ReadFixture(MegaApi, fixtureName))!.AsObject();
        var data = new JsonObject
        {
            ["key"] = capture["key"]!.DeepClone(),
            ["pushName"] = capture["pushName"]!.DeepClone(),
            ["message"] = capture["message"]!.DeepClone(),
            ["messageType"] = capture["messageType"]!.DeepClone(),
            ["messageTimestamp"] = capture["messageTimestamp"]!.DeepClone(),
        };
        var envelope = new JsonObject
        {
            ["event"] = "messages.upsert",
            ["instance"] = capture["instance_key"]!.DeepClone(),
            ["data"] = data,
            ["sender"] = capture["jid"]!.DeepClone(),
        };
        return envelope.ToJsonString();
    }

    private static JsonElement InnerMessage(string fixtureName) =>
        JsonSerializer.Deserialize<JsonElement>(EventExpectations.ReadFixture(MegaApi, fixtureName)).GetProperty("message");

    [Theory]
    [InlineData("message-audio-ptt.json", "audio", "audioMessage", "audio/ogg; codecs=opus", 5999L, 4.0, null)]
    [InlineData("message-video.json", "video", "videoMessage", "video/mp4", 487315L, 2.0, null)]
    [InlineData("message-image.json", "image", "imageMessage", "image/jpeg", 68223L, null, null)]
    [InlineData("message-sticker-animated.json", "sticker", "stickerMessage", "image/webp", 493618L, null, null)]
    [InlineData("message-document-pdf.json", "document", "documentMessage", "application/pdf", 1985112L, null, "[ REAL ] WHATSAPP INBANÍVEL EM 3 HORAS.pdf")]
    public void Parse_MegaApiMedia_MediaDescriptors(
        string fixtureName, string contentType, string innerType, string mime, long size, double? seconds, string? fileName)
    {
        var content = WaMessageParser.Parse(InnerMessage(fixtureName));

        Assert.Equal(EventKinds.Message, content.Kind);
        Assert.Equal(contentType, content.ContentType);
        Assert.Equal(innerType, content.InnerType);
        Assert.Equal(mime, content.MediaMimeType);
        Assert.Equal(size, content.MediaSizeBytes);
        Assert.Equal(seconds, content.MediaDurationSeconds);
        Assert.Equal(fileName, content.MediaFileName);
        Assert.StartsWith("https://mmg.whatsapp.net/", content.MediaUrl, StringComparison.Ordinal);
        Assert.Null(content.Text);
        Assert.False(content.IsViewOnce);
    }

    [Fact]
    public void Parse_MegaApiContactVcard_ContactWithDisplayName()
    {
        var content = WaMessageParser.Parse(InnerMessage("message-contact-vcard.json"));

        Assert.Equal(ContentTypes.Contact, content.ContentType);
        Assert.Equal("Mega Api - api integração com wpp", content.Text);
        Assert.Null(content.MediaUrl);
    }

    [Fact]
    public void Parse_MegaApiLocationWithoutName_LocationWithoutText()
    {
        var content = WaMessageParser.Parse(InnerMessage("message-location.json"));

        Assert.Equal(EventKinds.Message, content.Kind);
        Assert.Equal(ContentTypes.Location, content.ContentType);
        Assert.Null(content.Text);
    }

    [Fact]
    public void Parse_MegaApiInteractiveOrderReply_UnknownButReplyIdKept()
    {
        var content = WaMessageParser.Parse(InnerMessage("message-interactive-order-reply.json"));

        Assert.Equal(EventKinds.Unknown, content.Kind);
        Assert.Equal(ContentTypes.Unknown, content.ContentType);
        Assert.Equal("interactiveMessage", content.InnerType);
        Assert.Equal("0B90675CF538A5889039E8EAAF04C9E2", content.ReplyToMessageId);
    }

    [Theory]
    [InlineData("message-audio-ptt.json", "5FD1F41408F697B674CA3ADD605687A1", "audio", "2023-07-10T14:20:45.000Z")]
    [InlineData("message-contact-vcard.json", "65DC5A8B44D117A791EF84855ED866B8", "contact", "2023-07-10T14:39:06.000Z")]
    [InlineData("message-document-pdf.json", "8C214F71959E3EA008D129EE1B743334", "document", "2023-07-10T14:25:07.000Z")]
    [InlineData("message-image.json", "5496701AC02ECA38DF6D086E3C4EEF00", "image", "2023-07-10T14:23:39.000Z")]
    [InlineData("message-interactive-order-reply.json", "93B9DA99E50EE89C9CC2E8FAB30551AD", "unknown", "2023-07-10T14:45:22.000Z")]
    [InlineData("message-location.json", "F898EA4B2090B20B31A7355A57FA252A", "location", "2023-07-10T14:37:37.000Z")]
    [InlineData("message-sticker-animated.json", "53A80274EFAEA9AA2DB3C0B127004574", "sticker", "2023-07-10T14:41:48.000Z")]
    [InlineData("message-video.json", "DB14180A5E463B5C8E07F1FEFA705EF9", "video", "2023-07-10T14:22:30.000Z")]
    public void Normalize_MegaApiMessageInEvolutionEnvelope_AddressedMessage(string fixtureName, string id, string contentType, string occurredAt)
    {
        var evt = Single(AsEvolutionUpsert(fixtureName));

        Assert.Equal(id, evt.ProviderMessageId);
        Assert.Equal(id, evt.ProviderEventId);
        Assert.Equal(contentType, evt.ContentType);
        Assert.Equal(contentType == "unknown" ? EventKinds.Unknown : EventKinds.Message, evt.EventKind);
        Assert.Equal("556199990008@s.whatsapp.net", evt.ConversationId);
        Assert.Equal("556199990008@s.whatsapp.net", evt.SenderHandle);
        Assert.Equal("Megaapi", evt.SenderName);
        Assert.False(evt.FromMe);
        Assert.False(evt.IsGroup);
        Assert.Equal(occurredAt, EventExpectations.FormatTime(evt.OccurredAt!.Value));
        Assert.Equal("demo", evt.Instance);
    }

    [Fact]
    public void Normalize_MegaApiVideoInEvolutionEnvelope_ThumbnailStripped()
    {
        var evt = Single(AsEvolutionUpsert("message-video.json"));

        var video = evt.ProviderMetadata!.Value.GetProperty("message").GetProperty("videoMessage");
        Assert.StartsWith("<stripped: ", video.GetProperty("jpegThumbnail").GetString(), StringComparison.Ordinal);
        Assert.Equal("messages.upsert/videoMessage", evt.Shape);
    }

    [Fact]
    public void Parse_NotAnObject_Unknown()
    {
        var content = WaMessageParser.Parse(JsonSerializer.Deserialize<JsonElement>("\"text\""));

        Assert.Equal(EventKinds.Unknown, content.Kind);
        Assert.Null(content.InnerType);
    }

    [Fact]
    public void Parse_OnlyBookkeeping_UnknownWithoutInnerType()
    {
        var content = WaMessageParser.Parse(JsonSerializer.Deserialize<JsonElement>("""{ "messageContextInfo": { "deviceListMetadataVersion": 2 } }"""));

        Assert.Equal(EventKinds.Unknown, content.Kind);
        Assert.Null(content.InnerType);
    }

    [Fact]
    public void Parse_SenderKeyDistributionBeforeContent_ContentFound()
    {
        var content = WaMessageParser.Parse(JsonSerializer.Deserialize<JsonElement>(
            """{ "senderKeyDistributionMessage": { "groupId": "1@g.us" }, "conversation": "hi" }"""));

        Assert.Equal("conversation", content.InnerType);
        Assert.Equal("hi", content.Text);
    }

    [Fact]
    public void ParseProtocolMessage_Edit_NewContentAndTarget()
    {
        var content = WaMessageParser.ParseProtocolMessage(JsonSerializer.Deserialize<JsonElement>(
            """{ "key": { "id": "T1" }, "type": "EDIT", "editedMessage": { "imageMessage": { "caption": "new caption", "mimetype": "image/jpeg" } }, "timestampMs": "1750963300000" }"""));

        Assert.Equal(EventKinds.MessageEdit, content.Kind);
        Assert.Equal(ContentTypes.Image, content.ContentType);
        Assert.Equal("new caption", content.Text);
        Assert.Equal("T1", content.TargetMessageId);
        Assert.Equal(1750963300000, content.ActionTimestampMs);
    }

    [Theory]
    [InlineData("1750963191", 1750963191L)]
    [InlineData("1750963191.0", 1750963191L)]
    [InlineData("{ \"low\": 1750963191, \"high\": 0, \"unsigned\": false }", 1750963191L)]
    [InlineData("{ \"low\": -1294967296, \"high\": 0, \"unsigned\": true }", 3000000000L)]
    [InlineData("{ \"low\": 0, \"high\": 1 }", 4294967296L)]
    [InlineData("\"1750963191\"", 1750963191L)]
    [InlineData("\"abc\"", null)]
    [InlineData("true", null)]
    public void ReadInt64_NumberStringOrLong_Value(string json, long? expected)
    {
        Assert.Equal(expected, WaNumbers.ReadInt64(JsonSerializer.Deserialize<JsonElement>(json)));
    }

    [Fact]
    public void FromUnixSeconds_SecondsMillisecondsAndZero()
    {
        var expected = new DateTimeOffset(2025, 6, 26, 18, 39, 51, TimeSpan.Zero);

        Assert.Equal(expected, WaNumbers.FromUnixSeconds(1750963191));
        Assert.Equal(expected, WaNumbers.FromUnixSeconds(1750963191000));
        Assert.Null(WaNumbers.FromUnixSeconds(0));
        Assert.Null(WaNumbers.FromUnixSeconds(null));
        Assert.Null(WaNumbers.FromUnixMilliseconds(long.MaxValue));
    }

    [Theory]
    [InlineData("5511977776666:12@s.whatsapp.net", "5511977776666@s.whatsapp.net")]
    [InlineData("5511977776666@s.whatsapp.net", "5511977776666@s.whatsapp.net")]
    [InlineData("120363000000000009@g.us", "120363000000000009@g.us")]
    [InlineData("  ", null)]
    public void WaJidNormalize_DeviceSuffixAndBlanks(string jid, string? expected)
    {
        Assert.Equal(expected, WaJid.Normalize(jid));
    }
}
