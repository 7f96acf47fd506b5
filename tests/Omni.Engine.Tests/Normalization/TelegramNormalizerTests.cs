using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Normalization.Telegram;
using static Omni.Engine.Tests.Normalization.TelegramTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The Telegram rules the fixtures do not all show: ids, from_me, senders, groups, mentions, forwards, replies, media, updates.</summary>
public class TelegramNormalizerTests
{
    [Fact]
    public void Normalize_RedeliveredUpdate_SameEventId_AndAnotherUpdateIdIsAnotherEvent()
    {
        var first = Single(Update("message", Message()));
        var redelivered = Single(Update("message", Message()));
        var next = Single(Update("message", Message(), updateId: 501));

        Assert.Equal("500", first.ProviderEventId);
        Assert.Equal(first.EventId, redelivered.EventId);
        Assert.NotEqual(first.EventId, next.EventId);
        Assert.Equal(EventKey.ComputeEventId("telegram", Instance, "500", EventKinds.Message), first.EventId);
    }

    [Theory]
    [InlineData("7000000001:AAHsecret", "7000000001")]
    [InlineData("123:abc:def", "123")]
    [InlineData("no-colon", null)]
    [InlineData("abc:def", null)]
    [InlineData(":def", null)]
    [InlineData("12a:def", null)]
    [InlineData(null, null)]
    public void BotIdFromToken_NumericPrefixOnly(string? token, string? expected) =>
        Assert.Equal(expected, TelegramNormalizer.BotIdFromToken(token));

    [Fact]
    public void Normalize_NullPayload_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>("payload", () => Normalizer().Normalize(null!));

    [Fact]
    public void Normalize_MessageFromOurBot_FromMe_OthersNot()
    {
        var ours = Single(Update("message", Message(fromId: 7000000001, fromName: "Omni Bot")));
        var theirs = Single(Update("message", Message()));
        var unconfigured = new TelegramNormalizer().Normalize(Payload(System.Text.Encoding.UTF8.GetBytes(Update("message", Message(fromId: 7000000001))))).Events[0];

        Assert.True(ours.FromMe);
        Assert.False(theirs.FromMe);
        Assert.False(unconfigured.FromMe);
        Assert.Equal(ours.EventId, unconfigured.EventId);
    }

    [Fact]
    public void Normalize_OmnisSentMessageEnvelope_OurMessageInItsChat_OneEventPerSend()
    {
        var sent = Message(extra: "\"text\":\"Claro, amanhã às 10h.\"", messageId: 43, fromId: 7000000001, fromName: "Omni Bot");
        var body = $$"""{"{{TelegramNormalizer.SentMessageField}}":{{sent}}}""";

        var ours = Single(body);

        Assert.Equal((EventKinds.Message, ContentTypes.Text, "Claro, amanhã às 10h."), (ours.EventKind, ours.ContentType, ours.Text));
        Assert.True(ours.FromMe);
        Assert.Equal(("1111111", "43", "7000000001"), (ours.ConversationId, ours.ProviderMessageId, ours.SenderHandle));
        Assert.Equal(("sent_message", "sent_message/text"), (ours.ProviderEventType, ours.Shape));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), ours.OccurredAt);
        Assert.Equal(ours.EventId, Single(body).EventId); // the same record twice is one event
        Assert.NotEqual(ours.EventId, Single($$"""{"{{TelegramNormalizer.SentMessageField}}":{{Message(messageId: 44, fromId: 7000000001)}}}""").EventId);
    }

    [Fact]
    public void Normalize_ChannelPostWithoutFrom_SenderIsTheChannel_WhichIsNoPerson()
    {
        var post = Single(Update("channel_post", Message(
            "\"sender_chat\":{\"id\":-1001234567890,\"title\":\"News\",\"type\":\"channel\"},\"text\":\"Breaking\"",
            chatId: -1001234567890, chatType: "channel", fromId: null)));
        var bare = Single(Update("channel_post", Message("\"text\":\"x\"", chatId: -1001234567891, chatType: "channel", fromId: null)));

        Assert.Equal("-1001234567890", post.SenderHandle);
        Assert.Equal("News", post.SenderName);
        Assert.Equal("-1001234567890", post.ConversationId);
        Assert.False(post.IsGroup);
        Assert.Equal("channel", Metadata(post, "chat_type").GetString());
        Assert.Equal("-1001234567891", bare.SenderHandle);
        Assert.Equal(IdentityClaims.None, EventIdentityRules.For(post));
    }

    [Fact]
    public void Normalize_AnonymousGroupAdmin_SenderIsTheGroupNotThePlaceholderBot()
    {
        var e = Single(Update("message", Message(
            "\"sender_chat\":{\"id\":-1009,\"title\":\"Team\",\"type\":\"supergroup\"},\"text\":\"hi\"",
            chatId: -1009, chatType: "supergroup", fromId: 1087968824, fromName: "Group")));

        Assert.Equal("-1009", e.SenderHandle);
        Assert.True(e.IsGroup);
    }

    [Fact]
    public void Normalize_GroupMessageWithMentions_IsGroupAndMentionsInMetadata_AndSenderResolvesAsAPerson()
    {
        var e = Single(Update("message", Message(
            "\"text\":\"oi @maria e Zé\",\"entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":6},{\"type\":\"text_mention\",\"offset\":12,\"length\":2,\"user\":{\"id\":555,\"is_bot\":false,\"first_name\":\"Zé\"}}]",
            chatId: -1001000000001, chatType: "supergroup")));

        Assert.True(e.IsGroup);
        Assert.Equal("-1001000000001", e.ConversationId);
        Assert.Equal("1111111", e.SenderHandle);
        Assert.Equal(["@maria"], Metadata(e, "mentions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["555"], Metadata(e, "mention_user_ids").EnumerateArray().Select(v => v.GetString()));
        var claims = EventIdentityRules.For(e);
        Assert.Equal(new HandleKey(Channels.Telegram, "1111111", null), claims.Sender);
        Assert.Equal("Ana", claims.DisplayName);
    }

    [Theory]
    [InlineData("{\"type\":\"user\",\"date\":1,\"sender_user\":{\"id\":222,\"is_bot\":false,\"first_name\":\"B\"}}", "user", "222", null)]
    [InlineData("{\"type\":\"hidden_user\",\"date\":1,\"sender_user_name\":\"Secret Sam\"}", "hidden_user", "Secret Sam", null)]
    [InlineData("{\"type\":\"chat\",\"date\":1,\"sender_chat\":{\"id\":-333,\"type\":\"group\",\"title\":\"G\"}}", "chat", "-333", null)]
    [InlineData("{\"type\":\"channel\",\"date\":1,\"chat\":{\"id\":-100444,\"type\":\"channel\",\"title\":\"C\"},\"message_id\":77}", "channel", "-100444", "77")]
    public void Normalize_ForwardOriginOfEveryType_IsForwardedWithItsOrigin(string origin, string type, string from, string? fromMessage)
    {
        var e = Single(Update("message", Message("\"text\":\"fwd\",\"forward_origin\":" + origin)));

        Assert.True(e.IsForwarded);
        Assert.Equal(type, Metadata(e, "forward_origin_type").GetString());
        Assert.Equal(from, Metadata(e, "forwarded_from").GetString());
        Assert.Equal(fromMessage, Metadata(e, "forwarded_from_message_id").ValueKind == JsonValueKind.String ? Metadata(e, "forwarded_from_message_id").GetString() : null);
    }

    [Fact]
    public void Normalize_Reply_TargetsTheMessageId_ButAForumTopicRootIsNoReply()
    {
        var reply = Single(Update("message", Message("\"text\":\"yes\",\"reply_to_message\":" + Message("\"text\":\"q?\"", messageId: 40))));
        var inTopic = Single(Update("message", Message(
            "\"text\":\"in topic\",\"is_topic_message\":true,\"message_thread_id\":39,\"reply_to_message\":" +
            Message("\"forum_topic_created\":{\"name\":\"Bugs\",\"icon_color\":1}", messageId: 39, chatId: -100555, chatType: "supergroup"),
            chatId: -100555, chatType: "supergroup")));

        Assert.Equal("40", reply.ReplyToMessageId);
        Assert.Null(inTopic.ReplyToMessageId);
        Assert.Equal("39", Metadata(inTopic, "thread_id").GetString());
    }

    [Fact]
    public void Normalize_Photo_LargestSizeByPixels_FileIdInMetadataForGetFile()
    {
        var e = Single(Update("message", Message(
            "\"caption\":\"look\",\"photo\":[{\"file_id\":\"small\",\"file_unique_id\":\"s\",\"width\":90,\"height\":90,\"file_size\":1000}," +
            "{\"file_id\":\"big\",\"file_unique_id\":\"b\",\"width\":1280,\"height\":960,\"file_size\":90000}," +
            "{\"file_id\":\"mid\",\"file_unique_id\":\"m\",\"width\":320,\"height\":240,\"file_size\":20000}]")));

        Assert.Equal(ContentTypes.Image, e.ContentType);
        Assert.Equal("look", e.Text);
        Assert.Equal(90000, e.MediaSizeBytes);
        Assert.Equal("image/jpeg", e.MediaMimeType);
        Assert.Null(e.MediaUrl);
        Assert.Equal("big", Metadata(e, "media").GetProperty("file_id").GetString());
        Assert.Equal("photo", Metadata(e, "media").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("\"voice\":{\"file_id\":\"v\",\"duration\":4,\"mime_type\":\"audio/ogg\",\"file_size\":9}", "audio", "message/voice", "audio/ogg")]
    [InlineData("\"video\":{\"file_id\":\"v\",\"duration\":4,\"width\":1,\"height\":1,\"mime_type\":\"video/mp4\"}", "video", "message/video", "video/mp4")]
    [InlineData("\"animation\":{\"file_id\":\"a\",\"duration\":1,\"width\":1,\"height\":1},\"document\":{\"file_id\":\"a\"}", "video", "message/animation", "video/mp4")]
    [InlineData("\"sticker\":{\"file_id\":\"s\",\"width\":1,\"height\":1,\"is_animated\":true,\"is_video\":false,\"type\":\"regular\"}", "sticker", "message/sticker", "application/x-tgsticker")]
    [InlineData("\"venue\":{\"location\":{\"latitude\":1,\"longitude\":2},\"title\":\"Café\",\"address\":\"Rua 1\"},\"location\":{\"latitude\":1,\"longitude\":2}", "location", "message/venue", null)]
    [InlineData("\"dice\":{\"emoji\":\"🎲\",\"value\":3}", "unknown", "message/dice", null)]
    public void Normalize_ContentTypes(string content, string contentType, string shape, string? mime)
    {
        var e = Single(Update("message", Message(content)));

        Assert.Equal(EventKinds.Message, e.EventKind);
        Assert.Equal(contentType, e.ContentType);
        Assert.Equal(shape, e.Shape);
        Assert.Equal(mime, e.MediaMimeType);
    }

    [Fact]
    public void Normalize_EditedCaption_IsAnEditOfTheMessageAtItsEditDate()
    {
        var e = Single(Update("edited_message", Message("\"edit_date\":1767225700,\"caption\":\"new caption\",\"document\":{\"file_id\":\"d\",\"file_name\":\"a.pdf\"}")));

        Assert.Equal(EventKinds.MessageEdit, e.EventKind);
        Assert.Equal("42", e.TargetMessageId);
        Assert.Equal("new caption", e.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225700), e.OccurredAt);
    }

    [Fact]
    public void Normalize_ReactionRemovedAndCustomEmoji()
    {
        var removed = Single(Update("message_reaction",
            "{\"chat\":{\"id\":1,\"type\":\"private\"},\"message_id\":9,\"user\":{\"id\":1,\"first_name\":\"A\"},\"date\":1767225600,\"old_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"}],\"new_reaction\":[]}"));
        var custom = Single(Update("message_reaction",
            "{\"chat\":{\"id\":1,\"type\":\"private\"},\"message_id\":9,\"user\":{\"id\":1,\"first_name\":\"A\"},\"date\":1767225600,\"old_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"}],\"new_reaction\":[{\"type\":\"emoji\",\"emoji\":\"👍\"},{\"type\":\"custom_emoji\",\"custom_emoji_id\":\"5368324170671202286\"}]}",
            updateId: 501));

        Assert.Equal("", removed.ReactionEmoji);
        Assert.Equal("removed", removed.Status);
        Assert.Equal("9", removed.TargetMessageId);
        Assert.Equal("custom_emoji:5368324170671202286", custom.ReactionEmoji);
        Assert.Equal("changed", custom.Status);
    }

    [Fact]
    public void Normalize_ReactionCount_TallyInMetadata()
    {
        var e = SingleFixture("update-message-reaction-count.json");

        Assert.Null(e.SenderHandle);
        Assert.Equal("🗿:2 🌭:1", Metadata(e, "reaction_counts").GetString());
    }

    [Fact]
    public void Normalize_NewChatMembersAndLeftMember_GroupEvents()
    {
        var joined = Single(Update("message", Message(
            "\"new_chat_members\":[{\"id\":10,\"is_bot\":false,\"first_name\":\"X\"},{\"id\":11,\"is_bot\":false,\"first_name\":\"Y\"}]",
            chatId: -5, chatType: "group")));
        var left = Single(Update("message", Message("\"left_chat_member\":{\"id\":10,\"is_bot\":false,\"first_name\":\"X\"}", chatId: -5, chatType: "group"), updateId: 501));

        Assert.Equal(EventKinds.Group, joined.EventKind);
        Assert.Equal("add", joined.Status);
        Assert.Equal(["10", "11"], joined.Participants);
        Assert.Equal("remove", left.Status);
        Assert.Equal(["10"], left.Participants);
    }

    [Fact]
    public void Normalize_ChatMemberPromoted()
    {
        var e = Single(Update("chat_member",
            "{\"chat\":{\"id\":-5,\"type\":\"supergroup\",\"title\":\"T\"},\"from\":{\"id\":1,\"first_name\":\"Admin\"},\"date\":1767225600," +
            "\"old_chat_member\":{\"status\":\"member\",\"user\":{\"id\":10,\"first_name\":\"X\"}},\"new_chat_member\":{\"status\":\"administrator\",\"user\":{\"id\":10,\"first_name\":\"X\"}}}"));

        Assert.Equal("promote", e.Status);
        Assert.Equal("1", e.SenderHandle);
        Assert.True(e.IsGroup);
    }

    [Fact]
    public void Normalize_PollState_PollVoteWithoutVoter()
    {
        var e = Single(Update("poll",
            "{\"id\":\"p1\",\"question\":\"Lunch?\",\"options\":[{\"text\":\"Yes\",\"voter_count\":2}],\"total_voter_count\":2,\"is_closed\":true,\"is_anonymous\":true,\"type\":\"regular\",\"allows_multiple_answers\":false}"));

        Assert.Equal(EventKinds.PollVote, e.EventKind);
        Assert.Equal("Lunch?", e.Text);
        Assert.Equal("closed", e.Status);
        Assert.Null(e.SenderHandle);
    }

    [Fact]
    public void Normalize_UnknownUpdateType_KeptAsUnknownWithItsShape()
    {
        var e = Single(Update("chat_join_request", "{\"chat\":{\"id\":-5,\"type\":\"supergroup\"},\"from\":{\"id\":1},\"user_chat_id\":1,\"date\":1767225600}"));

        Assert.Equal(EventKinds.Unknown, e.EventKind);
        Assert.Equal("chat_join_request", e.Shape);
        Assert.Equal("500", e.ProviderEventId);
        Assert.Equal("-5", e.ConversationId);
    }

    [Fact]
    public void Normalize_ObjectWithoutUpdateId_UnknownWithAContentHashId()
    {
        var e = Single("{\"hello\":\"world\"}");
        var again = Single("{\"hello\":\"world\"}");

        Assert.Equal(EventKinds.Unknown, e.EventKind);
        Assert.StartsWith("sha256:", e.ProviderEventId, StringComparison.Ordinal);
        Assert.Equal(e.EventId, again.EventId);
    }

    [Theory]
    [InlineData("", "body is empty")]
    [InlineData("{\"update_id\":", "not valid JSON")]
    [InlineData("[1,2]", "JSON array at the top level")]
    public void Normalize_Unreadable_Quarantined(string body, string reason)
    {
        var result = Normalize(body);

        Assert.True(result.IsQuarantined);
        Assert.Contains(reason, result.QuarantineReason, StringComparison.Ordinal);
    }
}
