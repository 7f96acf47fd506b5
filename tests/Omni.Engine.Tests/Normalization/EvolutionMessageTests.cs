using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>messages.upsert / send.message: content types, wrappers, addressing, timestamps, context.</summary>
public class EvolutionMessageTests
{
    [Fact]
    public void Upsert_ExtendedText_TextFromExtendedTextMessage()
    {
        var evt = Upsert("""{ "extendedTextMessage": { "text": "see https://example.com", "matchedText": "https://example.com" } }""");

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("see https://example.com", evt.Text);
        Assert.Equal("messages.upsert/extendedTextMessage", evt.Shape);
        Assert.Equal("3EB0AAAA0000000000000001", evt.ProviderMessageId);
        Assert.Equal("3EB0AAAA0000000000000001", evt.ProviderEventId);
    }

    [Fact]
    public void Upsert_ViewOnceV2Image_ImageFlaggedViewOnceWithCaption()
    {
        var evt = Upsert("""
            {
              "viewOnceMessageV2": {
                "message": {
                  "imageMessage": {
                    "url": "https://mmg.whatsapp.net/v/t62.7118-24/x.enc",
                    "mimetype": "image/jpeg",
                    "caption": "only once",
                    "fileLength": { "low": 48211, "high": 0, "unsigned": true },
                    "viewOnce": true
                  }
                }
              },
              "messageContextInfo": { "messageSecret": "abc=" }
            }
            """);

        Assert.Equal(ContentTypes.Image, evt.ContentType);
        Assert.True(evt.IsViewOnce);
        Assert.False(evt.IsEphemeral);
        Assert.Equal("only once", evt.Text);
        Assert.Equal(48211, evt.MediaSizeBytes);
        Assert.Equal("messages.upsert/imageMessage", evt.Shape);
    }

    [Theory]
    [InlineData("viewOnceMessage")]
    [InlineData("viewOnceMessageV2Extension")]
    public void Upsert_OtherViewOnceWrappers_FlaggedViewOnce(string wrapper)
    {
        var evt = Upsert($$"""{ "{{wrapper}}": { "message": { "audioMessage": { "mimetype": "audio/ogg; codecs=opus", "seconds": 3, "ptt": true } } } }""");

        Assert.Equal(ContentTypes.Audio, evt.ContentType);
        Assert.True(evt.IsViewOnce);
        Assert.Equal(3, evt.MediaDurationSeconds);
    }

    [Fact]
    public void Upsert_ImageWithViewOnceFlagOnly_FlaggedViewOnce()
    {
        var evt = Upsert("""{ "imageMessage": { "mimetype": "image/jpeg", "viewOnce": true } }""");

        Assert.True(evt.IsViewOnce);
    }

    [Fact]
    public void Upsert_KeyIsViewOnce_FlaggedViewOnce()
    {
        var data = Message("""{ "imageMessage": { "mimetype": "image/jpeg" } }""").Replace("\"fromMe\": false,", "\"fromMe\": false, \"isViewOnce\": true,", StringComparison.Ordinal);

        Assert.True(Single("messages.upsert", data).IsViewOnce);
    }

    [Fact]
    public void Upsert_EphemeralWrapper_UnwrappedAndFlaggedEphemeral()
    {
        var evt = Upsert("""
            {
              "ephemeralMessage": {
                "message": {
                  "extendedTextMessage": {
                    "text": "this will vanish",
                    "contextInfo": { "expiration": 604800, "ephemeralSettingTimestamp": "1750000000" }
                  }
                }
              }
            }
            """);

        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("this will vanish", evt.Text);
        Assert.True(evt.IsEphemeral);
        Assert.Equal("messages.upsert/extendedTextMessage", evt.Shape);
    }

    [Fact]
    public void Upsert_EphemeralViewOnceImage_BothWrappersUnwrapped()
    {
        var evt = Upsert("""{ "ephemeralMessage": { "message": { "viewOnceMessageV2": { "message": { "imageMessage": { "mimetype": "image/jpeg" } } } } } }""");

        Assert.Equal(ContentTypes.Image, evt.ContentType);
        Assert.True(evt.IsEphemeral);
        Assert.True(evt.IsViewOnce);
    }

    [Fact]
    public void Upsert_DisappearingModeWithoutExpiration_NotEphemeral()
    {
        var evt = Upsert("""{ "audioMessage": { "mimetype": "audio/ogg", "contextInfo": { "disappearingMode": { "initiator": "CHANGED_IN_CHAT" } } } }""");

        Assert.False(evt.IsEphemeral);
    }

    [Fact]
    public void Upsert_DocumentWithCaption_DocumentFieldsAndCaption()
    {
        var evt = Upsert("""
            {
              "documentWithCaptionMessage": {
                "message": {
                  "documentMessage": {
                    "url": "https://mmg.whatsapp.net/v/t62.7119-24/doc.enc",
                    "mimetype": "application/pdf",
                    "title": "Contrato",
                    "fileLength": "1985112",
                    "pageCount": 9,
                    "fileName": "Contrato assinado.pdf",
                    "caption": "segue o contrato"
                  }
                }
              }
            }
            """);

        Assert.Equal(ContentTypes.Document, evt.ContentType);
        Assert.Equal("segue o contrato", evt.Text);
        Assert.Equal("application/pdf", evt.MediaMimeType);
        Assert.Equal(1985112, evt.MediaSizeBytes);
        Assert.Equal("Contrato assinado.pdf", evt.MediaFileName);
        Assert.Equal("https://mmg.whatsapp.net/v/t62.7119-24/doc.enc", evt.MediaUrl);
        Assert.Equal("messages.upsert/documentMessage", evt.Shape);
    }

    [Fact]
    public void Upsert_LocationWithNameAndAddress_TextIsBoth()
    {
        var evt = Upsert("""{ "locationMessage": { "degreesLatitude": -15.7997, "degreesLongitude": -47.8645, "name": "Congresso Nacional", "address": "Praça dos Três Poderes, Brasília" } }""");

        Assert.Equal(ContentTypes.Location, evt.ContentType);
        Assert.Equal("Congresso Nacional\nPraça dos Três Poderes, Brasília", evt.Text);
        Assert.Null(evt.MediaUrl);
    }

    [Fact]
    public void Upsert_LiveLocation_LocationWithCaption()
    {
        var evt = Upsert("""{ "liveLocationMessage": { "degreesLatitude": -23.55, "degreesLongitude": -46.63, "caption": "on my way", "sequenceNumber": "1" } }""");

        Assert.Equal(ContentTypes.Location, evt.ContentType);
        Assert.Equal("on my way", evt.Text);
        Assert.Equal("messages.upsert/liveLocationMessage", evt.Shape);
    }

    [Fact]
    public void Upsert_ContactsArray_ContactWithDisplayName()
    {
        var evt = Upsert("""
            {
              "contactsArrayMessage": {
                "displayName": "2 contacts",
                "contacts": [
                  { "displayName": "Ana", "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD" },
                  { "displayName": "Bruno", "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:Bruno\nEND:VCARD" }
                ]
              }
            }
            """);

        Assert.Equal(ContentTypes.Contact, evt.ContentType);
        Assert.Equal("2 contacts", evt.Text);
        Assert.Equal("messages.upsert/contactsArrayMessage", evt.Shape);
    }

    [Fact]
    public void Upsert_ContactsArrayWithoutDisplayName_TextListsNames()
    {
        var evt = Upsert("""{ "contactsArrayMessage": { "contacts": [ { "displayName": "Ana" }, { "displayName": "Bruno" } ] } }""");

        Assert.Equal("Ana, Bruno", evt.Text);
    }

    [Theory]
    [InlineData("pollCreationMessage")]
    [InlineData("pollCreationMessageV2")]
    [InlineData("pollCreationMessageV3")]
    public void Upsert_PollCreation_PollWithQuestionAsText(string type)
    {
        var evt = Upsert($$"""
            {
              "messageContextInfo": { "messageSecret": "c2VjcmV0" },
              "{{type}}": { "name": "Lunch?", "options": [ { "optionName": "Pizza" }, { "optionName": "Sushi" } ], "selectableOptionsCount": 1 }
            }
            """);

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Poll, evt.ContentType);
        Assert.Equal("Lunch?", evt.Text);
        Assert.Equal($"messages.upsert/{type}", evt.Shape);
    }

    [Fact]
    public void Upsert_UnknownMessageType_UnknownEventKeepingAddress()
    {
        var evt = Upsert("""{ "newsletterAdminInviteMessage": { "newsletterJid": "1@newsletter" } }""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("messages.upsert/newsletterAdminInviteMessage", evt.Shape);
        Assert.Equal("3EB0AAAA0000000000000001", evt.ProviderEventId);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.ConversationId);
    }

    [Fact]
    public void Upsert_ButtonReply_TextIsSelectedButton()
    {
        var evt = Upsert("""{ "buttonsResponseMessage": { "selectedButtonId": "yes", "selectedDisplayText": "Sim" } }""");

        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("Sim", evt.Text);
    }

    [Fact]
    public void Upsert_GroupLidParticipantWithAlt_SenderIsPhoneJid()
    {
        var evt = Single("messages.upsert", """
            {
              "key": {
                "remoteJid": "120363000000000009@g.us",
                "fromMe": false,
                "id": "3A0000000000000000B1",
                "participant": "100000000000009@lid",
                "participantAlt": "5511977776666@s.whatsapp.net",
                "addressingMode": "lid"
              },
              "pushName": "Carla",
              "message": { "conversation": "oi grupo" },
              "messageType": "conversation",
              "messageTimestamp": 1750963191
            }
            """);

        Assert.Equal("120363000000000009@g.us", evt.ConversationId);
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
        Assert.Equal("Carla", evt.SenderName);
        Assert.True(evt.IsGroup);
        Assert.Equal("100000000000009@lid", evt.ProviderMetadata!.Value.GetProperty("key").GetProperty("participant").GetString());
    }

    [Fact]
    public void Upsert_GroupLidParticipantWithoutAlt_SenderIsTheLid()
    {
        var evt = Single("messages.upsert", Message("""{ "conversation": "x" }""", remoteJid: "120363000000000009@g.us", participant: "100000000000009@lid"));

        Assert.Equal("100000000000009@lid", evt.SenderHandle);
    }

    [Fact]
    public void Upsert_OneToOneLidChatWithRemoteJidAlt_ConversationKeepsLidSenderIsPhone()
    {
        var evt = Single("messages.upsert", """
            {
              "key": { "remoteJid": "100000000000009@lid", "remoteJidAlt": "5511977776666@s.whatsapp.net", "fromMe": false, "id": "3EB0LID000000000000001" },
              "pushName": "Carla",
              "message": { "conversation": "oi" },
              "messageTimestamp": 1750963191
            }
            """);

        Assert.Equal("100000000000009@lid", evt.ConversationId);
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
        Assert.False(evt.IsGroup);
    }

    [Fact]
    public void Upsert_ParticipantWithDeviceSuffix_DeviceDropped()
    {
        var evt = Single("messages.upsert", Message("""{ "conversation": "x" }""", remoteJid: "120363000000000009@g.us", participant: "5511977776666:12@s.whatsapp.net"));

        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
    }

    [Fact]
    public void Upsert_FromMe_SenderIsEnvelopeSenderAndNoName()
    {
        var evt = Single(Envelope("messages.upsert", Message("""{ "conversation": "sent from my phone" }""", fromMe: true, pushName: "Maria")));

        Assert.True(evt.FromMe);
        Assert.Equal(OwnerJid, evt.SenderHandle);
        Assert.Null(evt.SenderName);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.ConversationId);
    }

    [Fact]
    public void Upsert_FromMeWithoutEnvelopeSender_SenderNullNotTheInstanceName()
    {
        var data = Message("""{ "conversation": "x" }""", fromMe: true).Replace("\"source\"", "\"owner\": \"tigo1\", \"source\"", StringComparison.Ordinal);

        var evt = Single(Envelope("messages.upsert", data, sender: null));

        Assert.True(evt.FromMe);
        Assert.Null(evt.SenderHandle);
    }

    [Fact]
    public void SendMessage_ApiEcho_FromMeMessage()
    {
        var evt = Single(Envelope("send.message", Message("""{ "conversation": "sent by the API" }""", id: "3EB0SENT0000000000000A", fromMe: true)));

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.True(evt.FromMe);
        Assert.Equal(OwnerJid, evt.SenderHandle);
        Assert.Equal("send.message", evt.ProviderEventType);
        Assert.Equal("send.message/conversation", evt.Shape);
        // Same message id and kind as a messages.upsert of the same message: one event after dedup.
        Assert.Equal(ExpectedEventId("3EB0SENT0000000000000A", EventKinds.Message), evt.EventId);
    }

    [Fact]
    public void Upsert_TimestampAsLongObject_ReadAsSeconds()
    {
        var data = Message("""{ "conversation": "x" }""").Replace("\"messageTimestamp\": 1750963191", "\"messageTimestamp\": { \"low\": 1750963191, \"high\": 0, \"unsigned\": false }", StringComparison.Ordinal);

        var evt = Single("messages.upsert", data);

        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 39, 51, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void Upsert_TimestampAsString_ReadAsSeconds()
    {
        var data = Message("""{ "conversation": "x" }""").Replace("\"messageTimestamp\": 1750963191", "\"messageTimestamp\": \"1750963191\"", StringComparison.Ordinal);

        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 39, 51, TimeSpan.Zero), Single("messages.upsert", data).OccurredAt);
    }

    [Fact]
    public void Upsert_NoMessageTimestamp_OccurredAtNullNotEnvelopeDateTime()
    {
        var evt = Single("messages.upsert", """{ "key": { "remoteJid": "5511988887777@s.whatsapp.net", "fromMe": false, "id": "X1" }, "message": { "conversation": "x" } }""");

        Assert.Null(evt.OccurredAt);
    }

    [Fact]
    public void Upsert_V1NestedContextInfo_ReplyAndForwardRead()
    {
        var evt = Upsert("""
            {
              "extendedTextMessage": {
                "text": "answer",
                "contextInfo": {
                  "stanzaId": "3EB0QUOTED000000000001",
                  "participant": "5511999990000@s.whatsapp.net",
                  "quotedMessage": { "conversation": "question" },
                  "isForwarded": true,
                  "forwardingScore": 1
                }
              }
            }
            """);

        Assert.Equal("3EB0QUOTED000000000001", evt.ReplyToMessageId);
        Assert.True(evt.IsForwarded);
    }

    [Fact]
    public void Upsert_V2HoistedContextInfo_ReplyAndForwardRead()
    {
        var data = Message("""{ "conversation": "answer" }""").Replace(
            "\"messageType\"",
            "\"contextInfo\": { \"stanzaId\": \"3EB0QUOTED000000000002\", \"forwardingScore\": 4, \"quotedMessage\": { \"conversation\": \"q\" } }, \"messageType\"",
            StringComparison.Ordinal);

        var evt = Single("messages.upsert", data);

        Assert.Equal("3EB0QUOTED000000000002", evt.ReplyToMessageId);
        Assert.True(evt.IsForwarded);
    }

    [Fact]
    public void Upsert_MessageMissing_UnknownEventWithMessageTypeShape()
    {
        var evt = Single("messages.upsert", """{ "key": { "remoteJid": "5511988887777@s.whatsapp.net", "fromMe": false, "id": "STUB1" }, "messageType": "messageStubType", "messageTimestamp": 1750963191 }""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("STUB1", evt.ProviderEventId);
        Assert.Equal("messages.upsert/messageStubType", evt.Shape);
    }
}
