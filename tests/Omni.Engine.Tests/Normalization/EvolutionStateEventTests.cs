using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Presence, connection and QR, contacts, groups, calls.</summary>
public class EvolutionStateEventTests
{
    [Fact]
    public void Presence_OneToOneComposing_PresenceWithState()
    {
        var evt = Single("presence.update", """
            { "id": "5511988887777@s.whatsapp.net", "presences": { "5511988887777@s.whatsapp.net": { "lastKnownPresence": "composing" } } }
            """);

        Assert.Equal(EventKinds.Presence, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("composing", evt.Status);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.SenderHandle);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.ConversationId);
        Assert.False(evt.IsGroup);
        Assert.Null(evt.OccurredAt);
        Assert.Equal("presence.update", evt.Shape);
    }

    [Fact]
    public void Presence_GroupWithTwoPeople_OneEventEach()
    {
        var events = NormalizeAll(Envelope("presence.update", """
            {
              "id": "120363000000000009@g.us",
              "presences": {
                "100000000000009@lid": { "lastKnownPresence": "recording" },
                "5511955554444@s.whatsapp.net": { "lastKnownPresence": "paused" }
              }
            }
            """));

        Assert.Equal(2, events.Count);
        Assert.Equal(["recording", "paused"], events.Select(e => e.Status));
        Assert.Equal(["100000000000009@lid", "5511955554444@s.whatsapp.net"], events.Select(e => e.SenderHandle));
        Assert.All(events, e => Assert.True(e.IsGroup));
        Assert.NotEqual(events[0].ProviderEventId, events[1].ProviderEventId);
    }

    [Fact]
    public void Connection_V2Open_ConnectionWithState()
    {
        var evt = Single("connection.update", """
            { "instance": "evo", "wuid": "5511999990000@s.whatsapp.net", "profileName": "Omni", "profilePictureUrl": null, "state": "open", "statusReason": 200 }
            """);

        Assert.Equal(EventKinds.Connection, evt.EventKind);
        Assert.Equal("open", evt.Status);
        Assert.Null(evt.OccurredAt);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
    }

    [Fact]
    public void QrCode_Updated_ConnectionEventWithQrImageStripped()
    {
        var image = "data:image/png;base64," + new string('Q', 2000);
        var evt = Single("QRCODE_UPDATED", $$"""{ "qrcode": { "instance": "evo", "pairingCode": null, "code": "2@AbCdEf,GhIj==,KlMn==", "base64": "{{image}}" } }""");

        Assert.Equal(EventKinds.Connection, evt.EventKind);
        Assert.Equal("qrcode", evt.Status);
        Assert.Equal("qrcode.updated", evt.Shape);
        var qr = evt.ProviderMetadata!.Value.GetProperty("qrcode");
        Assert.Equal($"<stripped: {image.Length} chars>", qr.GetProperty("base64").GetString());
        Assert.Equal("2@AbCdEf,GhIj==,KlMn==", qr.GetProperty("code").GetString());
    }

    [Fact]
    public void Contacts_V1ShapeWithId_ContactWithName()
    {
        var evt = Single("contacts.upsert", """[{ "id": "5511922223333@s.whatsapp.net", "pushName": "", "name": "Dona Rosa", "profilePictureUrl": null, "owner": "instance_1" }]""");

        Assert.Equal(EventKinds.Contact, evt.EventKind);
        Assert.Equal(ContentTypes.Contact, evt.ContentType);
        Assert.Equal("5511922223333@s.whatsapp.net", evt.SenderHandle);
        Assert.Equal("Dona Rosa", evt.SenderName);
    }

    [Fact]
    public void GroupsUpsert_Metadata_GroupEvent()
    {
        var evt = Single("groups.upsert", """
            [{
              "id": "120363000000000009@g.us", "subject": "Família", "subjectOwner": "5511999990000@s.whatsapp.net",
              "subjectTime": 1750963000, "size": 2, "creation": 1750963000, "owner": "5511999990000@s.whatsapp.net",
              "desc": "", "restrict": false, "announce": false,
              "participants": [ { "id": "5511999990000@s.whatsapp.net", "admin": "superadmin" }, { "id": "5511977776666@s.whatsapp.net", "admin": null } ]
            }]
            """);

        Assert.Equal(EventKinds.Group, evt.EventKind);
        Assert.Equal("120363000000000009@g.us", evt.ConversationId);
        Assert.True(evt.IsGroup);
        Assert.Equal("upsert", evt.Status);
        Assert.Null(evt.SenderHandle);
        Assert.Equal("Família", evt.ProviderMetadata!.Value.GetProperty("subject").GetString());
    }

    [Fact]
    public void GroupsUpdate_SubjectChangeWithAuthor_GroupEventByAuthor()
    {
        var evt = Single("groups.update", """[{ "id": "120363000000000009@g.us", "subject": "Família 2", "author": "5511977776666@s.whatsapp.net" }]""");

        Assert.Equal(EventKinds.Group, evt.EventKind);
        Assert.Equal("update", evt.Status);
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
    }

    [Fact]
    public void GroupParticipants_AddTwo_OneGroupEventPerParticipant()
    {
        var events = NormalizeAll(Envelope("group-participants.update", """
            {
              "id": "120363000000000009@g.us",
              "author": "5511999990000@s.whatsapp.net",
              "participants": [ "5511977776666@s.whatsapp.net", "5511955554444@s.whatsapp.net" ],
              "action": "add"
            }
            """));

        Assert.Equal(2, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal(EventKinds.Group, e.EventKind);
            Assert.Equal("add", e.Status);
            Assert.Equal("120363000000000009@g.us", e.ConversationId);
            Assert.True(e.IsGroup);
            Assert.Equal("group-participants.update", e.ProviderEventType);
        });
        Assert.Equal(["5511977776666@s.whatsapp.net", "5511955554444@s.whatsapp.net"], events.Select(e => Assert.Single(e.Participants!)));
        Assert.NotEqual(events[0].EventId, events[1].EventId);
    }

    [Fact]
    public void Bug_GroupParticipantsSenderIsTheAffectedMemberNotTheAuthor()
    {
        var events = NormalizeAll(Envelope("group-participants.update", """
            {
              "id": "120363000000000009@g.us",
              "author": "5511933332222@s.whatsapp.net",
              "participants": [ "5511977776666@s.whatsapp.net", "5511955554444@s.whatsapp.net" ],
              "action": "promote"
            }
            """));

        // The admin who made the change is the sender of each event; the members it is about are listed apart.
        Assert.All(events, e => Assert.Equal("5511933332222@s.whatsapp.net", e.SenderHandle));
        Assert.All(events, e => Assert.False(e.FromMe));
        Assert.Equal([["5511977776666@s.whatsapp.net"], ["5511955554444@s.whatsapp.net"]], events.Select(e => e.Participants!.ToArray()));
    }

    [Fact]
    public void GroupParticipants_AuthorIsTheOwner_FromMe()
    {
        var evt = Single("group-participants.update", $$"""
            { "id": "120363000000000009@g.us", "author": "{{OwnerJid}}", "participants": [ "5511977776666@s.whatsapp.net" ], "action": "remove" }
            """);

        Assert.True(evt.FromMe);
        Assert.Equal(OwnerJid, evt.SenderHandle);
        Assert.Equal(["5511977776666@s.whatsapp.net"], evt.Participants);
    }

    [Fact]
    public void GroupParticipants_AuthorAsLidObjectWithPhone_PhoneIsTheSender()
    {
        var evt = Single("group-participants.update", """
            { "id": "120363000000000009@g.us", "author": { "id": "100000000000001@lid", "phoneNumber": "5511933332222@s.whatsapp.net" }, "participants": [ "5511977776666@s.whatsapp.net" ], "action": "add" }
            """);

        Assert.Equal("5511933332222@s.whatsapp.net", evt.SenderHandle);
    }

    [Fact]
    public void GroupParticipants_ObjectParticipantWithLidAndPhone_PhoneIsHandle()
    {
        var evt = Single("GROUP_PARTICIPANTS_UPDATE", """
            { "id": "120363000000000009@g.us", "participants": [ { "id": "100000000000009@lid", "phoneNumber": "5511977776666@s.whatsapp.net", "admin": null } ], "action": "remove" }
            """);

        Assert.Equal("group-participants.update", evt.ProviderEventType);
        Assert.Equal("remove", evt.Status);
        // No author: the member left on their own, so they are both the sender and the participant.
        Assert.Equal("5511977776666@s.whatsapp.net", evt.SenderHandle);
        Assert.Equal(["5511977776666@s.whatsapp.net"], evt.Participants);
    }

    [Fact]
    public void Call_Offer_CallEventWithStatusAndOwnTime()
    {
        var evt = Single("call", """
            { "chatId": "5511988887777@s.whatsapp.net", "from": "5511988887777@s.whatsapp.net", "id": "CALL0123456789ABCDEF", "date": "2025-06-26T18:41:00.000Z", "offline": false, "status": "offer", "isVideo": true, "isGroup": false }
            """);

        Assert.Equal(EventKinds.Call, evt.EventKind);
        Assert.Equal("offer", evt.Status);
        Assert.Equal("CALL0123456789ABCDEF:offer", evt.ProviderEventId);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.SenderHandle);
        Assert.Equal("5511988887777@s.whatsapp.net", evt.ConversationId);
        Assert.False(evt.IsGroup);
        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 41, 0, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal("call", evt.Shape);
    }

    [Fact]
    public void Call_OfferThenTimeout_TwoEvents()
    {
        string CallEvent(string status) => Envelope("call", $$"""{ "from": "5511988887777@s.whatsapp.net", "id": "CALL1", "status": "{{status}}" }""");

        Assert.NotEqual(Single(CallEvent("offer")).EventId, Single(CallEvent("timeout")).EventId);
    }
}
