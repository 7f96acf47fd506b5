using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Normalization.Slack;
using static Omni.Engine.Tests.Normalization.SlackTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The Slack rules the fixtures do not all show: ids and retries, edits, threads, from_me, files, membership, unknown shapes.</summary>
public class SlackNormalizerTests
{
    private const string Message = """{"type":"message","channel":"C0CHANNEL1","user":"U0ANA","text":"hi <@U0BOB> and <@W0CAROL|carol>","ts":"1767225600.000100","channel_type":"channel","event_ts":"1767225600.000100"}""";

    [Fact]
    public void Normalize_RetryWithTheSameEventId_SameEvent_AndTheAppMentionOfTheSameMessageToo()
    {
        var first = Single(Callback(Message, "Ev01"));
        var retry = Single(Callback(Message, "Ev01"));
        var mention = Single(Callback(Message.Replace("\"type\":\"message\"", "\"type\":\"app_mention\"", StringComparison.Ordinal), "Ev02"));

        Assert.Equal("C0CHANNEL1:1767225600.000100", first.ProviderEventId);
        Assert.Equal(first.EventId, retry.EventId);
        Assert.Equal(first.EventId, mention.EventId);
        Assert.Equal("1767225600.000100", first.ProviderMessageId);
        Assert.Equal(["U0BOB", "W0CAROL"], Metadata(first, "mention_user_ids").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void Normalize_NonMessageEvents_KeyedByEventId()
    {
        var reaction = """{"type":"reaction_added","user":"U0ANA","reaction":"tada","item":{"type":"message","channel":"D0DM","ts":"1767225600.000100"},"event_ts":"1767225601.000200"}""";

        var first = Single(Callback(reaction, "Ev10"));
        var other = Single(Callback(reaction, "Ev11"));

        Assert.Equal("Ev10", first.ProviderEventId);
        Assert.NotEqual(first.EventId, other.EventId);
        Assert.Equal(":tada:", first.ReactionEmoji);
        Assert.False(first.IsGroup);
    }

    [Fact]
    public void Normalize_RealEdit_MessageEditWithTheNewTextAndTargetTs()
    {
        var e = Single(Callback("""
            {"type":"message","subtype":"message_changed","channel":"C0CHANNEL1","hidden":true,"ts":"1767225700.000300","event_ts":"1767225700.000300","channel_type":"channel",
             "message":{"type":"message","user":"U0ANA","text":"hello (fixed)","ts":"1767225600.000100","edited":{"user":"U0ANA","ts":"1767225699.000000"}},
             "previous_message":{"type":"message","user":"U0ANA","text":"helo","ts":"1767225600.000100"}}
            """, "Ev20"));

        Assert.Equal(EventKinds.MessageEdit, e.EventKind);
        Assert.Equal("hello (fixed)", e.Text);
        Assert.Equal("1767225600.000100", e.TargetMessageId);
        Assert.Equal("U0ANA", e.SenderHandle);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225699), e.OccurredAt);
        Assert.Equal("Ev20", e.ProviderEventId);
    }

    [Fact]
    public void Normalize_ThreadReply_RepliesToTheRoot_RootItselfIsNoReply()
    {
        var reply = Single(Callback(Message.Replace("\"ts\":", "\"thread_ts\":\"1767220000.000001\",\"ts\":", StringComparison.Ordinal)));
        var root = Single(Callback(Message.Replace("\"ts\":", "\"thread_ts\":\"1767225600.000100\",\"ts\":", StringComparison.Ordinal)));

        Assert.Equal("1767220000.000001", reply.ReplyToMessageId);
        Assert.Equal("1767220000.000001", Metadata(reply, "thread_ts").GetString());
        Assert.Null(root.ReplyToMessageId);
    }

    [Fact]
    public void Normalize_FromMe_OurAppOrOurBotUser_ConfiguredOrAuthorized()
    {
        var byApp = Single(Callback("""{"type":"message","subtype":"bot_message","bot_id":"B01","app_id":"A0442TUPHGR","text":"done","ts":"1.000001","channel":"C1","channel_type":"channel"}"""));
        var byAuthorizedBot = Single(Callback("""{"type":"message","user":"U0442US8QGH","text":"x","ts":"1.000002","channel":"C1","channel_type":"channel"}"""));
        var otherBot = Single(Callback("""{"type":"message","subtype":"bot_message","bot_id":"B02","app_id":"A0OTHER","text":"x","ts":"1.000003","channel":"C1","channel_type":"channel"}"""));
        var configured = new SlackNormalizer(_ => "U0ANA").Normalize(Payload(System.Text.Encoding.UTF8.GetBytes(Callback(Message)))).Events[0];

        Assert.True(byApp.FromMe);
        Assert.Equal("B01", byApp.SenderHandle);
        Assert.True(byAuthorizedBot.FromMe);
        Assert.False(otherBot.FromMe);
        Assert.True(configured.FromMe);
        Assert.False(Single(Callback(Message)).FromMe);
    }

    [Theory]
    [InlineData("image/png", "image")]
    [InlineData("audio/webm", "audio")]
    [InlineData("video/mp4", "video")]
    [InlineData("application/pdf", "document")]
    public void Normalize_FileShare_ContentTypeFromTheFirstFile(string mime, string contentType)
    {
        var e = Single(Callback($$"""{"type":"message","subtype":"file_share","user":"U0ANA","text":"","ts":"1.000001","channel":"D0DM","channel_type":"im","files":[{"id":"F1","name":"f","mimetype":"{{mime}}","size":10,"url_private":"https://files.slack.com/files-pri/T1-F1/f"}]}"""));

        Assert.Equal(contentType, e.ContentType);
        Assert.Null(e.Text);
        Assert.Equal(["F1"], Metadata(e, "file_ids").EnumerateArray().Select(v => v.GetString()));
        Assert.False(e.IsGroup);
    }

    [Fact]
    public void Normalize_ChannelJoinSubtypeAndMemberLeft_GroupEvents()
    {
        var join = Single(Callback("""{"type":"message","subtype":"channel_join","user":"U0NEW","text":"<@U0NEW> has joined the channel","inviter":"U0ANA","ts":"1.000001","channel":"C1","channel_type":"channel"}"""));
        var left = Single(Callback("""{"type":"member_left_channel","user":"U0OLD","channel":"G1","channel_type":"G","team":"T1"}"""));

        Assert.Equal(EventKinds.Group, join.EventKind);
        Assert.Equal("add", join.Status);
        Assert.Equal(["U0NEW"], join.Participants);
        Assert.Equal("U0ANA", join.SenderHandle);
        Assert.Equal("remove", left.Status);
        Assert.Equal(["U0OLD"], left.Participants);
        Assert.True(left.IsGroup);
    }

    [Fact]
    public void Normalize_UnmappedSubtypeAndEventType_UnknownWithShape()
    {
        var topic = Single(Callback("""{"type":"message","subtype":"channel_topic","user":"U0ANA","topic":"x","ts":"1.000001","channel":"C1"}"""));
        var pin = Single(Callback("""{"type":"pin_added","user":"U0ANA","channel_id":"C1","event_ts":"1.000002"}""", "Ev30"));
        var rateLimited = Single("""{"token":"t","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}""");

        Assert.Equal((EventKinds.Unknown, "message/channel_topic"), (topic.EventKind, topic.Shape));
        Assert.Equal((EventKinds.Unknown, "pin_added"), (pin.EventKind, pin.Shape));
        Assert.Equal((EventKinds.Unknown, "app_rate_limited"), (rateLimited.EventKind, rateLimited.Shape));
        Assert.StartsWith("sha256:", rateLimited.ProviderEventId, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_SenderIsAnInstanceScopedHandle()
    {
        var claims = EventIdentityRules.For(Single(Callback(Message)));

        Assert.Equal(new HandleKey(Channels.Slack, "U0ANA", Instance), claims.Sender);
    }

    [Theory]
    [InlineData("", "body is empty")]
    [InlineData("{\"type\":", "not valid JSON")]
    [InlineData("\"x\"", "JSON string at the top level")]
    public void Normalize_Unreadable_Quarantined(string body, string reason)
    {
        var result = Normalize(body);

        Assert.True(result.IsQuarantined);
        Assert.Contains(reason, result.QuarantineReason, StringComparison.Ordinal);
    }
}
