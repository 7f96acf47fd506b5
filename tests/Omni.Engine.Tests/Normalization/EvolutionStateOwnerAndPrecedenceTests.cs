using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// "Sent by the owner" and field precedence (<c>a ?? b ?? c</c>) for every Evolution event that is not a message:
/// presence, contacts, groups, participants, calls, receipts and poll votes. Every fixture gives the competing fields
/// different values, so swapping an order or flipping a comparison changes the expected result.
/// </summary>
public class EvolutionStateOwnerAndPrecedenceTests
{
    private const string Other = "5511988887777@s.whatsapp.net";
    private const string Third = "5511955554444@s.whatsapp.net";
    private const string Group = "120363000000000009@g.us";

    public static TheoryData<string?, string, bool> Senders => new()
    {
        // envelope sender (the owner), the person the event names, expected from_me
        { OwnerJid, OwnerJid, true },
        { OwnerJid, Other, false },
        { null, Other, false },
    };

    [Theory]
    [MemberData(nameof(Senders))]
    public void Presence_FromMeOnlyWhenThePersonIsTheOwner(string? owner, string person, bool fromMe)
    {
        var evt = Single(Envelope("presence.update", $$"""{ "id": "{{Other}}", "presences": { "{{person}}": { "lastKnownPresence": " Available " } } }""", owner));

        Assert.Equal(fromMe, evt.FromMe);
        Assert.Equal(person, evt.SenderHandle);
        Assert.Equal("available", evt.Status);
        Assert.False(evt.IsGroup);
    }

    [Fact]
    public void Presence_WithoutPresencesAndWithoutOwner_NotFromMeNoSender()
    {
        var evt = Single(Envelope("presence.update", $$"""{ "id": "{{Group}}", "presences": {} }""", sender: null));

        Assert.False(evt.FromMe);
        Assert.Null(evt.SenderHandle);
        Assert.Null(evt.Status);
        Assert.True(evt.IsGroup);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.DoesNotContain(':', evt.ProviderEventId["sha256:".Length..]);
    }

    [Fact]
    public void Presence_ProviderEventIdIsTheContentIdAndThePerson()
    {
        var events = NormalizeAll(Envelope("presence.update", $$"""
            { "id": "{{Group}}", "presences": { "{{Other}}": { "lastKnownPresence": "composing" }, "{{Third}}": {} } }
            """));

        Assert.Equal(2, events.Count);
        Assert.EndsWith(":" + Other, events[0].ProviderEventId, StringComparison.Ordinal);
        Assert.EndsWith(":" + Third, events[1].ProviderEventId, StringComparison.Ordinal);
        Assert.Equal(events[0].ProviderEventId[..^Other.Length], events[1].ProviderEventId[..^Third.Length]);
        Assert.Null(events[1].Status);
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void Contact_FromMeOnlyWhenTheContactIsTheOwner(string? owner, string person, bool fromMe)
    {
        var evt = Single(Envelope("contacts.update", $$"""[{ "remoteJid": "{{person}}", "pushName": "X" }]""", owner));

        Assert.Equal(fromMe, evt.FromMe);
        Assert.Equal(person, evt.SenderHandle);
        Assert.Equal(person, evt.ConversationId);
    }

    [Fact]
    public void Contact_WithoutAddressAndWithoutOwner_NotFromMe()
    {
        var evt = Single(Envelope("contacts.update", """[{ "pushName": "Nobody" }]""", sender: null));

        Assert.False(evt.FromMe);
        Assert.Null(evt.SenderHandle);
        Assert.Equal("Nobody", evt.SenderName);
    }

    [Fact]
    public void Contact_AGroupThatIsTheEnvelopeSender_IsNeitherSenderNorFromMe()
    {
        var evt = Single(Envelope("contacts.update", $$"""[{ "remoteJid": "{{Group}}", "pushName": "Família" }]""", Group));

        Assert.False(evt.FromMe);
        Assert.True(evt.IsGroup);
        Assert.Null(evt.SenderHandle);
        Assert.Null(evt.SenderName);
        Assert.Equal(Group, evt.ConversationId);
    }

    [Fact]
    public void Contact_RemoteJidWinsOverId()
    {
        var evt = Single("contacts.upsert", $$"""[{ "id": "{{Third}}", "remoteJid": "{{Other}}", "pushName": "X" }]""");

        Assert.Equal(Other, evt.SenderHandle);
    }

    [Theory]
    [InlineData(", \"pushName\": \"push\", \"name\": \"name\", \"notify\": \"notify\", \"verifiedName\": \"verified\"", "push")]
    [InlineData(", \"pushName\": \" \", \"name\": \"name\", \"notify\": \"notify\", \"verifiedName\": \"verified\"", "name")]
    [InlineData(", \"notify\": \"notify\", \"verifiedName\": \"verified\"", "notify")]
    [InlineData(", \"verifiedName\": \"verified\"", "verified")]
    [InlineData("", null)]
    public void Contact_NamePrecedence_PushNameThenNameThenNotifyThenVerifiedName(string names, string? expected)
    {
        Assert.Equal(expected, Single("contacts.upsert", $$"""[{ "remoteJid": "{{Other}}"{{names}} }]""").SenderName);
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void GroupUpdate_FromMeOnlyWhenTheAuthorIsTheOwner(string? owner, string author, bool fromMe)
    {
        var evt = Single(Envelope("groups.update", $$"""[{ "id": "{{Group}}", "subject": "S", "author": "{{author}}" }]""", owner));

        Assert.Equal(fromMe, evt.FromMe);
        Assert.Equal(author, evt.SenderHandle);
    }

    [Fact]
    public void GroupUpdate_WithoutAuthorAndWithoutOwner_NotFromMe()
    {
        var evt = Single(Envelope("groups.update", $$"""[{ "id": "{{Group}}", "announce": true }]""", sender: null));

        Assert.False(evt.FromMe);
        Assert.Null(evt.SenderHandle);
        Assert.Equal("update", evt.Status);
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void Participants_FromMeOnlyWhenTheAuthorIsTheOwner(string? owner, string author, bool fromMe)
    {
        var evt = Single(Envelope("group-participants.update", $$"""
            { "id": "{{Group}}", "author": "{{author}}", "participants": [ "{{Third}}" ], "action": " PROMOTE " }
            """, owner));

        Assert.Equal(fromMe, evt.FromMe);
        Assert.Equal(author, evt.SenderHandle);
        Assert.Equal([Third], evt.Participants);
        Assert.Equal("promote", evt.Status);
    }

    [Fact]
    public void Participants_WithoutAuthor_TheParticipantIsTheSenderAndFromMeWhenOwner()
    {
        var evt = Single(Envelope("group-participants.update", $$"""{ "id": "{{Group}}", "participants": [ "{{OwnerJid}}" ], "action": "remove" }"""));

        Assert.Equal(OwnerJid, evt.SenderHandle);
        Assert.True(evt.FromMe);
    }

    [Fact]
    public void Participants_NoneAndNoAuthorAndNoOwner_OneEventNotFromMe()
    {
        var evt = Single(Envelope("group-participants.update", $$"""{ "id": "{{Group}}", "participants": [ 42, null ], "action": "add" }""", sender: null));

        Assert.False(evt.FromMe);
        Assert.Null(evt.SenderHandle);
        Assert.Null(evt.Participants);
        Assert.DoesNotContain(':', evt.ProviderEventId["sha256:".Length..]);
    }

    [Fact]
    public void Participants_ObjectIdWinsOverJid_AndDuplicatesAreOneEvent()
    {
        var events = NormalizeAll(Envelope("group-participants.update", $$"""
            { "id": "{{Group}}", "author": "{{Other}}", "participants": [ { "id": "{{Third}}", "jid": "{{OwnerJid}}" }, "{{Third}}", { "jid": "{{OwnerJid}}" } ], "action": "add" }
            """));

        Assert.Equal([[Third], [OwnerJid]], events.Select(e => e.Participants!.ToArray()));
        Assert.Equal([Other, Other], events.Select(e => e.SenderHandle));
        Assert.EndsWith(":" + Third, events[0].ProviderEventId, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void Call_FromMeOnlyWhenTheCallerIsTheOwner(string? owner, string caller, bool fromMe)
    {
        var evt = Single(Envelope("call", $$"""{ "chatId": "{{Third}}", "from": "{{caller}}", "id": "C1", "status": "Offer" }""", owner));

        Assert.Equal(fromMe, evt.FromMe);
        Assert.Equal(caller, evt.SenderHandle);
        Assert.Equal("C1:offer", evt.ProviderEventId);
    }

    [Theory]
    [InlineData($$"""{ "groupJid": "{{Group}}", "chatId": "{{Third}}", "from": "{{Other}}" }""", Group)]
    [InlineData($$"""{ "chatId": "{{Third}}", "from": "{{Other}}" }""", Third)]
    [InlineData($$"""{ "from": "{{Other}}" }""", Other)]
    public void Call_ConversationPrecedence_GroupJidThenChatIdThenFrom(string call, string expected)
    {
        var evt = Single("call", call);

        Assert.Equal(expected, evt.ConversationId);
        Assert.Equal(Other, evt.SenderHandle);
        Assert.Equal(expected == Group, evt.IsGroup);
    }

    [Fact]
    public void Call_IsGroupFlagWithoutGroupJid_IsGroup()
    {
        Assert.True(Single("call", $$"""{ "chatId": "{{Third}}", "from": "{{Other}}", "id": "C1", "isGroup": true }""").IsGroup);
    }

    [Fact]
    public void Call_WithoutIdAndStatus_ContentIdAndUnknownStatus()
    {
        Assert.StartsWith("sha256:", Single("call", $$"""{ "from": "{{Other}}", "status": "offer" }""").ProviderEventId, StringComparison.Ordinal);
        var noStatus = Single("call", $$"""{ "from": "{{Other}}", "id": "C1" }""");
        Assert.Equal("C1:unknown", noStatus.ProviderEventId);
        Assert.Null(noStatus.Status);
    }

    [Theory]
    [InlineData("\"2025-06-26T18:41:00Z\"")]
    [InlineData("1750963260")]
    [InlineData("{ \"low\": 1750963260, \"high\": 0, \"unsigned\": false }")]
    public void Call_DateAsTextSecondsOrLong_IsOccurredAt(string date)
    {
        var evt = Single("call", $$"""{ "from": "{{Other}}", "id": "C1", "date": {{date}} }""");

        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 41, 0, TimeSpan.Zero), evt.OccurredAt);
    }

    [Theory]
    [InlineData("\"not a date\"")]
    [InlineData("true")]
    public void Call_DateUnreadable_NoOccurredAt(string date)
    {
        Assert.Null(Single("call", $$"""{ "from": "{{Other}}", "id": "C1", "date": {{date}} }""").OccurredAt);
    }

    [Fact]
    public void Receipt_KeyIdWinsOverKeyId_AndTheIdNamesMessageAndStatus()
    {
        var evt = Single("messages.update", $$"""{ "keyId": "K1", "id": "V1", "remoteJid": "{{Other}}", "fromMe": true, "status": "READ" }""");

        Assert.Equal(EventKinds.Receipt, evt.EventKind);
        Assert.Equal("K1", evt.TargetMessageId);
        Assert.Equal("K1:read", evt.ProviderEventId);
    }

    [Theory]
    // fromMe, remoteJid, remoteJidAlt, expected sender of the receipt
    [InlineData(false, Other, null, OwnerJid)]
    [InlineData(true, Other, null, Other)]
    [InlineData(true, Group, null, null)]
    [InlineData(true, "100000000000009@lid", Third, Third)]
    public void Receipt_SenderIsWhoProducedIt(bool fromMe, string remoteJid, string? remoteJidAlt, string? expected)
    {
        var alt = remoteJidAlt is null ? string.Empty : $"\"remoteJidAlt\": \"{remoteJidAlt}\",";
        var evt = Single("messages.update", $$"""
            { "keyId": "K1", "remoteJid": "{{remoteJid}}", {{alt}} "fromMe": {{(fromMe ? "true" : "false")}}, "participant": "{{Third}}", "status": "DELIVERY_ACK" }
            """);

        Assert.Equal(expected, evt.SenderHandle);
        Assert.Equal(fromMe, evt.FromMe);
    }

    [Fact]
    public void Receipt_WithoutMessageId_ContentId()
    {
        var evt = Single("messages.update", $$"""{ "remoteJid": "{{Other}}", "fromMe": true, "status": "READ" }""");

        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.Null(evt.TargetMessageId);
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void AggregateVote_FromMeOnlyWhenTheVoterIsTheOwner(string? owner, string voter, bool fromMe)
    {
        var evt = Single(Envelope("messages.update", $$"""
            { "keyId": "POLL1", "remoteJid": "{{Group}}", "fromMe": false, "status": "DELETED", "pollUpdates": [ { "name": "Sim", "voters": [ "{{voter}}" ] } ] }
            """, owner));

        Assert.Equal(EventKinds.PollVote, evt.EventKind);
        Assert.Equal(fromMe, evt.FromMe);
        Assert.Equal(voter, evt.SenderHandle);
        Assert.Equal("POLL1", evt.TargetMessageId);
    }

    [Fact]
    public void AggregateVote_TallyInvertedPerVoterInOptionOrder_WithStableIds()
    {
        var body = Envelope("messages.update", $$"""
            {
              "keyId": "POLL1", "remoteJid": "{{Group}}", "fromMe": false, "status": "DELETED",
              "pollUpdates": [
                { "name": "Sim", "voters": [ "{{Other}}", 7, "{{Third}}" ] },
                { "name": "Não", "voters": [] },
                { "name": "Talvez", "voters": [ "5511988887777:3@s.whatsapp.net" ] },
                { "voters": [ "{{OwnerJid}}" ] }
              ]
            }
            """);
        var events = NormalizeAll(body);

        Assert.Equal([Other, Third], events.Select(e => e.SenderHandle));
        Assert.Equal(["Sim, Talvez", "Sim"], events.Select(e => e.Status));
        Assert.Equal("POLL1:" + Other + ":" + EventKey.ContentHash("Sim, Talvez"), events[0].ProviderEventId);
        Assert.Equal("POLL1:" + Third + ":" + EventKey.ContentHash("Sim"), events[1].ProviderEventId);
        Assert.All(events, e => Assert.True(e.IsGroup));
        Assert.All(events, e => Assert.Equal(Group, e.ConversationId));
    }

    [Fact]
    public void AggregateVote_WithoutPollId_IdStartsWithTheContentId()
    {
        var evt = Single("messages.update", $$"""{ "remoteJid": "{{Other}}", "pollUpdates": [ { "name": "Sim", "voters": [ "{{Other}}" ] } ] }""");

        Assert.Matches("^sha256:[^:]+:" + Other.Replace(".", "\\.", StringComparison.Ordinal) + ":sha256:", evt.ProviderEventId);
        Assert.Null(evt.TargetMessageId);
    }

    [Fact]
    public void PollVotes_AllWithdrawn_OneVoteWithEmptySelection()
    {
        var evt = Single("messages.update", $$"""{ "keyId": "POLL1", "remoteJid": "{{Other}}", "pollUpdates": [ { "name": "Sim", "voters": [] } ] }""");

        Assert.Equal(EventKinds.PollVote, evt.EventKind);
        Assert.Equal(string.Empty, evt.Status);
        Assert.Null(evt.SenderHandle);
        Assert.False(evt.FromMe);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, OwnerJid)]
    [InlineData(false, Other)]
    public void RawVote_VoterFromTheVoteKey_NotThePollKey(bool voteFromMe, string expected)
    {
        var evt = Single("messages.update", $$"""
            {
              "key": { "id": "POLL1", "remoteJid": "{{Other}}", "fromMe": {{(voteFromMe ? "false" : "true")}} },
              "update": { "pollUpdates": [ {
                "pollUpdateMessageKey": { "id": "VOTE1", "remoteJid": "{{Other}}", "fromMe": {{(voteFromMe ? "true" : "false")}} },
                "vote": { "selectedOptions": [ "Sim" ] }, "senderTimestampMs": 1750963260000
              } ] }
            }
            """);

        Assert.Equal(expected, evt.SenderHandle);
        Assert.Equal(voteFromMe, evt.FromMe);
        Assert.Equal("VOTE1", evt.ProviderEventId);
        Assert.Equal("POLL1", evt.TargetMessageId);
        Assert.Equal(new DateTimeOffset(2025, 6, 26, 18, 41, 0, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void RawVote_WithoutVoteId_ContentIdOfTheVote()
    {
        var evt = Single("messages.update", $$"""
            { "key": { "id": "POLL1", "remoteJid": "{{Other}}" }, "update": { "pollUpdates": [ { "pollUpdateMessageKey": { "remoteJid": "{{Other}}" } } ] } }
            """);

        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.Equal("POLL1", evt.TargetMessageId);
    }
}
