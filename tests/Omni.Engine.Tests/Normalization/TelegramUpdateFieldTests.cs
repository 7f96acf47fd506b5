using System.Text;
using Omni.Engine.Events;
using Omni.Engine.Normalization.Telegram;
using static Omni.Engine.Tests.Normalization.TelegramTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// The non-message updates field by field: which of two senders wins, every member transition, poll states, times at
/// their bounds, and the update selection of the envelope. Payloads carry distinct values per field so a swapped or
/// dropped field shows.
/// </summary>
public class TelegramUpdateFieldTests
{
    private const string Supergroup = "{\"id\":-1002000000001,\"type\":\"supergroup\",\"title\":\"Team\"}";

    [Fact]
    public void Reaction_UserWinsOverActorChat_NameAndChatTypeFromTheirOwnFields()
    {
        var e = Single(Update("message_reaction",
            "{\"chat\":" + Supergroup + ",\"message_id\":9,\"user\":{\"id\":21,\"first_name\":\"Ana\",\"last_name\":\"Lima\"}," +
            "\"actor_chat\":{\"id\":-1003000000003,\"type\":\"channel\",\"title\":\"News\"},\"date\":1767225600," +
            "\"old_reaction\":[],\"new_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"}]}"));

        Assert.Equal(("21", "Ana Lima"), (e.SenderHandle, e.SenderName));
        Assert.Equal(("-1002000000001", "9"), (e.ConversationId, e.TargetMessageId));
        Assert.Equal(("👍", "added"), (e.ReactionEmoji, e.Status));
        Assert.True(e.IsGroup);
        Assert.Equal("supergroup", Metadata(e, "chat_type").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), e.OccurredAt);
    }

    [Fact]
    public void Reaction_ByAnAnonymousChat_SenderIsTheChatAndItsTitle()
    {
        var e = Single(Update("message_reaction",
            "{\"chat\":" + Supergroup + ",\"message_id\":9,\"actor_chat\":{\"id\":-1003000000003,\"type\":\"channel\",\"title\":\"News\",\"first_name\":\"Nobody\"}," +
            "\"date\":1767225600,\"old_reaction\":[],\"new_reaction\":[{\"type\":\"paid\"}]}"));

        Assert.Equal(("-1003000000003", "News"), (e.SenderHandle, e.SenderName));
        Assert.Equal("paid", e.ReactionEmoji);
        Assert.False(e.FromMe);
    }

    [Fact]
    public void Reaction_OneOfTwoRemoved_EmojiIsTheFirstStillThere_StatusChanged()
    {
        var e = Single(Update("message_reaction",
            "{\"chat\":{\"id\":1,\"type\":\"private\"},\"message_id\":9,\"user\":{\"id\":1,\"username\":\"ana\"},\"date\":1767225600," +
            "\"old_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"},{\"type\":\"emoji\",\"emoji\":\"❤\"}],\"new_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"}]}"));

        Assert.Equal(("👍", "changed"), (e.ReactionEmoji, e.Status));
        Assert.Equal("@ana", e.SenderName);
        Assert.False(e.IsGroup);
    }

    [Fact]
    public void ReactionCount_ChatTypeConversationAndTarget()
    {
        var e = Single(Update("message_reaction_count",
            "{\"chat\":{\"id\":-1003000000003,\"type\":\"channel\",\"title\":\"News\"},\"message_id\":77,\"date\":1767225600," +
            "\"reactions\":[{\"type\":{\"type\":\"emoji\",\"emoji\":\"🔥\"},\"total_count\":3}]}"));

        Assert.Equal(("-1003000000003", "77", "counts"), (e.ConversationId, e.TargetMessageId, e.Status));
        Assert.Equal("channel", Metadata(e, "chat_type").GetString());
        Assert.Equal("🔥:3", Metadata(e, "reaction_counts").GetString());
        Assert.Equal("message_reaction_count/counts", e.Shape);
        Assert.False(e.IsGroup);
    }

    [Theory]
    [InlineData("\"data\":\"btn:yes\",\"game_short_name\":\"snake\"", "btn:yes")]
    [InlineData("\"game_short_name\":\"snake\"", "snake")]
    public void CallbackQuery_ButtonData_ElseTheGame_FromTheUserOnTheButtonsMessage(string fields, string text)
    {
        var e = Single(Update("callback_query",
            "{\"id\":\"cb1\",\"from\":{\"id\":21,\"first_name\":\"Ana\"},\"chat_instance\":\"x\"," + fields +
            ",\"message\":{\"message_id\":55,\"date\":1767225600,\"chat\":" + Supergroup + ",\"text\":\"Pick\"}}"));

        Assert.Equal((EventKinds.Message, ContentTypes.Command, text), (e.EventKind, e.ContentType, e.Text));
        Assert.Equal(("21", "Ana", "-1002000000001", "55"), (e.SenderHandle, e.SenderName, e.ConversationId, e.TargetMessageId));
        Assert.True(e.IsGroup);
        Assert.Equal("supergroup", Metadata(e, "chat_type").GetString());
    }

    [Theory]
    [InlineData("left", "member", "add")]
    [InlineData("kicked", "administrator", "add")]
    [InlineData("member", "left", "remove")]
    [InlineData("creator", "kicked", "remove")]
    [InlineData("member", "administrator", "promote")]
    [InlineData("member", "creator", "promote")]
    [InlineData("administrator", "member", "demote")]
    [InlineData("creator", "member", "demote")]
    [InlineData("administrator", "creator", "update")]
    [InlineData("creator", "administrator", "update")]
    [InlineData("restricted+", "member", "update")]
    [InlineData("restricted-", "member", "add")]
    [InlineData("member", "restricted-", "remove")]
    [InlineData("left", "kicked", "update")]
    public void ChatMember_StatusTransition(string was, string now, string status)
    {
        var e = Single(Update("chat_member",
            "{\"chat\":" + Supergroup + ",\"from\":{\"id\":1,\"first_name\":\"Admin\"},\"date\":1767225600," +
            "\"old_chat_member\":" + Member(was, 10) + ",\"new_chat_member\":" + Member(now, 10) + "}"));

        Assert.Equal(status, e.Status);
        Assert.Equal("chat_member/" + now.TrimEnd('+', '-'), e.Shape);
        Assert.Equal(was.TrimEnd('+', '-'), Metadata(e, "old_status").GetString());
    }

    [Fact]
    public void ChatMember_ParticipantIsTheNewMembersUser_ElseTheOld_ElseNone()
    {
        var both = Single(Update("my_chat_member",
            "{\"chat\":" + Supergroup + ",\"from\":{\"id\":1,\"first_name\":\"Admin\"},\"date\":1767225600," +
            "\"old_chat_member\":" + Member("member", 11) + ",\"new_chat_member\":" + Member("kicked", 10) + "}"));
        var oldOnly = Single(Update("my_chat_member",
            "{\"chat\":" + Supergroup + ",\"from\":{\"id\":1},\"date\":1767225600," +
            "\"old_chat_member\":" + Member("member", 11) + ",\"new_chat_member\":{\"status\":\"left\"}}", updateId: 501));
        var none = Single(Update("my_chat_member",
            "{\"chat\":" + Supergroup + ",\"from\":{\"id\":1},\"date\":1767225600," +
            "\"old_chat_member\":{\"status\":\"member\"},\"new_chat_member\":{\"status\":\"left\"}}", updateId: 502));

        Assert.Equal(["10"], both.Participants);
        Assert.Equal((EventKinds.Group, "1", "Admin", "-1002000000001"), (both.EventKind, both.SenderHandle, both.SenderName, both.ConversationId));
        Assert.Equal("supergroup", Metadata(both, "chat_type").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), both.OccurredAt);
        Assert.Equal(["11"], oldOnly.Participants);
        Assert.Null(none.Participants);
    }

    [Fact]
    public void ChatMember_ChangedByOurBot_FromMe()
    {
        var e = Single(Update("chat_member",
            "{\"chat\":" + Supergroup + ",\"from\":{\"id\":" + BotUserId + ",\"is_bot\":true,\"first_name\":\"Omni\"},\"date\":1767225600," +
            "\"old_chat_member\":" + Member("member", 10) + ",\"new_chat_member\":" + Member("kicked", 10) + "}"));

        Assert.True(e.FromMe);
    }

    [Fact]
    public void PollAnswer_UserWinsOverVoterChat_IntegerOptionsOnly()
    {
        var byUser = Single(Update("poll_answer",
            "{\"poll_id\":\"p1\",\"user\":{\"id\":21,\"first_name\":\"Ana\"},\"voter_chat\":{\"id\":-1003000000003,\"title\":\"News\"},\"option_ids\":[0,2,1.5,\"3\"]}"));
        var byChat = Single(Update("poll_answer",
            "{\"poll_id\":\"p1\",\"voter_chat\":{\"id\":-1003000000003,\"title\":\"News\"},\"option_ids\":[]}", updateId: 501));

        Assert.Equal((EventKinds.PollVote, "21", "Ana", "0,2"), (byUser.EventKind, byUser.SenderHandle, byUser.SenderName, byUser.Status));
        Assert.Equal(("-1003000000003", "News", ""), (byChat.SenderHandle, byChat.SenderName, byChat.Status));
        Assert.Equal("p1", Metadata(byUser, "poll_id").GetString());
    }

    [Theory]
    [InlineData("true", "closed")]
    [InlineData("false", "open")]
    public void Poll_StatusAndShapeFromIsClosed(string isClosed, string status)
    {
        var e = Single(Update("poll",
            "{\"id\":\"p1\",\"question\":\"Lunch?\",\"options\":[],\"total_voter_count\":0,\"is_closed\":" + isClosed + ",\"is_anonymous\":true,\"type\":\"regular\"}"));

        Assert.Equal((status, "poll/" + status, "Lunch?"), (e.Status, e.Shape, e.Text));
    }

    [Fact]
    public void Unknown_KeepsItsGroupChatAndDate()
    {
        var e = Single(Update("chat_join_request", "{\"chat\":" + Supergroup + ",\"from\":{\"id\":1},\"user_chat_id\":1,\"date\":1767225600}"));

        Assert.True(e.IsGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), e.OccurredAt);
    }

    [Theory]
    [InlineData(0L, null)]
    [InlineData(-1L, null)]
    [InlineData(1L, 1L)]
    [InlineData(253_402_300_799L, 253_402_300_799L)]
    [InlineData(253_402_300_800L, null)]
    public void Time_OnlyPositiveSecondsBeforeYear10000(long date, long? expected)
    {
        var e = Single(Update("chat_join_request", "{\"chat\":" + Supergroup + ",\"date\":" + date + "}"));

        Assert.Equal(expected is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null, e.OccurredAt);
    }

    [Theory]
    [InlineData("channel_post", EventKinds.Message)]
    [InlineData("business_message", EventKinds.Message)]
    [InlineData("edited_message", EventKinds.MessageEdit)]
    [InlineData("edited_channel_post", EventKinds.MessageEdit)]
    [InlineData("edited_business_message", EventKinds.MessageEdit)]
    public void Dispatch_EveryMessageUpdateType(string type, string kind)
    {
        var e = Single(Update(type, Message()));

        Assert.Equal((kind, type + "/text", "hello"), (e.EventKind, e.Shape, e.Text));
    }

    [Fact]
    public void Envelope_TheUpdateIsTheFirstObjectProperty_NotAScalarBeforeIt()
    {
        var e = Single("{\"update_id\":600,\"note\":1,\"message\":" + Message() + "}");

        Assert.Equal((EventKinds.Message, "message/text", "600"), (e.EventKind, e.Shape, e.ProviderEventId));
    }

    [Fact]
    public void Envelope_UpdateIdWithoutAnObject_UnknownWithoutAType()
    {
        var e = Single("{\"update_id\":600,\"note\":1}");

        Assert.Equal((EventKinds.Unknown, "600"), (e.EventKind, e.ProviderEventId));
        Assert.Null(e.ProviderEventType);
        Assert.Null(e.Shape);
    }

    [Fact]
    public void Envelope_ObjectWithoutUpdateId_UnknownNamedAfterItsObject_WithAFixedContentHash()
    {
        var e = Single("{\"hello\":{\"chat\":{\"id\":-5,\"type\":\"group\"}}}");
        var bare = Single("{\"hello\":\"world\"}");

        Assert.Equal((EventKinds.Unknown, "hello", "hello"), (e.EventKind, e.ProviderEventType, e.Shape));
        Assert.Null(e.ConversationId);
        Assert.Equal(EventKey.ContentHash("hello\n{\"hello\":{\"chat\":{\"id\":-5,\"type\":\"group\"}}}"), e.ProviderEventId);
        Assert.Equal(EventKey.ContentHash("\n{\"hello\":\"world\"}"), bare.ProviderEventId);
        Assert.Equal("sha256:96fe552f97d2aaeaf87068465dea92b7", bare.ProviderEventId);
    }

    [Fact]
    public void FromMe_NoSenderAndNoBotConfigured_IsNotMe()
    {
        var body = Encoding.UTF8.GetBytes(Update("message", Message(fromId: null, chatId: -5, chatType: "group")));

        var e = Assert.Single(new TelegramNormalizer().Normalize(Payload(body)).Events);

        Assert.Null(e.SenderHandle);
        Assert.False(e.FromMe);
    }

    [Fact]
    public void PollAnswer_ByAPrivateChatWithoutTitle_NameIsTheChatsUserName()
    {
        var e = Single(Update("poll_answer", "{\"poll_id\":\"p1\",\"voter_chat\":{\"id\":31,\"type\":\"private\",\"first_name\":\"Rui\"},\"option_ids\":[1]}"));

        Assert.Equal(("31", "Rui", "1"), (e.SenderHandle, e.SenderName, e.Status));
    }

    [Fact]
    public void Unknown_InABasicGroup_IsGroup()
    {
        var e = Single(Update("chat_join_request", "{\"chat\":{\"id\":-5,\"type\":\"group\",\"title\":\"T\"},\"date\":1767225600}"));

        Assert.True(e.IsGroup);
    }

    private static string Member(string status, long userId)
    {
        var (name, isMember) = status switch
        {
            "restricted+" => ("restricted", ",\"is_member\":true"),
            "restricted-" => ("restricted", ",\"is_member\":false"),
            _ => (status, ""),
        };
        return "{\"status\":\"" + name + "\"" + isMember + ",\"user\":{\"id\":" + userId + ",\"first_name\":\"X\"}}";
    }
}
