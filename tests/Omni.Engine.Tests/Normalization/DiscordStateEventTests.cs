using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Typing, presence, members, threads, the gateway session and what has no mapping of its own.</summary>
public class DiscordStateEventTests
{
    [Fact]
    public void TypingStart_Fixture_IsPresenceComposing()
    {
        var evt = SingleFixture("typing-start.json");

        Assert.Equal(EventKinds.Presence, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("composing", evt.Status);
        Assert.Equal("562045950537891842", evt.ConversationId);
        Assert.Equal("123456789012345678", evt.SenderHandle);
        Assert.Equal("assadf", evt.SenderName);
        Assert.True(evt.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1582395522), evt.OccurredAt);
        Assert.Equal("562045950537891842:123456789012345678:typing:1582395522", evt.ProviderEventId);
    }

    [Fact]
    public void PresenceUpdate_Idle_IsPresenceWithDiscordsStatus()
    {
        var evt = Dispatch("PRESENCE_UPDATE",
            """{ "user": { "id": "1400000000000000001" }, "guild_id": "1200000000000000001", "status": "idle", "activities": [], "client_status": { "desktop": "idle" } }""");

        Assert.Equal(EventKinds.Presence, evt.EventKind);
        Assert.Equal("idle", evt.Status);
        Assert.Equal("1400000000000000001", evt.SenderHandle);
    }

    [Fact]
    public void GuildMemberAdd_IsGroupAddOfTheMember_KeyedByTheJoin()
    {
        var evt = Dispatch("GUILD_MEMBER_ADD",
            """
            { "guild_id": "1200000000000000001", "user": { "id": "1400000000000000009", "username": "newbie", "global_name": "New Bie" },
              "nick": null, "roles": [], "joined_at": "2026-01-02T03:04:05.123456+00:00", "deaf": false, "mute": false, "flags": 0 }
            """);

        Assert.Equal(EventKinds.Group, evt.EventKind);
        Assert.Equal("add", evt.Status);
        Assert.Equal("1200000000000000001", evt.ConversationId);
        Assert.Equal(["1400000000000000009"], evt.Participants);
        Assert.Equal("1400000000000000009", evt.SenderHandle);
        Assert.Equal("New Bie", evt.SenderName);
        Assert.True(evt.IsGroup);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal("1200000000000000001:member_add:1400000000000000009:2026-01-02T03:04:05.123456Z", evt.ProviderEventId);
    }

    [Fact]
    public void GuildMemberRemove_MemberLeft_IsGroupRemoveOfTheMember()
    {
        var evt = Dispatch("GUILD_MEMBER_REMOVE", """{ "guild_id": "1200000000000000001", "user": { "id": "1400000000000000009", "username": "newbie" } }""");

        Assert.Equal(EventKinds.Group, evt.EventKind);
        Assert.Equal("remove", evt.Status);
        Assert.Equal(["1400000000000000009"], evt.Participants);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
    }

    [Fact]
    public void GuildMemberUpdate_IsGroupUpdate_EachNewStateAnEvent()
    {
        const string member = """{ "guild_id": "1200000000000000001", "user": { "id": "1400000000000000009" }, "roles": ["1"], "nick": "A" }""";
        var first = Dispatch("GUILD_MEMBER_UPDATE", member);
        var renamed = Dispatch("GUILD_MEMBER_UPDATE", member.Replace("\"A\"", "\"B\"", StringComparison.Ordinal));

        Assert.Equal("update", first.Status);
        Assert.NotEqual(first.EventId, renamed.EventId);
    }

    [Fact]
    public void ThreadCreate_NewThread_IsGroupEventOfTheThreadByItsOwner()
    {
        var evt = Dispatch("THREAD_CREATE",
            """
            { "id": "1800000000000000001", "guild_id": "1200000000000000001", "parent_id": "1100000000000000001", "owner_id": "1400000000000000001",
              "type": 11, "name": "Release planning", "newly_created": true,
              "thread_metadata": { "archived": false, "auto_archive_duration": 1440, "locked": false, "create_timestamp": "2026-01-02T03:04:05.000000+00:00" } }
            """);

        Assert.Equal(EventKinds.Group, evt.EventKind);
        Assert.Equal("thread_create", evt.Status);
        Assert.Equal("1800000000000000001", evt.ConversationId);
        Assert.Equal("1400000000000000001", evt.SenderHandle);
        Assert.Equal("1800000000000000001:thread_create", evt.ProviderEventId);
        Assert.Equal("1100000000000000001", Metadata(evt, "thread_parent_id").GetString());
        Assert.Equal("Release planning", Metadata(evt, "name").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void ThreadUpdateAndDelete_OfAThread_AreGroupEventsOfTheThread()
    {
        var update = Dispatch("THREAD_UPDATE", """{ "id": "1800000000000000001", "guild_id": "1", "parent_id": "2", "type": 11, "name": "Renamed" }""");
        var delete = Dispatch("THREAD_DELETE", """{ "id": "1800000000000000001", "guild_id": "1", "parent_id": "2", "type": 11 }""");

        Assert.Equal("thread_update", update.Status);
        Assert.Equal("thread_delete", delete.Status);
        Assert.Equal("1800000000000000001:thread_delete", delete.ProviderEventId);
        Assert.All(new[] { update, delete }, e =>
        {
            Assert.Equal(EventKinds.Group, e.EventKind);
            Assert.Equal("1800000000000000001", e.ConversationId);
        });
    }

    [Fact]
    public void ThreadMembersUpdate_AddedAndRemoved_OneGroupEventPerMember()
    {
        var events = NormalizeAll(Frame("THREAD_MEMBERS_UPDATE",
            """
            { "id": "1800000000000000001", "guild_id": "1200000000000000001", "member_count": 3,
              "added_members": [ { "id": "1800000000000000001", "user_id": "1400000000000000002", "join_timestamp": "2026-01-02T03:04:05.000000+00:00", "flags": 0 } ],
              "removed_member_ids": ["1400000000000000003"] }
            """));

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(EventKinds.Group, e.EventKind));
        Assert.Equal(("add", "1400000000000000002"), (events[0].Status, Assert.Single(events[0].Participants!)));
        Assert.Equal(("remove", "1400000000000000003"), (events[1].Status, Assert.Single(events[1].Participants!)));
        Assert.Equal("1800000000000000001:member_add:1400000000000000002:2026-01-02T03:04:05.000000Z", events[0].ProviderEventId);
        Assert.All(events, e => Assert.Equal("1800000000000000001", e.ConversationId));
    }

    [Fact]
    public void Ready_Fixture_IsConnectionReadyOncePerSession()
    {
        var evt = SingleFixture("ready.json");

        Assert.Equal(EventKinds.Connection, evt.EventKind);
        Assert.Equal("ready", evt.Status);
        Assert.Equal("12345:ready", evt.ProviderEventId);
        Assert.Equal("80351110224678912", Metadata(evt, "user").GetProperty("id").GetString());
    }

    [Fact]
    public void Resumed_Fixture_IsConnectionResumed_TwoResumesAreTwoEvents()
    {
        var evt = SingleFixture("resumed.json");
        var later = Single(Frame("RESUMED", "{}", sequence: 5000));

        Assert.Equal(EventKinds.Connection, evt.EventKind);
        Assert.Equal("resumed", evt.Status);
        Assert.NotEqual(evt.EventId, later.EventId);
    }

    [Theory]
    [InlineData("""{"op":7,"d":null}""", EventKinds.Connection, "reconnect", "RECONNECT")]
    [InlineData("""{"op":9,"d":false}""", EventKinds.Connection, "invalid_session", "INVALID_SESSION")]
    [InlineData("""{"op":10,"d":{"heartbeat_interval":41250}}""", EventKinds.Connection, "hello", "HELLO")]
    [InlineData("""{"op":11}""", EventKinds.Unknown, null, "HEARTBEAT_ACK")]
    [InlineData("""{"op":99,"d":{}}""", EventKinds.Unknown, null, "OP_99")]
    public void ControlFrame_NotADispatch_IsConnectionOrUnknown(string frame, string kind, string? status, string eventType)
    {
        var evt = Single(frame);

        Assert.Equal(kind, evt.EventKind);
        Assert.Equal(status, evt.Status);
        Assert.Equal(eventType, evt.ProviderEventType);
    }

    [Fact]
    public void UnknownDispatch_EnvelopeFixture_IsKeptAsUnknown()
    {
        var evt = SingleFixture("gateway-dispatch-envelope.json");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("GATEWAY_EVENT_NAME", evt.ProviderEventType);
        Assert.Equal("GATEWAY_EVENT_NAME", evt.Shape);
        Assert.Equal(42, Metadata(evt, "gateway_sequence").GetInt64());
    }

    [Fact]
    public void UnknownDispatch_WithChannelAndUser_KeepsThem()
    {
        var evt = Dispatch("MESSAGE_POLL_VOTE_ADD", """{ "user_id": "1", "channel_id": "2", "message_id": "3", "guild_id": "4", "answer_id": 1 }""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("2", evt.ConversationId);
        Assert.Equal("1", evt.SenderHandle);
        Assert.True(evt.IsGroup);
        Assert.Equal(1, Metadata(evt, "answer_id").GetInt32());
    }

    [Fact]
    public void Dispatch_DataNotAnObject_IsUnknownKeepingTheFrame()
    {
        var evt = Single("""{"op":0,"t":"MESSAGE_CREATE","s":3,"d":null}""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("MESSAGE_CREATE", evt.ProviderEventType);
        Assert.Equal("MESSAGE_CREATE", Metadata(evt, "t").GetString());
    }

    [Fact]
    public void Dispatch_WithoutEventName_IsUnknown()
    {
        var evt = Single("""{"op":0,"s":3,"d":{"id":"1"}}""");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Null(evt.ProviderEventType);
    }

    [Fact]
    public void Dispatch_LowerCaseEventName_IsRead()
    {
        var evt = Single(Frame("message_delete", """{ "id": "12", "channel_id": "5" }"""));

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal("MESSAGE_DELETE", evt.ProviderEventType);
    }

    [Fact]
    public void WebhookEvent_EntitlementFixture_IsUnknownAtTheEventsTime()
    {
        var evt = SingleFixture("webhook-event-entitlement-create.json");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("ENTITLEMENT_CREATE", evt.ProviderEventType);
        Assert.Equal("111178765189277770", evt.SenderHandle);
        Assert.Equal(new DateTimeOffset(2024, 10, 18, 18, 41, 21, 109, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal("webhook_event", Metadata(evt, "delivery").GetString());
    }

    [Fact]
    public void WebhookEvent_Ping_IsConnectionPing()
    {
        var evt = Single("""{ "version": 1, "application_id": "1234560123453231555", "type": 0 }""");

        Assert.Equal(EventKinds.Connection, evt.EventKind);
        Assert.Equal("ping", evt.Status);
        Assert.Equal("WEBHOOK_PING", evt.ProviderEventType);
    }

    [Fact]
    public void WebhookEvent_SameDataAtAnotherTime_IsAnotherEvent()
    {
        const string body = """{ "version": 1, "application_id": "1", "type": 1, "event": { "type": "APPLICATION_AUTHORIZED", "timestamp": "TS", "data": { "integration_type": 1, "scopes": ["applications.commands"], "user": { "id": "7" } } } }""";
        var first = Single(body.Replace("TS", "2026-01-02T03:04:05.000001", StringComparison.Ordinal));
        var redelivered = Single(body.Replace("TS", "2026-01-02T03:04:05.000001", StringComparison.Ordinal));
        var later = Single(body.Replace("TS", "2026-02-02T03:04:05.000001", StringComparison.Ordinal));

        Assert.Equal(first.EventId, redelivered.EventId);
        Assert.NotEqual(first.EventId, later.EventId);
    }
}
