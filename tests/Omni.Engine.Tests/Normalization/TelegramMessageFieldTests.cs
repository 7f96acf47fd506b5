using Omni.Engine.Events;
using Omni.Engine.Normalization.Telegram;
using static Omni.Engine.Tests.Normalization.TelegramTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// What a Telegram message says, field by field: every media kind with and without its own mime type, stickers, venues,
/// contacts, dice, service messages, commands, mentions at the text's edge, legacy forwards and the author flag.
/// </summary>
public class TelegramMessageFieldTests
{
    [Theory]
    [InlineData("animation", "video", null, "video/mp4")]
    [InlineData("video", "video", null, "video/mp4")]
    [InlineData("video_note", "video", null, "video/mp4")]
    [InlineData("voice", "audio", null, "audio/ogg")]
    [InlineData("voice", "audio", "audio/mpeg", "audio/mpeg")]
    [InlineData("audio", "audio", null, null)]
    [InlineData("audio", "audio", "audio/flac", "audio/flac")]
    [InlineData("document", "document", null, null)]
    [InlineData("document", "document", "application/pdf", "application/pdf")]
    public void Media_KindShapeAndMime_TheFilesOwnMimeBeforeTheDefault(string field, string contentType, string? ownMime, string? mime)
    {
        var file = "{\"file_id\":\"F-" + field + "\",\"file_unique_id\":\"U-" + field + "\",\"file_size\":1234,\"duration\":7,\"file_name\":\"n." + field + "\"" +
                   (ownMime is null ? "" : ",\"mime_type\":\"" + ownMime + "\"") + "}";
        var e = Single(Update("message", Message("\"" + field + "\":" + file + ",\"caption\":\"cap\"")));

        Assert.Equal((EventKinds.Message, contentType, "message/" + field, mime), (e.EventKind, e.ContentType, e.Shape, e.MediaMimeType));
        Assert.Equal(("cap", 1234L, 7.0, "n." + field), (e.Text, e.MediaSizeBytes, e.MediaDurationSeconds, e.MediaFileName));
        var media = Metadata(e, "media");
        Assert.Equal((field, "F-" + field, "U-" + field),
            (media.GetProperty("type").GetString(), media.GetProperty("file_id").GetString(), media.GetProperty("file_unique_id").GetString()));
    }

    [Theory]
    [InlineData("\"is_animated\":false,\"is_video\":true", "video/webm")]
    [InlineData("\"is_animated\":false,\"is_video\":false", "image/webp")]
    public void Sticker_MimeFromItsFormat_TextIsItsEmoji(string flags, string mime)
    {
        var e = Single(Update("message", Message("\"sticker\":{\"file_id\":\"s\",\"width\":1,\"height\":1,\"emoji\":\"😀\",\"type\":\"regular\"," + flags + "}")));

        Assert.Equal((ContentTypes.Sticker, mime, "😀"), (e.ContentType, e.MediaMimeType, e.Text));
    }

    [Fact]
    public void Photo_SamePixels_TheLargerFileWins_AndAnEmptyPhotoListIsNoPhoto()
    {
        var e = Single(Update("message", Message(
            "\"photo\":[{\"file_id\":\"small\",\"width\":100,\"height\":100,\"file_size\":10},{\"file_id\":\"big\",\"width\":100,\"height\":100,\"file_size\":20}]")));
        var empty = Single(Update("message", Message("\"photo\":[]")));

        Assert.Equal("big", Metadata(e, "media").GetProperty("file_id").GetString());
        Assert.Equal((EventKinds.Unknown, "message/other"), (empty.EventKind, empty.Shape));
    }

    [Theory]
    [InlineData("\"title\":\"Café\",\"address\":\"Rua 1\"", "Café, Rua 1")]
    [InlineData("\"title\":\"Café\"", "Café")]
    [InlineData("\"address\":\"Rua 1\"", "Rua 1")]
    [InlineData("\"title\":\" \"", null)]
    public void Venue_TextIsTitleAndAddress(string fields, string? text)
    {
        var e = Single(Update("message", Message("\"venue\":{\"location\":{\"latitude\":1,\"longitude\":2}," + fields + "}")));

        Assert.Equal((ContentTypes.Location, "message/venue", text), (e.ContentType, e.Shape, e.Text));
    }

    [Theory]
    [InlineData("\"first_name\":\"Rui\",\"phone_number\":\"+351900000000\"", "Rui")]
    [InlineData("\"phone_number\":\"+351900000000\"", "+351900000000")]
    public void Contact_TextIsTheName_ElseThePhone(string fields, string text)
    {
        var e = Single(Update("message", Message("\"contact\":{" + fields + "}")));

        Assert.Equal((ContentTypes.Contact, "message/contact", text), (e.ContentType, e.Shape, e.Text));
    }

    [Fact]
    public void Dice_IsAMessageWithItsEmoji()
    {
        var e = Single(Update("message", Message("\"dice\":{\"emoji\":\"🎯\",\"value\":6}")));

        Assert.Equal((EventKinds.Message, "🎯"), (e.EventKind, e.Text));
    }

    [Theory]
    [InlineData("new_chat_title")]
    [InlineData("new_chat_photo")]
    [InlineData("delete_chat_photo")]
    [InlineData("group_chat_created")]
    [InlineData("supergroup_chat_created")]
    [InlineData("channel_chat_created")]
    [InlineData("message_auto_delete_timer_changed")]
    [InlineData("migrate_to_chat_id")]
    [InlineData("migrate_from_chat_id")]
    [InlineData("pinned_message")]
    [InlineData("forum_topic_created")]
    [InlineData("forum_topic_edited")]
    [InlineData("forum_topic_closed")]
    [InlineData("forum_topic_reopened")]
    [InlineData("video_chat_started")]
    [InlineData("video_chat_ended")]
    [InlineData("video_chat_scheduled")]
    [InlineData("video_chat_participants_invited")]
    [InlineData("successful_payment")]
    [InlineData("users_shared")]
    [InlineData("chat_shared")]
    [InlineData("write_access_allowed")]
    [InlineData("boost_added")]
    [InlineData("giveaway")]
    [InlineData("story")]
    public void ServiceMessage_UnknownKind_ShapeNamesTheServiceField(string field)
    {
        var e = Single(Update("message", Message("\"" + field + "\":{}", chatId: -5, chatType: "group")));

        Assert.Equal((EventKinds.Unknown, ContentTypes.Unknown, "message/" + field), (e.EventKind, e.ContentType, e.Shape));
    }

    [Fact]
    public void ServiceMessage_NoKnownField_Other_AndEmptyNewMembersIsNoJoin()
    {
        var other = Single(Update("message", Message("\"has_protected_content\":true")));
        var noMembers = Single(Update("message", Message("\"new_chat_members\":[]", chatId: -5, chatType: "group")));
        var leftWithoutId = Single(Update("message", Message("\"left_chat_member\":{}", chatId: -5, chatType: "group")));

        Assert.Equal((EventKinds.Unknown, "message/other"), (other.EventKind, other.Shape));
        Assert.Equal((EventKinds.Unknown, "message/new_chat_members"), (noMembers.EventKind, noMembers.Shape));
        Assert.Null(noMembers.Status);
        Assert.Equal((EventKinds.Unknown, "message/left_chat_member"), (leftWithoutId.EventKind, leftWithoutId.Shape));
    }

    [Fact]
    public void MemberJoined_KeepsMessageIdAndDate()
    {
        var e = Single(Update("message", Message("\"new_chat_members\":[{\"id\":10,\"first_name\":\"X\"}]", messageId: 77, chatId: -5, chatType: "group")));

        Assert.Equal((EventKinds.Group, "77", "-5"), (e.EventKind, e.ProviderMessageId, e.ConversationId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), e.OccurredAt);
    }

    [Theory]
    [InlineData("\"text\":\"/start now\",\"entities\":[{\"type\":\"bot_command\",\"offset\":0,\"length\":6},{\"type\":\"bold\",\"offset\":7,\"length\":3}]", "command")]
    [InlineData("\"text\":\"hello\",\"entities\":[{\"type\":\"bold\",\"offset\":0,\"length\":5}]", "text")]
    [InlineData("\"text\":\"hi /start\",\"entities\":[{\"type\":\"bot_command\",\"offset\":3,\"length\":6}]", "text")]
    public void Command_OnlyABotCommandAtOffsetZero(string fields, string contentType)
    {
        var e = Single(Update("message", Message(fields)));

        Assert.Equal(contentType, e.ContentType);
        Assert.Equal(contentType == "command" ? "message/bot_command" : "message/text", e.Shape);
    }

    [Fact]
    public void Mentions_InACaption_ReadFromCaptionEntities_AndOneRunningPastTheTextIsIgnored()
    {
        var captioned = Single(Update("message", Message(
            "\"photo\":[{\"file_id\":\"p\",\"width\":1,\"height\":1}],\"caption\":\"hi @ana\",\"caption_entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":4}]")));
        var overrun = Single(Update("message", Message(
            "\"text\":\"hi @ana\",\"entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":10}]")));

        Assert.Equal(["@ana"], captioned.Mentions);
        Assert.Null(overrun.Mentions);
    }

    [Fact]
    public void MentionsMe_OnlyAnAtSignFollowedByTheBotsUsername()
    {
        var normalizer = new TelegramNormalizer(_ => BotUserId, _ => "omni_bot");
        var atName = normalizer.Normalize(Payload(System.Text.Encoding.UTF8.GetBytes(Update("message", Message(
            "\"text\":\"hi @Omni_Bot\",\"entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":9}]"))))).Events[0];
        var noAt = normalizer.Normalize(Payload(System.Text.Encoding.UTF8.GetBytes(Update("message", Message(
            "\"text\":\"hi xomni_bot\",\"entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":9}]"))))).Events[0];

        Assert.True(atName.MentionsMe);
        Assert.Equal(["xomni_bot"], noAt.Mentions);
        Assert.False(noAt.MentionsMe);
    }

    [Theory]
    [InlineData("\"forward_from\":{\"id\":31,\"first_name\":\"Rui\"}", "user", "31", null)]
    [InlineData("\"forward_from_chat\":{\"id\":-1003000000003,\"type\":\"channel\",\"title\":\"News\"},\"forward_from_message_id\":88", "channel", "-1003000000003", "88")]
    [InlineData("\"forward_from_chat\":{\"id\":-1002000000001,\"type\":\"supergroup\",\"title\":\"Team\"},\"forward_from_message_id\":88", "chat", "-1002000000001", "88")]
    [InlineData("\"forward_sender_name\":\"Hidden Person\"", "hidden_user", "Hidden Person", null)]
    public void LegacyForwardFields_AreForwardsWithTheirOrigin(string fields, string type, string from, string? fromMessage)
    {
        var e = Single(Update("message", Message("\"text\":\"fw\"," + fields)));

        Assert.True(e.IsForwarded);
        Assert.Equal(type, Metadata(e, "forward_origin_type").GetString());
        Assert.Equal(from, Metadata(e, "forwarded_from").GetString());
        Assert.Equal(fromMessage, fromMessage is null ? null : Metadata(e, "forwarded_from_message_id").GetString());
    }

    [Fact]
    public void LegacyForwardDateAlone_IsAForward()
    {
        var e = Single(Update("message", Message("\"text\":\"fw\",\"forward_date\":1767225000")));

        Assert.True(e.IsForwarded);
    }

    [Fact]
    public void AuthorIsBot_FlagOnlyWhenTheSenderIsABot_AndAGroupMessageWithoutFromHasNoSender()
    {
        var bot = Single(Update("message", Message().Replace("\"is_bot\":false", "\"is_bot\":true", StringComparison.Ordinal)));
        var person = Single(Update("message", Message(), updateId: 501));
        var nobody = Single(Update("message", Message(fromId: null, chatId: -5, chatType: "group"), updateId: 502));

        Assert.True(Metadata(bot, "author_is_bot").GetBoolean());
        Assert.Equal(default, Metadata(person, "author_is_bot").ValueKind);
        Assert.Equal(default, Metadata(nobody, "author_is_bot").ValueKind);
        Assert.Equal(((string?)null, (string?)null), (nobody.SenderHandle, nobody.SenderName));
    }

    [Fact]
    public void Sticker_TextIsItsEmoji()
    {
        var e = Single(Update("message", Message("\"sticker\":{\"file_id\":\"s\",\"width\":1,\"height\":1,\"emoji\":\"🙂\",\"is_animated\":true,\"type\":\"regular\"}")));

        Assert.Equal("🙂", e.Text);
    }

    [Fact]
    public void SentMessageEnvelope_MentioningTheBotsUsername_MentionsMe()
    {
        var sent = Message("\"text\":\"hi @omni_bot\",\"entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":9}]", fromId: 7000000001);
        var body = System.Text.Encoding.UTF8.GetBytes("{\"" + TelegramNormalizer.SentMessageField + "\":" + sent + "}");

        var e = Assert.Single(new TelegramNormalizer(_ => BotUserId, _ => "omni_bot").Normalize(Payload(body)).Events);

        Assert.True(e.MentionsMe);
    }
}
