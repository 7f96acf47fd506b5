using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.SlackTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// Which Slack field wins when several carry the same fact (channel_type over the channel id, display name over real name,
/// deleted_ts over previous_message.ts, event_ts over ts...), pinned with payloads whose fields all differ.
/// </summary>
public class SlackFieldPrecedenceTests
{
    private static OmniEvent MessageIn(string channel, string? channelType)
    {
        var type = channelType is null ? "" : $",\"channel_type\":\"{channelType}\"";
        return Single(Callback($$"""{"type":"message","channel":"{{channel}}","user":"U0ANA","text":"hi","ts":"1767225600.000100"{{type}}}"""));
    }

    [Theory]
    [InlineData("C0PUBLIC", "im", false)]
    [InlineData("C0PUBLIC", "D", false)]
    [InlineData("D0DM", "channel", true)]
    [InlineData("D0DM", "group", true)]
    [InlineData("D0DM", "mpim", true)]
    [InlineData("D0DM", "C", true)]
    [InlineData("D0DM", "G", true)]
    [InlineData("G0PRIVATE", null, true)]
    [InlineData("C0PUBLIC", null, true)]
    [InlineData("D0DM", null, false)]
    [InlineData("D0DM", "app_home", false)]
    public void IsGroup_ChannelTypeWinsOverTheChannelId_TheIdOnlyWhenTheTypeSaysNothing(string channel, string? channelType, bool expected)
    {
        Assert.Equal(expected, MessageIn(channel, channelType).IsGroup);
    }

    [Theory]
    [InlineData("""{"display_name":"Ana D","real_name":"Ana Real"}""", """{"name":"botname"}""", "legacy", "Ana D")]
    [InlineData("""{"display_name":"","real_name":"Ana Real"}""", """{"name":"botname"}""", "legacy", "Ana Real")]
    [InlineData("""{"display_name":""}""", """{"name":"botname"}""", "legacy", "botname")]
    [InlineData("""{}""", """{}""", "legacy", "legacy")]
    public void SenderName_DisplayName_ThenRealName_ThenBotName_ThenUsername(string profile, string bot, string username, string expected)
    {
        var e = Single(Callback($$"""{"type":"message","channel":"C1","user":"U0ANA","text":"hi","ts":"1.000001","user_profile":{{profile}},"bot_profile":{{bot}},"username":"{{username}}"}"""));

        Assert.Equal(expected, e.SenderName);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("0.001", true)]
    [InlineData("253402300799.999", true)]
    [InlineData("253402300800", false)]
    public void Time_PositiveSecondsBeforeYear10000_ElseNoTime(string ts, bool hasTime)
    {
        var e = Single(Callback($$"""{"type":"message","channel":"C1","user":"U0ANA","text":"hi","ts":"{{ts}}"}"""));

        Assert.Equal(hasTime ? DateTimeOffset.FromUnixTimeMilliseconds((long)(decimal.Parse(ts, System.Globalization.CultureInfo.InvariantCulture) * 1000m)) : null, e.OccurredAt);
    }

    [Fact]
    public void Message_WithoutAChannel_KeyedByTheEventId_NotByAHalfKey()
    {
        var e = Single(Callback("""{"type":"message","user":"U0ANA","text":"hi","ts":"1.000001"}""", "Ev0NOCHAN"));

        Assert.Equal("Ev0NOCHAN", e.ProviderEventId);
        Assert.Equal("1.000001", e.ProviderMessageId);
    }

    [Fact]
    public void Metadata_CarriesTheEnvelopesEventIdTeamIdAndAppId_NeverTheToken()
    {
        var e = Single(Callback("""{"type":"message","channel":"C1","user":"U0ANA","text":"hi","ts":"1.000001"}""", "Ev0META"));

        Assert.Equal("Ev0META", Metadata(e, "event_id").GetString());
        Assert.Equal("T043DB835ML", Metadata(e, "team_id").GetString());
        Assert.Equal(AppId, Metadata(e, "api_app_id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, Metadata(e, "token").ValueKind);
    }

    [Fact]
    public void FromMe_OurAppNamedOnlyInTheBotProfile_IsOurs_AnotherAppIdOnTheMessageWinsOverIt()
    {
        var viaProfile = Single(Callback($$"""{"type":"message","subtype":"bot_message","bot_id":"B01","bot_profile":{"app_id":"{{AppId}}","name":"omni"},"text":"x","ts":"1.000001","channel":"C1"}"""));
        var otherOnMessage = Single(Callback($$"""{"type":"message","subtype":"bot_message","bot_id":"B01","app_id":"A0OTHER","bot_profile":{"app_id":"{{AppId}}"},"text":"x","ts":"1.000002","channel":"C1"}"""));

        Assert.True(viaProfile.FromMe);
        Assert.Equal("omni", viaProfile.SenderName);
        Assert.False(otherOnMessage.FromMe);
    }

    [Fact]
    public void File_DownloadUrlWinsOverThePrivateUrl_ThePrivateUrlWhenAlone_ShapeNamesTheFile()
    {
        var both = Single(Callback("""{"type":"message","channel":"C1","user":"U0ANA","ts":"1.000001","files":[{"id":"F1","mimetype":"image/png","name":"a.png","size":12,"url_private":"https://files/private","url_private_download":"https://files/download"}]}"""));
        var alone = Single(Callback("""{"type":"message","channel":"C1","user":"U0ANA","ts":"1.000002","files":[{"id":"F2","mimetype":"video/mp4","url_private":"https://files/private2"}]}"""));

        Assert.Equal("https://files/download", both.MediaUrl);
        Assert.Equal(ContentTypes.Image, both.ContentType);
        Assert.Equal("message/file", both.Shape);
        Assert.Null(both.Text);
        Assert.Equal("https://files/private2", alone.MediaUrl);
        Assert.Equal(ContentTypes.Video, alone.ContentType);
    }

    [Fact]
    public void EmptyFilesAndNonShareAttachments_PlainTextMessage_NotForwarded()
    {
        var e = Single(Callback("""{"type":"message","channel":"C1","user":"U0ANA","text":"own","ts":"1.000001","files":[],"attachments":[{"text":"unfurl","is_share":false},{"fallback":"x"}]}"""));

        Assert.Equal(ContentTypes.Text, e.ContentType);
        Assert.Equal("message/text", e.Shape);
        Assert.False(e.IsForwarded);
        Assert.Equal("own", e.Text);
        Assert.Null(e.MediaUrl);
    }

    [Theory]
    [InlineData("", "shared text")]
    [InlineData(null, "shared text")]
    [InlineData("my comment", "my comment")]
    public void Forward_TheSharedTextOnlyWhenTheMessageHasNoTextOfItsOwn(string? own, string expected)
    {
        var text = own is null ? "" : $",\"text\":\"{own}\"";
        var e = Single(Callback($$"""{"type":"message","channel":"C1","user":"U0ANA","ts":"1.000001"{{text}},"attachments":[{"text":"unfurl"},{"is_share":true,"text":"shared text"}]}"""));

        Assert.True(e.IsForwarded);
        Assert.Equal(expected, e.Text);
    }

    [Fact]
    public void AuthorIsBot_FlaggedForABotsMessage_AbsentForAPersons()
    {
        var bot = Single(Callback("""{"type":"message","subtype":"bot_message","bot_id":"B02","app_id":"A0OTHER","text":"x","ts":"1.000001","channel":"C1"}"""));
        var person = Single(Callback("""{"type":"message","channel":"C1","user":"U0ANA","text":"hi","ts":"1.000002"}"""));

        Assert.True(Metadata(bot, "author_is_bot").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, Metadata(person, "author_is_bot").ValueKind);
    }

    [Fact]
    public void Edit_TextChangedWithoutEditedMark_IsAnEdit_ByTheBot_AtEventTs_WithTheInnerThreadTs()
    {
        var e = Single(Callback("""
            {"type":"message","subtype":"message_changed","channel":"C1","channel_type":"im","ts":"1767225700.000300","event_ts":"1767225800.000000",
             "message":{"type":"message","bot_id":"B09","text":"new text","ts":"1767225600.000100","thread_ts":"1767225500.000001"},
             "previous_message":{"type":"message","bot_id":"B09","text":"old text","ts":"1767225600.000100"}}
            """, "Ev30"));

        Assert.Equal(EventKinds.MessageEdit, e.EventKind);
        Assert.Equal("message/message_changed", e.Shape);
        Assert.Equal("B09", e.SenderHandle);
        Assert.False(e.IsGroup);
        Assert.Equal("new text", e.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225800), e.OccurredAt);
        Assert.Equal("1767225500.000001", Metadata(e, "thread_ts").GetString());
        Assert.True(Metadata(e, "author_is_bot").GetBoolean());
    }

    [Fact]
    public void Edit_UserWinsOverBotId()
    {
        var e = Single(Callback("""
            {"type":"message","subtype":"message_changed","channel":"C1","ts":"1767225700.000300",
             "message":{"type":"message","user":"U0ANA","bot_id":"B09","text":"new","ts":"1767225600.000100","edited":{"ts":"1767225650.000000"}}}
            """));

        Assert.Equal("U0ANA", e.SenderHandle);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225650), e.OccurredAt);
    }

    [Fact]
    public void Edit_WithoutEditedTsOrEventTs_AtTheOuterTs()
    {
        var e = Single(Callback("""
            {"type":"message","subtype":"message_changed","channel":"C1","ts":"1767225700.000300",
             "message":{"type":"message","user":"U0ANA","text":"new","ts":"1767225600.000100"},"previous_message":{"text":"old","ts":"1767225600.000100"}}
            """));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225700000), e.OccurredAt);
    }

    [Theory]
    [InlineData(""","event_ts":"1767225800.000000" """, 1767225800L)]
    [InlineData("", 1767225700L)]
    public void NotAnEdit_SameText_Unknown_AtEventTsElseTs_WithTheChannelTypesGrouping(string eventTs, long expectedSeconds)
    {
        var e = Single(Callback($$$"""
            {"type":"message","subtype":"message_changed","channel":"D0DM","channel_type":"mpim","ts":"1767225700.000300"{{{eventTs}}},
             "message":{"type":"message","bot_id":"B09","text":"same","ts":"1767225600.000100"},"previous_message":{"text":"same","ts":"1767225600.000100"}}
            """));

        Assert.Equal(EventKinds.Unknown, e.EventKind);
        Assert.Equal("message/message_changed/not_an_edit", e.Shape);
        Assert.Equal("B09", e.SenderHandle);
        Assert.True(e.IsGroup);
        Assert.Equal("1767225600.000100", e.TargetMessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expectedSeconds), e.OccurredAt);
    }

    [Fact]
    public void Delete_DeletedTsWinsOverThePreviousMessage_EventTsOverTs()
    {
        var both = Single(Callback("""{"type":"message","subtype":"message_deleted","channel":"D0DM","channel_type":"group","deleted_ts":"1767225600.000100","ts":"1767225700.000300","event_ts":"1767225800.000000","previous_message":{"text":"x","ts":"1767225599.000009"}}"""));
        var previousOnly = Single(Callback("""{"type":"message","subtype":"message_deleted","channel":"C1","ts":"1767225700.000300","previous_message":{"text":"x","ts":"1767225599.000009"}}"""));

        Assert.Equal(EventKinds.MessageDelete, both.EventKind);
        Assert.Equal("1767225600.000100", both.TargetMessageId);
        Assert.True(both.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225800), both.OccurredAt);
        Assert.Equal("1767225599.000009", previousOnly.TargetMessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225700000), previousOnly.OccurredAt);
    }

    [Theory]
    [InlineData("channel_join", "add")]
    [InlineData("group_join", "add")]
    [InlineData("channel_leave", "remove")]
    [InlineData("group_leave", "remove")]
    public void MembershipMessage_EverySubtype_GroupEvent_InviterSends_MemberParticipates(string subtype, string status)
    {
        var e = Single(Callback($$"""{"type":"message","subtype":"{{subtype}}","channel":"D0DM","channel_type":"channel","user":"U0NEW","inviter":"U0BOSS","text":"<@U0NEW> has joined","ts":"1767225600.000100","event_ts":"1767225900.000000"}"""));

        Assert.Equal(EventKinds.Group, e.EventKind);
        Assert.Equal("message/" + subtype, e.Shape);
        Assert.Equal(status, e.Status);
        Assert.Equal("U0BOSS", e.SenderHandle);
        Assert.Equal(["U0NEW"], e.Participants);
        Assert.Equal("1767225600.000100", e.ProviderMessageId);
        Assert.Equal("D0DM", e.ConversationId);
        Assert.True(e.IsGroup);
        Assert.Equal("<@U0NEW> has joined", e.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600000), e.OccurredAt);
    }

    [Fact]
    public void MembershipMessage_WithoutInviterOrUser_TheMemberSends_NoParticipants()
    {
        var self = Single(Callback("""{"type":"message","subtype":"channel_join","channel":"C1","user":"U0NEW","ts":"1.000001"}"""));
        var nobody = Single(Callback("""{"type":"message","subtype":"channel_leave","channel":"C1","ts":"1.000002"}"""));

        Assert.Equal("U0NEW", self.SenderHandle);
        Assert.Null(nobody.Participants);
        Assert.Null(nobody.SenderHandle);
    }

    [Fact]
    public void MemberJoined_InviterSends_MemberParticipates_AtEventTs_ChannelTypeWins()
    {
        var e = Single(Callback("""{"type":"member_joined_channel","user":"U0NEW","channel":"C1","channel_type":"im","inviter":"U0BOSS","event_ts":"1767225900.000000"}"""));
        var noTs = Single(Callback("""{"type":"member_left_channel","user":"U0NEW","channel":"C1","channel_type":"C"}"""));
        var noUser = Single(Callback("""{"type":"member_left_channel","channel":"C1"}"""));

        Assert.Equal("U0BOSS", e.SenderHandle);
        Assert.Equal(["U0NEW"], e.Participants);
        Assert.Equal("add", e.Status);
        Assert.False(e.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225900), e.OccurredAt);
        Assert.Equal("remove", noTs.Status);
        Assert.Equal("U0NEW", noTs.SenderHandle);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), noTs.OccurredAt);
        Assert.Null(noUser.Participants);
    }

    [Fact]
    public void Reaction_Removed_EmptyEmoji_TheRemovedOneInMetadata_Added_NoRemovedEmoji()
    {
        var removed = Single(Callback("""{"type":"reaction_removed","user":"U0ANA","reaction":"tada","item":{"type":"message","channel":"D0DM","channel_type":"channel","ts":"1767225600.000100"},"event_ts":"1767225601.000200"}"""));
        var added = Single(Callback("""{"type":"reaction_added","user":"U0ANA","reaction":"tada","item":{"type":"file","file":"F0FILE","ts":""},"event_ts":"1767225601.000200"}"""));

        Assert.Equal("", removed.ReactionEmoji);
        Assert.Equal("removed", removed.Status);
        Assert.Equal(":tada:", Metadata(removed, "removed_emoji").GetString());
        Assert.True(removed.IsGroup);
        Assert.Equal("1767225600.000100", removed.TargetMessageId);
        Assert.Equal(":tada:", added.ReactionEmoji);
        Assert.Equal("added", added.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, Metadata(added, "removed_emoji").ValueKind);
        Assert.Equal("F0FILE", added.TargetMessageId);
    }

    [Fact]
    public void Reaction_TsWinsOverFile()
    {
        var e = Single(Callback("""{"type":"reaction_added","user":"U0ANA","reaction":"x","item":{"type":"message","channel":"C1","ts":"1.000001","file":"F0FILE"},"event_ts":"1.000002"}"""));

        Assert.Equal("1.000001", e.TargetMessageId);
    }

    [Fact]
    public void Unknown_OwnChannelWinsOverTheItemsChannel_EventTsOverTs()
    {
        var own = Single(Callback("""{"type":"pin_added","user":"U0ANA","channel":"D0OWN","channel_type":"group","item":{"channel":"C0ITEM"},"ts":"1767225700.000300","event_ts":"1767225800.000000"}"""));
        var itemOnly = Single(Callback("""{"type":"pin_added","user":"U0ANA","item":{"channel":"C0ITEM"},"ts":"1767225700.000300"}"""));

        Assert.Equal(EventKinds.Unknown, own.EventKind);
        Assert.Equal("D0OWN", own.ConversationId);
        Assert.Equal("U0ANA", own.SenderHandle);
        Assert.True(own.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225800), own.OccurredAt);
        Assert.Equal("C0ITEM", itemOnly.ConversationId);
        Assert.True(itemOnly.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225700000), itemOnly.OccurredAt);
    }

    [Fact]
    public void NonMessageWithoutEventId_KeyedByAHashOfTheEventTypeAndTheInnerEvent()
    {
        const string item = """{"type":"reaction_added","user":"U0ANA","reaction":"x","item":{"type":"message","channel":"C1","ts":"1.000001"},"event_ts":"1.000002"}""";

        var e = Single($$"""{"team_id":"T043DB835ML","api_app_id":"{{AppId}}","event":{{item}},"type":"event_callback"}""");

        Assert.Equal(EventKey.ContentHash("reaction_added\n" + item), e.ProviderEventId);
    }

    [Theory]
    [InlineData("file_share")]
    [InlineData("bot_message")]
    [InlineData("thread_broadcast")]
    [InlineData("me_message")]
    public void WrittenMessageSubtypes_AreMessages_ShapedBySubtype(string subtype)
    {
        var e = Single(Callback($$"""{"type":"message","subtype":"{{subtype}}","channel":"C1","user":"U0ANA","text":"hi","ts":"1.000001"}"""));

        Assert.Equal(EventKinds.Message, e.EventKind);
        Assert.Equal("message/" + subtype, e.Shape);
        Assert.Equal("hi", e.Text);
    }
}
