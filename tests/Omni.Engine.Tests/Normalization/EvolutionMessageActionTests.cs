using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Events that act on another message: reactions, edits, revokes/deletes, poll votes, receipts.</summary>
public class EvolutionMessageActionTests
{
    private const string Chat = "5511988887777@s.whatsapp.net";
    private const string Original = "3EB0ORIGINAL0000000001";

    [Fact]
    public void Upsert_Reaction_ReactionWithEmojiAndTarget()
    {
        var evt = Single("messages.upsert", Message(
            $$"""{ "reactionMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "{{Original}}" }, "text": "👍", "senderTimestampMs": "1750963190000" } }""",
            id: "3EB0REACTION0000000001"));

        Assert.Equal(EventKinds.Reaction, evt.EventKind);
        Assert.Equal(ContentTypes.Reaction, evt.ContentType);
        Assert.Equal("👍", evt.ReactionEmoji);
        Assert.Equal(Original, evt.TargetMessageId);
        Assert.Equal("3EB0REACTION0000000001", evt.ProviderEventId);
        Assert.Equal("3EB0REACTION0000000001", evt.ProviderMessageId);
        Assert.Equal(Chat, evt.SenderHandle);
        Assert.Equal("messages.upsert/reactionMessage", evt.Shape);
    }

    [Theory]
    [InlineData("\"text\": \"\",")]
    [InlineData("")]
    public void Upsert_ReactionRemoved_EmojiIsEmptyString(string textProperty)
    {
        var evt = Single("messages.upsert", Message(
            $$"""{ "reactionMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "{{Original}}" }, {{textProperty}} "senderTimestampMs": "1750963195000" } }""",
            id: "3EB0REACTION0000000002"));

        Assert.Equal(EventKinds.Reaction, evt.EventKind);
        Assert.Equal(string.Empty, evt.ReactionEmoji);
        Assert.Equal(Original, evt.TargetMessageId);
    }

    [Fact]
    public void MessagesEdited_EditProtocolMessage_EditWithNewTextAndTarget()
    {
        var evt = Single("messages.edited", $$"""
            {
              "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" },
              "type": "MESSAGE_EDIT",
              "editedMessage": { "conversation": "corrected text" },
              "timestampMs": "1750963300000"
            }
            """);

        Assert.Equal(EventKinds.MessageEdit, evt.EventKind);
        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("corrected text", evt.Text);
        Assert.Equal(Original, evt.TargetMessageId);
        Assert.Null(evt.ProviderMessageId);
        Assert.Equal(Chat, evt.ConversationId);
        Assert.Equal(Chat, evt.SenderHandle);
        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 41, 40, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal("messages.edited/protocolMessage", evt.Shape);
        Assert.Equal($"{Original}:edit:{EventKey.ContentHash("text\ncorrected text")}", evt.ProviderEventId);
    }

    [Fact]
    public void MessagesEdited_RevokeProtocolMessage_DeleteWithTarget()
    {
        var evt = Single("messages.edited", $$"""{ "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" }, "type": "REVOKE" }""");

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal(Original, evt.TargetMessageId);
        Assert.Equal($"{Original}:delete", evt.ProviderEventId);
        Assert.Null(evt.Text);
    }

    [Fact]
    public void Upsert_RevokeProtocolMessage_DeleteWithSameIdAsOtherRoutes()
    {
        var upsert = Single("messages.upsert", Message(
            $$"""{ "protocolMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" }, "type": "REVOKE" } }""",
            id: "3EB0REVOKE000000000001"));
        var edited = Single("messages.edited", $$"""{ "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" }, "type": 0 }""");
        var deleted = Single("messages.delete", $$"""{ "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}", "status": "DELETED" }""");

        Assert.Equal(EventKinds.MessageDelete, upsert.EventKind);
        Assert.Equal(Original, upsert.TargetMessageId);
        Assert.Equal("3EB0REVOKE000000000001", upsert.ProviderMessageId);
        Assert.Equal("messages.upsert/protocolMessage", upsert.Shape);
        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 39, 51, TimeSpan.Zero), upsert.OccurredAt);
        // One revoke, three routes, one event id.
        Assert.Equal(upsert.EventId, edited.EventId);
        Assert.Equal(upsert.EventId, deleted.EventId);
    }

    [Fact]
    public void Upsert_TypelessProtocolMessageWithKey_IsRevoke()
    {
        // REVOKE is enum value 0, which protobuf serializers may leave out.
        var evt = Single("messages.upsert", Message($$"""{ "protocolMessage": { "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "{{Original}}" } } }"""));

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal(Original, evt.TargetMessageId);
    }

    [Fact]
    public void Upsert_EditedMessageWrappingNumericEditProtocol_EditWithNewText()
    {
        var evt = Single("messages.upsert", Message($$"""
            {
              "editedMessage": {
                "message": {
                  "protocolMessage": {
                    "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" },
                    "type": 14,
                    "editedMessage": { "extendedTextMessage": { "text": "fixed typo" } },
                    "timestampMs": { "low": -1, "high": 407, "unsigned": false }
                  }
                }
              }
            }
            """, id: "3EB0EDIT00000000000001"));

        Assert.Equal(EventKinds.MessageEdit, evt.EventKind);
        Assert.Equal("fixed typo", evt.Text);
        Assert.Equal(Original, evt.TargetMessageId);
        Assert.Equal("3EB0EDIT00000000000001", evt.ProviderMessageId);
        Assert.Equal("messages.upsert/protocolMessage", evt.Shape);
    }

    [Fact]
    public void Update_EditedContent_SameEventAsMessagesEditedOfThatEdit()
    {
        // Baileys reports an edit as messages.update { message: { editedMessage: { message: newContent } } } too.
        var viaUpdate = Single("messages.update", $$"""
            {
              "keyId": "{{Original}}", "remoteJid": "{{Chat}}", "fromMe": false, "participant": "{{Chat}}", "status": "SERVER_ACK",
              "message": { "editedMessage": { "message": { "conversation": "corrected text" } } },
              "instanceId": "x"
            }
            """);
        var viaEdited = Single("messages.edited", $$"""
            { "key": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "{{Original}}" }, "type": "MESSAGE_EDIT", "editedMessage": { "conversation": "corrected text" }, "timestampMs": "1750963300000" }
            """);

        Assert.Equal(EventKinds.MessageEdit, viaUpdate.EventKind);
        Assert.Equal("corrected text", viaUpdate.Text);
        Assert.Equal(Original, viaUpdate.TargetMessageId);
        Assert.Equal(viaEdited.EventId, viaUpdate.EventId);
    }

    [Fact]
    public void MessagesEdited_TwoDifferentEdits_TwoEvents()
    {
        string Edit(string text) => Envelope("messages.edited",
            $$"""{ "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "{{Original}}" }, "type": "MESSAGE_EDIT", "editedMessage": { "conversation": "{{text}}" } }""");

        Assert.NotEqual(Single(Edit("v2")).EventId, Single(Edit("v3")).EventId);
    }

    [Fact]
    public void MessagesEdited_FromMeEdit_SenderIsOwner()
    {
        var evt = Single("messages.edited", $$"""{ "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "{{Original}}" }, "type": "MESSAGE_EDIT", "editedMessage": { "conversation": "x" } }""");

        Assert.True(evt.FromMe);
        Assert.Equal(OwnerJid, evt.SenderHandle);
    }

    [Fact]
    public void MessagesEdited_OtherProtocolMessage_Unknown()
    {
        var evt = Single("messages.edited", """{ "type": "EPHEMERAL_SETTING", "ephemeralExpiration": 86400 }""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
    }

    [Fact]
    public void MessagesDelete_KeyNestedUnderKey_DeleteWithTarget()
    {
        var evt = Single("messages.delete", $$"""{ "key": { "remoteJid": "120363000000000009@g.us", "fromMe": false, "id": "{{Original}}", "participant": "5511977776666@s.whatsapp.net" } }""");

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal(Original, evt.TargetMessageId);
        Assert.Equal("120363000000000009@g.us", evt.ConversationId);
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
        Assert.True(evt.IsGroup);
        Assert.Equal("messages.delete", evt.Shape);
    }

    [Fact]
    public void Update_DeliveredThenRead_TwoReceiptsWithCanonicalStatus()
    {
        string Receipt(string status) => Envelope("messages.update", $$"""
            { "keyId": "3EB0SENT0000000000000B", "remoteJid": "{{Chat}}", "fromMe": true, "participant": "{{Chat}}", "status": "{{status}}", "instanceId": "x", "messageId": "cm123" }
            """);

        var delivered = Single(Receipt("DELIVERY_ACK"));
        var read = Single(Receipt("READ"));

        Assert.Equal(EventKinds.Receipt, delivered.EventKind);
        Assert.Equal("delivered", delivered.Status);
        Assert.Equal("read", read.Status);
        Assert.Equal("3EB0SENT0000000000000B:delivered", delivered.ProviderEventId);
        Assert.Equal("3EB0SENT0000000000000B:read", read.ProviderEventId);
        Assert.NotEqual(delivered.EventId, read.EventId);
        Assert.Equal("3EB0SENT0000000000000B", delivered.TargetMessageId);
        Assert.Null(delivered.ProviderMessageId);
        Assert.Equal(Chat, delivered.SenderHandle);
        Assert.True(delivered.FromMe);
        Assert.Null(delivered.OccurredAt);
        Assert.Equal("messages.update", delivered.Shape);
    }

    [Theory]
    [InlineData("\"SERVER_ACK\"", "server_ack")]
    [InlineData("\"PLAYED\"", "played")]
    [InlineData("\"ERROR\"", "error")]
    [InlineData("3", "delivered")]
    [InlineData("4", "read")]
    public void Update_StatusValues_MappedToVocabulary(string statusJson, string expected)
    {
        var evt = Single("messages.update", $$"""{ "keyId": "K1", "remoteJid": "{{Chat}}", "fromMe": true, "status": {{statusJson}} }""");

        Assert.Equal(expected, evt.Status);
    }

    [Fact]
    public void Update_V1ShapeWithIdAndDatetime_ReceiptWithoutEvolutionClock()
    {
        var evt = Single("messages.update", $$"""
            { "remoteJid": "{{Chat}}", "fromMe": true, "id": "3EB0V1000000000000000C", "status": "READ", "datetime": 1705684500123, "owner": "instance_1" }
            """);

        Assert.Equal(EventKinds.Receipt, evt.EventKind);
        Assert.Equal("3EB0V1000000000000000C:read", evt.ProviderEventId);
        Assert.Null(evt.OccurredAt);
    }

    [Fact]
    public void Update_ReadOfIncomingMessage_ActorIsOwner()
    {
        var evt = Single("messages.update", $$"""{ "keyId": "K2", "remoteJid": "{{Chat}}", "fromMe": false, "status": "READ" }""");

        Assert.False(evt.FromMe);
        Assert.Equal(OwnerJid, evt.SenderHandle);
    }

    [Fact]
    public void Update_PollVotesWithDeletedStatus_PollVoteNotDelete()
    {
        var events = NormalizeAll(Envelope("messages.update", $$"""
            {
              "keyId": "3EB0POLL00000000000001",
              "remoteJid": "120363000000000009@g.us",
              "fromMe": true,
              "participant": "120363000000000009@g.us",
              "status": "DELETED",
              "pollUpdates": [
                { "name": "Pizza", "voters": [ "5511977776666@s.whatsapp.net", "5511955554444@s.whatsapp.net" ] },
                { "name": "Sushi", "voters": [ "5511977776666@s.whatsapp.net" ] },
                { "name": "Salad", "voters": [] }
              ],
              "instanceId": "x"
            }
            """));

        Assert.All(events, e => Assert.Equal(EventKinds.PollVote, e.EventKind));
        Assert.DoesNotContain(events, e => e.EventKind == EventKinds.MessageDelete);
        Assert.Equal(2, events.Count);
        var first = events.Single(e => e.SenderHandle == "5511977776666@s.whatsapp.net");
        var second = events.Single(e => e.SenderHandle == "5511955554444@s.whatsapp.net");
        Assert.Equal("Pizza, Sushi", first.Status);
        Assert.Equal("Pizza", second.Status);
        Assert.Equal(ContentTypes.Poll, first.ContentType);
        Assert.Equal("3EB0POLL00000000000001", first.TargetMessageId);
        Assert.Equal("120363000000000009@g.us", first.ConversationId);
        Assert.True(first.IsGroup);
        Assert.Equal($"3EB0POLL00000000000001:5511977776666@s.whatsapp.net:{EventKey.ContentHash("Pizza, Sushi")}", first.ProviderEventId);
    }

    [Fact]
    public void Update_PollTallyResentAfterAnotherVote_UnchangedVoterSameId()
    {
        string Tally(string voters) => Envelope("messages.update", $$"""
            { "keyId": "P1", "remoteJid": "{{Chat}}", "fromMe": true, "status": "DELETED", "pollUpdates": [ { "name": "Yes", "voters": [ {{voters}} ] } ] }
            """);

        var before = NormalizeAll(Tally("\"5511977776666@s.whatsapp.net\""));
        var after = NormalizeAll(Tally("\"5511977776666@s.whatsapp.net\", \"5511955554444@s.whatsapp.net\""));

        Assert.Equal(before[0].EventId, after.Single(e => e.SenderHandle == "5511977776666@s.whatsapp.net").EventId);
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public void Update_PollWithNoVotersLeft_OnePollVoteWithEmptySelection()
    {
        var evt = Single("messages.update", $$"""{ "keyId": "P2", "remoteJid": "{{Chat}}", "fromMe": true, "status": "SERVER_ACK", "pollUpdates": [ { "name": "Yes", "voters": [] } ] }""");

        Assert.Equal(EventKinds.PollVote, evt.EventKind);
        Assert.Equal(string.Empty, evt.Status);
        Assert.Null(evt.SenderHandle);
        Assert.Equal("P2", evt.TargetMessageId);
    }

    [Fact]
    public void Update_RawBaileysPollUpdate_VoteWithItsOwnIdAndTime()
    {
        var evt = Single("messages.update", $$"""
            {
              "key": { "remoteJid": "{{Chat}}", "fromMe": true, "id": "P3" },
              "update": {
                "pollUpdates": [
                  {
                    "pollUpdateMessageKey": { "remoteJid": "{{Chat}}", "fromMe": false, "id": "3EB0VOTE00000000000001" },
                    "vote": { "selectedOptions": [ "Yes" ] },
                    "senderTimestampMs": "1750963250000"
                  }
                ]
              }
            }
            """);

        Assert.Equal(EventKinds.PollVote, evt.EventKind);
        Assert.Equal("3EB0VOTE00000000000001", evt.ProviderEventId);
        Assert.Equal("P3", evt.TargetMessageId);
        Assert.Equal(Chat, evt.SenderHandle);
        Assert.Equal("Yes", evt.Status);
        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 40, 50, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void Update_DeletedStatusAndNothingElse_UnknownNotDelete()
    {
        var evt = Single("messages.update", $$"""{ "keyId": "K3", "remoteJid": "{{Chat}}", "fromMe": true, "status": "DELETED" }""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("K3", evt.TargetMessageId);
        Assert.Equal("messages.update", evt.Shape);
    }

    [Fact]
    public void Upsert_PollUpdateMessage_PollVoteWithSelectionAndTarget()
    {
        var evt = Single("messages.upsert", Message("""
            {
              "pollUpdateMessage": {
                "pollCreationMessageKey": { "remoteJid": "5511988887777@s.whatsapp.net", "fromMe": true, "id": "3EB0POLL00000000000001" },
                "vote": { "selectedOptions": [ "Pizza" ] },
                "senderTimestampMs": "1750963250000"
              }
            }
            """, id: "3EB0VOTE00000000000001"));

        Assert.Equal(EventKinds.PollVote, evt.EventKind);
        Assert.Equal(ContentTypes.Poll, evt.ContentType);
        Assert.Equal("3EB0VOTE00000000000001", evt.ProviderEventId);
        Assert.Equal("3EB0POLL00000000000001", evt.TargetMessageId);
        Assert.Equal("Pizza", evt.Status);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.SenderHandle);
    }

    [Fact]
    public void Upsert_EncryptedPollVote_SelectionUnknown()
    {
        var evt = Single("messages.upsert", Message("""
            { "pollUpdateMessage": { "pollCreationMessageKey": { "id": "P9" }, "vote": { "encPayload": "abc=", "encIv": "def=" } } }
            """));

        Assert.Equal(EventKinds.PollVote, evt.EventKind);
        Assert.Null(evt.Status);
        Assert.Equal("P9", evt.TargetMessageId);
    }
}
