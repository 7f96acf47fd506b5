using System.Text;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Normalization.Evolution;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The envelope: quarantine rules, event names, data shapes, unknown events, metadata, determinism.</summary>
public class EvolutionEnvelopeTests
{
    [Fact]
    public void Provider_IsEvolution()
    {
        Assert.Equal("evolution", new EvolutionNormalizer().Provider);
    }

    [Fact]
    public void Normalize_MalformedJson_QuarantinedWithParserMessage()
    {
        var result = Normalize("""{ "event": "messages.upsert", "data": { "key": """);

        Assert.True(result.IsQuarantined);
        Assert.Empty(result.Events);
        Assert.StartsWith("body is not valid JSON: ", result.QuarantineReason, StringComparison.Ordinal);
        Assert.True(result.QuarantineReason!.Length > "body is not valid JSON: ".Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    public void Normalize_EmptyBody_QuarantinedAsEmpty(string body)
    {
        var result = Normalize(body);

        Assert.True(result.IsQuarantined);
        Assert.StartsWith("body is empty", result.QuarantineReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{ "event": "messages.upsert" }]""", "array")]
    [InlineData("42", "number")]
    [InlineData("\"messages.upsert\"", "string")]
    [InlineData("null", "null")]
    public void Normalize_TopLevelNotAnObject_QuarantinedNamingTheKind(string body, string kind)
    {
        var result = Normalize(body);

        Assert.True(result.IsQuarantined);
        Assert.Empty(result.Events);
        Assert.Equal(
            $"body is a JSON {kind} at the top level, not an Evolution webhook envelope (a JSON object with \"event\" and \"data\")",
            result.QuarantineReason);
    }

    [Fact]
    public void Normalize_Utf8ByteOrderMark_IsIgnored()
    {
        var body = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes(Envelope("messages.upsert", Message("""{ "conversation": "olá" }"""))))
            .ToArray();

        var result = new EvolutionNormalizer().Normalize(Payload(body));

        Assert.False(result.IsQuarantined);
        Assert.Equal("olá", Assert.Single(result.Events).Text);
    }

    [Theory]
    [InlineData("messages.upsert", "messages.upsert")]
    [InlineData("MESSAGES_UPSERT", "messages.upsert")]
    [InlineData("Messages.Upsert", "messages.upsert")]
    [InlineData("SEND_MESSAGE", "send.message")]
    [InlineData("group-participants.update", "group-participants.update")]
    [InlineData("GROUP_PARTICIPANTS_UPDATE", "group-participants.update")]
    [InlineData("GROUPS_UPDATE", "groups.update")]
    [InlineData("QRCODE_UPDATED", "qrcode.updated")]
    [InlineData("MESSAGING_HISTORY_SET", "messaging-history.set")]
    [InlineData(" connection.update ", "connection.update")]
    public void EventNames_Normalize_DottedLowercaseKeepingDashes(string raw, string expected)
    {
        Assert.Equal(expected, EvolutionEventNames.Normalize(raw));
    }

    [Fact]
    public void Normalize_UppercaseUnderscoreEventName_MappedLikeTheDottedName()
    {
        var evt = Single(Envelope("MESSAGES_UPSERT", Message("""{ "stickerMessage": { "mimetype": "image/webp" } }""")));

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Sticker, evt.ContentType);
        Assert.Equal("messages.upsert", evt.ProviderEventType);
        Assert.Equal("messages.upsert/stickerMessage", evt.Shape);
    }

    [Fact]
    public void Normalize_UnknownEventName_UnknownEventWithShapeAndMetadata()
    {
        var evt = Single("chats.upsert", """[{ "remoteJid": "5511988887777@s.whatsapp.net", "instanceId": "x", "unreadMessages": 2 }]""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("chats.upsert", evt.ProviderEventType);
        Assert.Equal("chats.upsert", evt.Shape);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.Equal(2, evt.ProviderMetadata!.Value.GetProperty("unreadMessages").GetInt32());
    }

    [Fact]
    public void Normalize_ObjectWithoutEventOrData_OneUnknownEventWithoutApiKey()
    {
        var evt = Single("""{ "hello": "world", "apikey": "secret-key" }""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Null(evt.ProviderEventType);
        Assert.Null(evt.Shape);
        var metadata = evt.ProviderMetadata!.Value;
        Assert.Equal("world", metadata.GetProperty("hello").GetString());
        Assert.False(metadata.TryGetProperty("apikey", out _));
    }

    [Fact]
    public void Normalize_DataArrayWithTwoItems_TwoEvents()
    {
        var events = NormalizeAll(Envelope("contacts.upsert", """
            [
              { "remoteJid": "5511911112222@s.whatsapp.net", "pushName": "Ana", "profilePicUrl": null, "instanceId": "x" },
              { "remoteJid": "5511933334444@s.whatsapp.net", "pushName": "Bruno", "profilePicUrl": null, "instanceId": "x" }
            ]
            """));

        Assert.Equal(2, events.Count);
        Assert.Equal(["5511911112222@s.whatsapp.net", "5511933334444@s.whatsapp.net"], events.Select(e => e.SenderHandle));
        Assert.Equal(["Ana", "Bruno"], events.Select(e => e.SenderName));
        Assert.NotEqual(events[0].ProviderEventId, events[1].ProviderEventId);
        Assert.Equal("Ana", events[0].ProviderMetadata!.Value.GetProperty("pushName").GetString());
    }

    [Fact]
    public void Normalize_MessagesUpsertDataArray_OneMessageEventPerItem()
    {
        var events = NormalizeAll(Envelope("messages.upsert", $"[{Message("""{ "conversation": "one" }""", id: "ID1")}, {Message("""{ "conversation": "two" }""", id: "ID2")}]"));

        Assert.Equal(["ID1", "ID2"], events.Select(e => e.ProviderEventId));
        Assert.Equal(["one", "two"], events.Select(e => e.Text));
    }

    [Fact]
    public void Normalize_EmptyDataArray_NoEvents()
    {
        var result = Normalize(Envelope("contacts.upsert", "[]"));

        Assert.False(result.IsQuarantined);
        Assert.Empty(result.Events);
    }

    [Fact]
    public void Normalize_DataItemThatIsNotAnObject_UnknownEvent()
    {
        var evt = Single("messages.upsert", """["not a message"]""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("not a message", evt.ProviderMetadata!.Value.GetString());
    }

    [Fact]
    public void Normalize_EnvelopeInstanceField_IgnoredInFavourOfUrlInstance()
    {
        var evt = Single("connection.update", """{ "instance": "evolution-side-name", "state": "open", "statusReason": 200 }""");

        Assert.Equal("demo", evt.Instance);
        Assert.Equal(ExpectedEventId(evt.ProviderEventId, EventKinds.Connection), evt.EventId);
    }

    [Fact]
    public void ProviderMetadata_Base64AndThumbnailFixture_StrippedToMarkers()
    {
        var fixture = EventExpectations.ReadFixture("evolution", "messages-upsert-image-base64-v2.json");
        var evt = Assert.Single(new EvolutionNormalizer().Normalize(Payload(fixture)).Events);

        var message = evt.ProviderMetadata!.Value.GetProperty("message");
        Assert.Equal("<stripped: 120 chars>", message.GetProperty("base64").GetString());
        Assert.Equal("<stripped: 120 chars>", message.GetProperty("imageMessage").GetProperty("jpegThumbnail").GetString());
        // Everything else is kept.
        Assert.Equal("image/jpeg", message.GetProperty("imageMessage").GetProperty("mimetype").GetString());
        Assert.Equal("3EB0A37FA152FF9D864E3D", evt.ProviderMetadata.Value.GetProperty("key").GetProperty("id").GetString());
        Assert.Equal("100000000000001@lid", evt.ProviderMetadata.Value.GetProperty("key").GetProperty("senderLid").GetString());
        Assert.DoesNotContain("/9j/4AAQ", evt.ProviderMetadata.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderMetadata_ShortBase64Fixture_StrippedToo()
    {
        // The anonymized video capture's base64 is only 68 characters; a base64 field is media whatever its length.
        var fixture = EventExpectations.ReadFixture("evolution", "messages-upsert-video-caption-base64.json");
        var evt = Assert.Single(new EvolutionNormalizer().Normalize(Payload(fixture)).Events);

        Assert.Equal("<stripped: 68 chars>", evt.ProviderMetadata!.Value.GetProperty("message").GetProperty("base64").GetString());
    }

    [Fact]
    public void ProviderMetadata_NestedQuotedThumbnailAndDataUrl_Stripped()
    {
        var dataUrl = "data:image/png;base64," + new string('A', 200);
        var evt = Upsert($$"""
            {
              "extendedTextMessage": {
                "text": "look",
                "thumbnailUrl": "https://example.com/t.jpg",
                "previewImage": "{{dataUrl}}",
                "contextInfo": {
                  "stanzaId": "Q1",
                  "quotedMessage": { "imageMessage": { "jpegThumbnail": "{{new string('B', 300)}}", "caption": "old" } }
                }
              }
            }
            """);

        var text = evt.ProviderMetadata!.Value.GetProperty("message").GetProperty("extendedTextMessage");
        Assert.Equal("https://example.com/t.jpg", text.GetProperty("thumbnailUrl").GetString());
        Assert.Equal($"<stripped: {dataUrl.Length} chars>", text.GetProperty("previewImage").GetString());
        var quoted = text.GetProperty("contextInfo").GetProperty("quotedMessage").GetProperty("imageMessage");
        Assert.Equal("<stripped: 300 chars>", quoted.GetProperty("jpegThumbnail").GetString());
        Assert.Equal("old", quoted.GetProperty("caption").GetString());
    }

    [Fact]
    public void ProviderMetadata_IsTheDataElementNotTheEnvelope()
    {
        var evt = Upsert("""{ "conversation": "hi" }""");

        var metadata = evt.ProviderMetadata!.Value;
        Assert.True(metadata.TryGetProperty("key", out _));
        Assert.False(metadata.TryGetProperty("apikey", out _));
        Assert.False(metadata.TryGetProperty("destination", out _));
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Normalize_SamePayloadTwice_IdenticalEvents(string fixtureName)
    {
        var body = EventExpectations.ReadFixture("evolution", fixtureName);

        var first = new EvolutionNormalizer().Normalize(Payload(body));
        var second = new EvolutionNormalizer().Normalize(Payload(body));

        Assert.Equal(
            JsonSerializer.Serialize(first.Events, OmniJson.Options),
            JsonSerializer.Serialize(second.Events, OmniJson.Options));
    }

    public static TheoryData<string> FixtureNames() => [.. EventExpectations.FixtureNames("evolution")];

    [Fact]
    public void Normalize_SameStateAtAnotherTime_DistinctEvent_ButRedeliveryDedups()
    {
        var data = """{ "instance": "x", "state": "connecting", "statusReason": 200 }""";
        var first = Single(Envelope("connection.update", data, dateTime: "2024-01-19T14:12:48.667Z"));
        var redelivery = Single(Envelope("connection.update", data, dateTime: "2024-01-19T14:12:48.667Z"));
        var later = Single(Envelope("connection.update", data, dateTime: "2024-01-20T09:00:00.000Z"));

        Assert.Equal(first.EventId, redelivery.EventId);
        Assert.NotEqual(first.EventId, later.EventId);
    }

    [Fact]
    public void Normalize_ReindentedRedelivery_SameEventId()
    {
        var compact = Envelope("contacts.update", """{"remoteJid":"5511922223333@s.whatsapp.net","pushName":"Rosa"}""");
        var indented = Envelope("contacts.update", "{\n  \"remoteJid\": \"5511922223333@s.whatsapp.net\",\n  \"pushName\": \"Rosa\"\n}");

        Assert.Equal(Single(compact).EventId, Single(indented).EventId);
    }
}
