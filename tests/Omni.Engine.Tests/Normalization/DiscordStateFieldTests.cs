using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// Discord state events field by field: which of two user fields wins, when an id is built from the event's own
/// fields (and when it falls back to the content), times at their bounds, and the snowflake and numeric-id readers.
/// </summary>
public class DiscordStateFieldTests
{
    private const string Channel = "1100000000000000001";
    private const string Guild = "1200000000000000001";
    private const string Thread = "1300000000000000005";

    private static string Typing(string fields) =>
        Frame("TYPING_START", "{\"channel_id\":\"" + Channel + "\",\"guild_id\":\"" + Guild + "\"," + fields + "}");

    [Fact]
    public void Typing_UserIdWinsOverTheMembersUser_IdFromChannelUserAndTime()
    {
        var both = Single(Typing("\"user_id\":\"1400000000000000001\",\"timestamp\":1767225600,\"member\":{\"user\":{\"id\":\"1400000000000000002\",\"global_name\":\"Maria\"}}"));
        var memberOnly = Single(Typing("\"timestamp\":1767225600,\"member\":{\"user\":{\"id\":\"1400000000000000002\",\"username\":\"maria_s\"}}"));

        Assert.Equal(("1400000000000000001", "Maria"), (both.SenderHandle, both.SenderName));
        Assert.Equal(Channel + ":1400000000000000001:typing:1767225600", both.ProviderEventId);
        Assert.Equal(("1400000000000000002", "maria_s"), (memberOnly.SenderHandle, memberOnly.SenderName));
        Assert.True(both.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), both.OccurredAt);
    }

    [Theory]
    [InlineData("{\"guild_id\":\"" + Guild + "\",\"timestamp\":1767225600,\"user_id\":\"1400000000000000001\"}")]
    [InlineData("{\"channel_id\":\"" + Channel + "\",\"timestamp\":1767225600}")]
    [InlineData("{\"channel_id\":\"" + Channel + "\",\"user_id\":\"1400000000000000001\"}")]
    public void Typing_WithoutChannelUserOrTime_IdIsAContentHash(string data)
    {
        var evt = Single(Frame("TYPING_START", data));

        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(-1L, null)]
    [InlineData(1L, 1L)]
    [InlineData(253_402_300_799L, 253_402_300_799L)]
    [InlineData(253_402_300_800L, null)]
    public void Typing_TimeOnlyForPositiveSecondsBeforeYear10000(long timestamp, long? expected)
    {
        var evt = Single(Typing("\"user_id\":\"1400000000000000001\",\"timestamp\":" + timestamp));

        Assert.Equal(expected is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null, evt.OccurredAt);
    }

    [Theory]
    [InlineData("1400000000000000001", "1400000000000000001")]
    [InlineData("0", "1400000000000000002")]
    [InlineData("-7", "1400000000000000002")]
    public void NumericSnowflake_OnlyAPositiveIntegerIsAnId(string userIdNumber, string sender)
    {
        var evt = Single(Typing("\"user_id\":" + userIdNumber + ",\"timestamp\":1767225600,\"member\":{\"user\":{\"id\":\"1400000000000000002\"}}"));

        Assert.Equal(sender, evt.SenderHandle);
    }

    [Fact]
    public void Presence_NameFromTheUser_GroupOnlyWithAGuild()
    {
        var inGuild = Dispatch("PRESENCE_UPDATE", "{\"user\":{\"id\":\"1400000000000000001\",\"global_name\":\"Maria\"},\"guild_id\":\"" + Guild + "\",\"status\":\"IDLE\"}");
        var noGuild = Dispatch("PRESENCE_UPDATE", "{\"user\":{\"id\":\"1400000000000000001\"},\"status\":\"online\"}");

        Assert.Equal(("1400000000000000001", "Maria", "idle"), (inGuild.SenderHandle, inGuild.SenderName, inGuild.Status));
        Assert.True(inGuild.IsGroup);
        Assert.False(noGuild.IsGroup);
    }

    [Fact]
    public void GuildMember_TheUserObjectWinsOverUserId_UserIdWhenThereIsNone()
    {
        var both = Dispatch("GUILD_MEMBER_REMOVE", "{\"guild_id\":\"" + Guild + "\",\"user\":{\"id\":\"1400000000000000001\"},\"user_id\":\"1400000000000000002\"}");
        var idOnly = Dispatch("GUILD_MEMBER_REMOVE", "{\"guild_id\":\"" + Guild + "\",\"user_id\":\"1400000000000000002\"}");
        var nobody = Dispatch("GUILD_MEMBER_REMOVE", "{\"guild_id\":\"" + Guild + "\"}");

        Assert.Equal("1400000000000000001", both.SenderHandle);
        Assert.Equal(["1400000000000000002"], idOnly.Participants);
        Assert.Null(nobody.Participants);
    }

    [Theory]
    [InlineData("GUILD_MEMBER_REMOVE", "remove")]
    [InlineData("GUILD_MEMBER_UPDATE", "update")]
    public void GuildMember_OnlyAJoinIsKeyedAndTimedByJoinedAt(string eventName, string status)
    {
        var evt = Dispatch(eventName, "{\"guild_id\":\"" + Guild + "\",\"user\":{\"id\":\"1400000000000000001\"},\"joined_at\":\"2026-01-02T03:04:05.000000+00:00\",\"roles\":[]}");

        Assert.Equal((status, (DateTimeOffset?)null), (evt.Status, evt.OccurredAt));
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.True(evt.IsGroup);
    }

    [Theory]
    [InlineData("{\"user\":{\"id\":\"1400000000000000001\"},\"joined_at\":\"2026-01-02T03:04:05.000000+00:00\"}")]
    [InlineData("{\"guild_id\":\"" + Guild + "\",\"joined_at\":\"2026-01-02T03:04:05.000000+00:00\"}")]
    [InlineData("{\"guild_id\":\"" + Guild + "\",\"user\":{\"id\":\"1400000000000000001\"}}")]
    public void GuildMemberAdd_WithoutGuildUserOrJoinedAt_IdIsAContentHash(string data)
    {
        var evt = Dispatch("GUILD_MEMBER_ADD", data);

        Assert.Equal("add", evt.Status);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreadUpdate_KeyedByContent_NoOwnerNoTime_ParentInMetadata()
    {
        var evt = Dispatch("THREAD_UPDATE",
            "{\"id\":\"" + Thread + "\",\"guild_id\":\"" + Guild + "\",\"parent_id\":\"" + Channel + "\",\"owner_id\":\"1400000000000000001\",\"name\":\"T\",\"type\":11," +
            "\"thread_metadata\":{\"archived\":false,\"create_timestamp\":\"2026-01-02T03:04:05.000000+00:00\"}}");

        Assert.Equal(("thread_update", Thread), (evt.Status, evt.ConversationId));
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.Null(evt.SenderHandle);
        Assert.Null(evt.OccurredAt);
        Assert.True(evt.IsGroup);
        Assert.Equal(Channel, Metadata(evt, "thread_parent_id").GetString());
        Assert.Equal(Thread, Metadata(evt, "thread_id").GetString());
    }

    [Fact]
    public void ThreadMembers_UserIdWinsOverTheMember_NameFromTheMembersUser_RemovedOnceEach()
    {
        var events = NormalizeAll(Frame("THREAD_MEMBERS_UPDATE",
            "{\"id\":\"" + Thread + "\",\"guild_id\":\"" + Guild + "\",\"member_count\":2," +
            "\"added_members\":[{\"user_id\":\"1400000000000000001\",\"join_timestamp\":\"2026-01-02T03:04:05.000000+00:00\",\"member\":{\"user\":{\"id\":\"1400000000000000002\",\"global_name\":\"Maria\"}}}," +
            "{\"member\":{\"user\":{\"id\":\"1400000000000000003\"}}},{\"id\":\"x\"}]," +
            "\"removed_member_ids\":[\"1400000000000000004\",\"1400000000000000004\"]}"));

        Assert.Equal(4, events.Count);
        Assert.Equal(("1400000000000000001", "Maria", "add"), (events[0].SenderHandle, events[0].SenderName, events[0].Status));
        Assert.Equal(Thread + ":member_add:1400000000000000001:2026-01-02T03:04:05.000000Z", events[0].ProviderEventId);
        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), events[0].OccurredAt);
        Assert.Equal("1400000000000000003", events[1].SenderHandle);
        Assert.EndsWith(":add:1400000000000000003", events[1].ProviderEventId, StringComparison.Ordinal);
        var contentId = events[1].ProviderEventId![..^":add:1400000000000000003".Length];
        Assert.StartsWith("sha256:", contentId, StringComparison.Ordinal);
        Assert.Equal((contentId + ":add:2", (string?)null), (events[2].ProviderEventId, events[2].SenderHandle));
        Assert.Null(events[2].Participants);
        Assert.Equal((contentId + ":remove:1400000000000000004", "remove"), (events[3].ProviderEventId, events[3].Status));
        Assert.Equal(["1400000000000000004"], events[3].Participants);
        Assert.All(events, e => Assert.True(e.IsGroup));
        Assert.All(events, e => Assert.Equal(Thread, Metadata(e, "thread_id").GetString()));
    }

    [Fact]
    public void ThreadMembers_NothingAddedOrRemoved_OneUpdateKeyedByContent()
    {
        var evt = Single(Frame("THREAD_MEMBERS_UPDATE", "{\"id\":\"" + Thread + "\",\"guild_id\":\"" + Guild + "\",\"member_count\":2}"));

        Assert.Equal(("update", Thread), (evt.Status, evt.ConversationId));
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.DoesNotContain(":", evt.ProviderEventId![7..], StringComparison.Ordinal);
        Assert.Null(evt.Participants);
    }

    [Fact]
    public void Resumed_TwoResumesAtOtherSequences_AreTwoEvents()
    {
        var first = Single(Frame("RESUMED", "{}", sequence: 10));
        var second = Single(Frame("RESUMED", "{}", sequence: 11));

        Assert.NotEqual(first.ProviderEventId, second.ProviderEventId);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("4194303")]
    [InlineData("abc")]
    public void MessageWithoutTimestamp_AnIdBeforeTheSnowflakeClockGivesNoTime(string id)
    {
        var evt = Dispatch("MESSAGE_CREATE", "{\"id\":\"" + id + "\",\"type\":0,\"channel_id\":\"1\",\"content\":\"x\",\"author\":{\"id\":\"2\"}}");

        Assert.Null(evt.OccurredAt);
    }

    [Fact]
    public void MessageWithoutTimestamp_TheFirstSnowflakeMillisecond()
    {
        var evt = Dispatch("MESSAGE_CREATE", "{\"id\":\"4194304\",\"type\":0,\"channel_id\":\"1\",\"content\":\"x\",\"author\":{\"id\":\"2\"}}");

        Assert.Equal(new DateTimeOffset(2015, 1, 1, 0, 0, 0, 1, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void Ready_WithoutSessionId_IsKeyedByContentNotBySequence()
    {
        var first = Single(Frame("READY", "{\"v\":10,\"user\":{\"id\":\"900000000000000001\"}}", sequence: 1));
        var again = Single(Frame("READY", "{\"v\":10,\"user\":{\"id\":\"900000000000000001\"}}", sequence: 2));

        Assert.Equal(first.ProviderEventId, again.ProviderEventId);
    }

    [Fact]
    public void ThreadMembers_WithoutThreadId_AddIsKeyedByContent()
    {
        var evt = Single(Frame("THREAD_MEMBERS_UPDATE",
            "{\"guild_id\":\"" + Guild + "\",\"added_members\":[{\"user_id\":\"1400000000000000001\",\"join_timestamp\":\"2026-01-02T03:04:05.000000+00:00\"}]}"));

        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.EndsWith(":add:1400000000000000001", evt.ProviderEventId, StringComparison.Ordinal);
    }
}
