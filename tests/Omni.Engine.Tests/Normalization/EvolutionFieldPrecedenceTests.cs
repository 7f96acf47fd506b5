using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.Evolution;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// The receipt vocabulary, the sender and chat read from a message key, and which field wins when an Evolution message
/// event carries several (the target's own key over the outer one, messageTimestamp over the action's ms time, key.id over keyId).
/// </summary>
public class EvolutionFieldPrecedenceTests
{
    private const string Chat = "5511988887777@s.whatsapp.net";
    private const string Original = "3EB0ORIGINAL0000000001";

    [Theory]
    [InlineData("\"ERROR\"", ReceiptStatus.Error)]
    [InlineData("0", ReceiptStatus.Error)]
    [InlineData("\"0\"", ReceiptStatus.Error)]
    [InlineData("\"PENDING\"", ReceiptStatus.Pending)]
    [InlineData("1", ReceiptStatus.Pending)]
    [InlineData("\"SERVER_ACK\"", ReceiptStatus.ServerAck)]
    [InlineData("2", ReceiptStatus.ServerAck)]
    [InlineData("\"DELIVERY_ACK\"", ReceiptStatus.Delivered)]
    [InlineData("\"delivered\"", ReceiptStatus.Delivered)]
    [InlineData("3", ReceiptStatus.Delivered)]
    [InlineData("\"READ\"", ReceiptStatus.Read)]
    [InlineData("4", ReceiptStatus.Read)]
    [InlineData("\"PLAYED\"", ReceiptStatus.Played)]
    [InlineData("5", ReceiptStatus.Played)]
    [InlineData("6", "6")]
    [InlineData("\" Seen \"", "seen")]
    [InlineData("\"\"", null)]
    [InlineData("\"deleted\"", null)]
    [InlineData("true", null)]
    public void Canonical_EveryNameAndNumberMapsToItsStatus_UnknownPassLowercased(string json, string? expected)
    {
        Assert.Equal(expected, ReceiptStatus.Canonical(JsonDocument.Parse(json).RootElement.Clone()));
    }

    [Fact]
    public void Canonical_NoStatus_Null()
    {
        Assert.Null(ReceiptStatus.Canonical(null));
    }

    [Fact]
    public void Upsert_WithoutKey_NoChatNoSender_NotFromMe_NotGroup()
    {
        var evt = Single("messages.upsert", """{ "pushName": "Maria", "message": { "conversation": "hi" }, "messageTimestamp": 1750963191 }""");

        Assert.Null(evt.ConversationId);
        Assert.Null(evt.SenderHandle);
        Assert.False(evt.FromMe);
        Assert.False(evt.IsGroup);
        Assert.False(evt.IsViewOnce);
    }

    [Fact]
    public void Broadcast_SenderIsTheParticipant_NotTheBroadcastList()
    {
        var evt = Single("messages.upsert", Message("""{ "conversation": "status" }""", remoteJid: "status@broadcast", participant: "5511977776666@s.whatsapp.net"));

        Assert.Equal("status@broadcast", evt.ConversationId);
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
        Assert.False(evt.IsGroup);
    }

    [Theory]
    [InlineData("participantAlt")]
    [InlineData("participantPn")]
    [InlineData("senderPn")]
    public void Group_LidParticipant_ThePhoneAlternateIsTheSender(string alternate)
    {
        var evt = Single("messages.upsert", $$"""
            { "key": { "remoteJid": "120363000000000009@g.us", "fromMe": false, "id": "3EB0G1", "participant": "123456789012345@lid", "{{alternate}}": "5511977776666@s.whatsapp.net" },
              "message": { "conversation": "hi" }, "messageTimestamp": 1750963191 }
            """);

        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
        Assert.True(evt.IsGroup);
    }

    [Theory]
    [InlineData("remoteJidAlt")]
    [InlineData("senderPn")]
    public void Direct_LidChat_ThePhoneAlternateIsTheSender_TheChatStaysTheLid(string alternate)
    {
        var evt = Single("messages.upsert", $$"""
            { "key": { "remoteJid": "123456789012345@lid", "fromMe": false, "id": "3EB0D1", "{{alternate}}": "5511977776666@s.whatsapp.net" },
              "message": { "conversation": "hi" }, "messageTimestamp": 1750963191 }
            """);

        Assert.Equal("123456789012345@lid", evt.ConversationId);
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
    }

    [Fact]
    public void UpsertRevoke_TargetIsTheProtocolKeysId_NotTheOuterMessageId()
    {
        var evt = Single("messages.upsert", Message($$"""{ "protocolMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" }, "type": "REVOKE" } }""", id: "3EB0OUTER"));

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal(Original, evt.TargetMessageId);
    }

    [Fact]
    public void UpsertRevoke_WithoutATargetId_TheOuterMessageIdIsTheTarget()
    {
        var evt = Single("messages.upsert", Message($$"""{ "protocolMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": false }, "type": "REVOKE" } }""", id: "3EB0OUTER"));

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal("3EB0OUTER", evt.TargetMessageId);
    }

    [Fact]
    public void UpsertReaction_MessageTimestampWinsOverTheReactionsMs_TheMsWhenAlone()
    {
        var reaction = $$"""{ "reactionMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "{{Original}}" }, "text": "👍", "senderTimestampMs": "1750963195123" } }""";
        var both = Single("messages.upsert", Message(reaction, timestamp: 1750963191));
        var msOnly = Single("messages.upsert", $$"""{ "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "3EB0R2" }, "message": {{reaction}} }""");

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1750963191), both.OccurredAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1750963195123), msOnly.OccurredAt);
    }

    [Fact]
    public void MessagesEdited_AWholeWAMessage_ReadAsAnUpsert()
    {
        var evt = Single("messages.edited", Message("""{ "conversation": "plain" }""", id: "3EB0WHOLE"));

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal("3EB0WHOLE", evt.ProviderMessageId);
        Assert.Equal("plain", evt.Text);
        Assert.Equal("Maria", evt.SenderName);
    }

    [Fact]
    public void MessagesEdited_NestedProtocolMessage_ReadFromTheNestedObject()
    {
        var evt = Single("messages.edited", $$"""
            { "protocolMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" }, "type": "MESSAGE_EDIT",
              "editedMessage": { "conversation": "nested edit" }, "timestampMs": "1750963300000" } }
            """);

        Assert.Equal(EventKinds.MessageEdit, evt.EventKind);
        Assert.Equal("nested edit", evt.Text);
        Assert.Equal(Original, evt.TargetMessageId);
        Assert.Equal(Chat, evt.SenderHandle);
    }

    [Fact]
    public void MessagesDelete_KeyIdWinsOverKeyId_KeyIdWhenAlone()
    {
        var both = Single("messages.delete", $$"""{ "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}", "keyId": "3EB0OTHER", "status": "DELETED" }""");
        var keyIdOnly = Single("messages.delete", $$"""{ "remoteJid": "{{Chat}}", "fromMe": false, "keyId": "3EB0OTHER", "status": "DELETED" }""");

        Assert.Equal(Original, both.TargetMessageId);
        Assert.Equal("3EB0OTHER", keyIdOnly.TargetMessageId);
    }

    [Fact]
    public void KeyWithoutRemoteJid_ReadAsADirectChat_TheSenderFromTheChatsAlternate_NotTheParticipant()
    {
        var evt = Single("messages.upsert", """
            { "key": { "fromMe": false, "id": "3EB0NOJID", "participant": "5511977776666@s.whatsapp.net", "remoteJidAlt": "5511955554444@s.whatsapp.net" },
              "message": { "conversation": "hi" }, "messageTimestamp": 1750963191 }
            """);

        Assert.Null(evt.ConversationId);
        Assert.Equal("5511955554444@s.whatsapp.net", evt.SenderHandle);
        Assert.False(evt.IsGroup);
    }
}
