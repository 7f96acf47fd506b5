using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.Discord;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>MESSAGE_CREATE: content, media, replies, forwards, threads, groups, flags and who sent it.</summary>
public class DiscordMessageTests
{
    private const string Channel = "1100000000000000001";
    private const string Guild = "1200000000000000001";

    /// <summary>A guild message as MESSAGE_CREATE sends it; <paramref name="extra"/> adds properties.</summary>
    private static string Message(string extra = "", string content = "hello there", string id = "1300000000000000001",
        string authorId = "1400000000000000001", bool guild = true, int type = 0, string attachments = "[]", string mentions = "[]",
        string embeds = "[]") =>
        $$"""
        {
          "id": "{{id}}",
          "type": {{type}},
          "channel_id": "{{Channel}}",
          {{(guild ? $"\"guild_id\": \"{Guild}\"," : string.Empty)}}
          "author": { "id": "{{authorId}}", "username": "maria_s", "global_name": "Maria Silva", "discriminator": "0", "avatar": null },
          "content": {{JsonSerializer.Serialize(content)}},
          "timestamp": "2026-01-02T03:04:05.678912+00:00",
          "edited_timestamp": null,
          "tts": false,
          "mention_everyone": false,
          "mentions": {{mentions}},
          "mention_roles": [],
          "attachments": {{attachments}},
          "embeds": {{embeds}},
          "pinned": false{{extra}}
        }
        """;

    private static OmniEvent Created(string messageJson) => Dispatch("MESSAGE_CREATE", messageJson);

    [Fact]
    public void MessageCreate_ExampleFixture_IsTextMessageWithItsOwnTime()
    {
        var evt = SingleFixture("message-create-d-example-message.json");

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("Supa Hot", evt.Text);
        Assert.Equal("334385199974967042", evt.ProviderEventId);
        Assert.Equal("334385199974967042", evt.ProviderMessageId);
        Assert.Equal("290926798999357250", evt.ConversationId);
        Assert.Equal("53908099506183680", evt.SenderHandle);
        Assert.Equal("Mason", evt.SenderName);
        Assert.Equal(new DateTimeOffset(2017, 7, 11, 17, 27, 7, 299, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal("MESSAGE_CREATE/default", evt.Shape);
        Assert.False(evt.IsGroup);
        Assert.False(evt.FromMe);
    }

    [Fact]
    public void MessageCreate_OccurredAt_IsUtcCutToMilliseconds()
    {
        var evt = Created(Message());

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal(TimeSpan.Zero, evt.OccurredAt!.Value.Offset);
    }

    [Fact]
    public void MessageCreate_TimestampWithOffset_IsConvertedToUtc()
    {
        var evt = Created(Message().Replace("2026-01-02T03:04:05.678912+00:00", "2026-01-02T00:04:05.678912-03:00", StringComparison.Ordinal));

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void MessageCreate_GuildChannel_IsGroup_DirectMessageIsNot()
    {
        Assert.True(Created(Message()).IsGroup);
        Assert.False(Created(Message(guild: false)).IsGroup);
    }

    [Fact]
    public void MessageCreate_SenderName_PrefersGlobalNameOverUsername()
    {
        Assert.Equal("Maria Silva", Created(Message()).SenderName);
        Assert.Equal("maria_s", Created(Message().Replace("\"Maria Silva\"", "null", StringComparison.Ordinal)).SenderName);
    }

    [Fact]
    public void MessageCreate_AuthorIsTheConfiguredBot_IsFromMe()
    {
        Assert.True(Created(Message(authorId: BotUserId)).FromMe);
        Assert.False(Created(Message()).FromMe);
    }

    [Fact]
    public void MessageCreate_NoBotUserIdConfigured_IsNeverFromMe()
    {
        var events = new DiscordNormalizer().Normalize(Payload(Frame("MESSAGE_CREATE", Message(authorId: BotUserId)))).Events;

        Assert.False(Assert.Single(events).FromMe);
    }

    [Fact]
    public void MessageCreate_GatewaySequence_IsInMetadataButNotInTheId()
    {
        var first = Single(Frame("MESSAGE_CREATE", Message(), sequence: 7));
        var resumedInAnotherSession = Single(Frame("MESSAGE_CREATE", Message(), sequence: 1));

        Assert.Equal(first.EventId, resumedInAnotherSession.EventId);
        Assert.Equal(7, Metadata(first, "gateway_sequence").GetInt64());
        Assert.Equal("gateway", Metadata(first, "delivery").GetString());
    }

    [Fact]
    public void MessageCreate_Metadata_KeepsDiscordsObject()
    {
        var evt = Created(Message());

        Assert.Equal(Guild, Metadata(evt, "guild_id").GetString());
        Assert.Equal("maria_s", Metadata(evt, "author").GetProperty("username").GetString());
    }

    [Fact]
    public void MessageCreate_ReplyFixture_PointsAtTheRepliedMessage()
    {
        var evt = SingleFixture("message-create-reply.json");

        Assert.Equal("779520963116400721", evt.ProviderMessageId);
        Assert.Equal("775214933398782002", evt.ReplyToMessageId);
        Assert.Equal("cool.", evt.Text);
        Assert.Equal("MESSAGE_CREATE/reply", evt.Shape);
        Assert.True(evt.IsGroup);
        Assert.Equal(["344487830824943618"], Metadata(evt, "mention_user_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.True(Metadata(evt, "referenced_message").GetProperty("author").GetProperty("bot").GetBoolean());
    }

    [Fact]
    public void MessageCreate_ReplyWithoutReferencedMessage_UsesTheReference()
    {
        var evt = Created(Message(""", "message_reference": { "message_id": "1300000000000000000", "channel_id": "1100000000000000001" }""", type: 19));

        Assert.Equal("1300000000000000000", evt.ReplyToMessageId);
    }

    [Fact]
    public void MessageCreate_CrosspostFixture_IsForwardedNotAReply()
    {
        var evt = SingleFixture("message-create-d-crossposted-message.json");

        Assert.True(evt.IsForwarded);
        Assert.Null(evt.ReplyToMessageId);
        Assert.Equal("Big news! In this <#278325129692446722> channel!", evt.Text);
    }

    [Fact]
    public void MessageCreate_Forward_TakesTextAndMediaFromTheSnapshot()
    {
        var evt = Created(Message(
            """
            , "flags": 16384,
              "message_reference": { "type": 1, "message_id": "1300000000000000000", "channel_id": "1100000000000000009", "guild_id": "1200000000000000009" },
              "message_snapshots": [ { "message": {
                "type": 0, "content": "look at this", "embeds": [], "flags": 0, "mentions": [], "mention_roles": [],
                "timestamp": "2025-12-31T23:00:00.000000+00:00", "edited_timestamp": null, "components": [],
                "attachments": [ { "id": "1500000000000000001", "filename": "cat.jpg", "size": 2048, "content_type": "image/jpeg",
                  "url": "https://cdn.discordapp.com/attachments/1/2/cat.jpg", "proxy_url": "https://media.discordapp.net/attachments/1/2/cat.jpg" } ]
              } } ]
            """,
            content: ""));

        Assert.True(evt.IsForwarded);
        Assert.Null(evt.ReplyToMessageId);
        Assert.Equal(ContentTypes.Image, evt.ContentType);
        Assert.Equal("look at this", evt.Text);
        Assert.Equal("cat.jpg", evt.MediaFileName);
        Assert.Equal("1300000000000000000", Metadata(evt, "forwarded_from_message_id").GetString());
        Assert.False(HasMetadata(evt, "content_missing"));
    }

    [Fact]
    public void MessageCreate_AllFieldsFixture_FirstAttachmentIsTheMediaAndAllAreInMetadata()
    {
        var evt = SingleFixture("message-create-all-fields-synthetic.json");

        Assert.Equal(ContentTypes.Image, evt.ContentType);
        Assert.Equal("none", evt.Text);
        Assert.Equal("file.png", evt.MediaFileName);
        Assert.Equal("image/png", evt.MediaMimeType);
        Assert.Equal(0, evt.MediaSizeBytes);
        Assert.Equal("https://www.example.org", evt.MediaUrl);
        var media = Metadata(evt, "media").EnumerateArray().ToList();
        Assert.Equal(["attachment", "sticker"], media.Select(m => m.GetProperty("source").GetString()));
        Assert.Equal("sticker", media[1].GetProperty("content_type").GetString());
        Assert.True(Metadata(evt, "from_webhook").GetBoolean());
        Assert.Equal("999999999999999999", Metadata(evt, "started_thread_id").GetString());
        Assert.Equal(JsonValueKind.Array, Metadata(evt, "embeds").ValueKind);
        Assert.Equal("MESSAGE_CREATE/recipient_add", evt.Shape);
    }

    [Theory]
    [InlineData("photo.PNG", null, "image", "image/png")]
    [InlineData("clip.mp4", "video/mp4", "video", "video/mp4")]
    [InlineData("song.mp3", null, "audio", "audio/mpeg")]
    [InlineData("report.pdf", "application/pdf", "document", "application/pdf")]
    [InlineData("notes.xyz", null, "document", null)]
    [InlineData("movie.mov", "application/octet-stream", "video", "application/octet-stream")]
    public void MessageCreate_Attachment_ContentTypeByMimeElseExtension(string fileName, string? mime, string contentType, string? expectedMime)
    {
        var mimeJson = mime is null ? string.Empty : $"\"content_type\": \"{mime}\",";
        var evt = Created(Message(
            content: "",
            attachments: $$"""
            [ { "id": "1500000000000000001", "filename": "{{fileName}}", {{mimeJson}} "size": 1234,
                "url": "https://cdn.discordapp.com/attachments/1/2/{{fileName}}?ex=1&is=2&hm=3", "proxy_url": "https://media.discordapp.net/x" },
              { "id": "1500000000000000002", "filename": "second.txt", "size": 5, "url": "https://cdn.discordapp.com/second.txt", "proxy_url": "https://media.discordapp.net/y" } ]
            """));

        Assert.Equal(contentType, evt.ContentType);
        Assert.Equal(expectedMime, evt.MediaMimeType);
        Assert.Equal(fileName, evt.MediaFileName);
        Assert.Equal(1234, evt.MediaSizeBytes);
        Assert.StartsWith("https://cdn.discordapp.com/attachments/1/2/", evt.MediaUrl, StringComparison.Ordinal);
        Assert.Null(evt.Text);
        Assert.Equal(2, Metadata(evt, "media").GetArrayLength());
        Assert.Equal("document", Metadata(evt, "media")[1].GetProperty("content_type").GetString());
    }

    [Fact]
    public void MessageCreate_AttachmentWithText_TextIsTheCaption()
    {
        var evt = Created(Message(
            attachments: """[ { "id": "1", "filename": "a.jpg", "size": 1, "url": "https://cdn.discordapp.com/a.jpg", "proxy_url": "https://media.discordapp.net/a.jpg" } ]"""));

        Assert.Equal(ContentTypes.Image, evt.ContentType);
        Assert.Equal("hello there", evt.Text);
    }

    [Fact]
    public void MessageCreate_VoiceMessage_IsAudioWithDuration()
    {
        var evt = Created(Message(
            """, "flags": 8192""",
            content: "",
            attachments: """
            [ { "id": "1", "filename": "voice-message.ogg", "content_type": "audio/ogg", "size": 30000,
                "duration_secs": 6.48, "waveform": "AAAAAAAA", "url": "https://cdn.discordapp.com/voice-message.ogg", "proxy_url": "https://media.discordapp.net/v.ogg" } ]
            """));

        Assert.Equal(ContentTypes.Audio, evt.ContentType);
        Assert.Equal(6.48, evt.MediaDurationSeconds);
        Assert.Equal("audio/ogg", evt.MediaMimeType);
    }

    [Theory]
    [InlineData(1, "image/png", "https://cdn.discordapp.com/stickers/1600000000000000001.png")]
    [InlineData(3, "application/json", "https://cdn.discordapp.com/stickers/1600000000000000001.json")]
    [InlineData(4, "image/gif", "https://media.discordapp.net/stickers/1600000000000000001.gif")]
    public void MessageCreate_Sticker_IsStickerContent(int formatType, string mime, string url)
    {
        var evt = Created(Message(
            $$""", "sticker_items": [ { "id": "1600000000000000001", "name": "Wave", "format_type": {{formatType}} } ]""", content: ""));

        Assert.Equal(ContentTypes.Sticker, evt.ContentType);
        Assert.Null(evt.Text);
        Assert.Equal("Wave", evt.MediaFileName);
        Assert.Equal(mime, evt.MediaMimeType);
        Assert.Equal(url, evt.MediaUrl);
        Assert.False(HasMetadata(evt, "content_missing"));
    }

    [Fact]
    public void MessageCreate_BotEmbedsOnly_TextIsTheEmbedsTitleAndDescription()
    {
        var evt = Created(Message(
            content: "",
            embeds: """[ { "type": "rich", "title": "Daily report", "description": "All green", "fields": [] } ]""").Replace("\"discriminator\": \"0\"", "\"discriminator\": \"0\", \"bot\": true", StringComparison.Ordinal));

        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("Daily report\nAll green", evt.Text);
        Assert.True(Metadata(evt, "text_from_embed").GetBoolean());
        Assert.True(Metadata(evt, "author_is_bot").GetBoolean());
        Assert.Equal("Daily report", Metadata(evt, "embeds")[0].GetProperty("title").GetString());
    }

    [Fact]
    public void MessageCreate_Poll_TextIsTheQuestion()
    {
        var evt = Created(Message(
            """, "poll": { "question": { "text": "Lunch?" }, "answers": [ { "answer_id": 1, "poll_media": { "text": "Pizza" } } ], "allow_multiselect": false, "layout_type": 1 }""",
            content: ""));

        Assert.Equal(ContentTypes.Poll, evt.ContentType);
        Assert.Equal("Lunch?", evt.Text);
    }

    [Fact]
    public void MessageCreate_EmptyContentWithoutTheContentIntent_IsFlaggedNotAnEmptyText()
    {
        // Without MESSAGE_CONTENT, Discord empties content, embeds, attachments and components of guild messages.
        var evt = Created(Message(content: ""));

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Null(evt.Text);
        Assert.True(Metadata(evt, "content_missing").GetBoolean());
    }

    [Fact]
    public void MessageCreate_SystemMessageWithoutContent_IsNotFlaggedMissing()
    {
        var evt = Created(Message(content: "", type: 7));

        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("MESSAGE_CREATE/user_join", evt.Shape);
        Assert.False(HasMetadata(evt, "content_missing"));
    }

    [Fact]
    public void MessageCreate_TextMessage_IsNotFlaggedMissing()
    {
        Assert.False(HasMetadata(Created(Message()), "content_missing"));
    }

    [Fact]
    public void MessageCreate_Mentions_UserIdsInMetadata()
    {
        var evt = Created(Message(
            content: "hi <@1400000000000000002> <@900000000000000001>",
            mentions: """[ { "id": "1400000000000000002", "username": "bob" }, { "id": "900000000000000001", "username": "omni", "bot": true } ]"""));

        Assert.Equal(["1400000000000000002", BotUserId], Metadata(evt, "mention_user_ids").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void MessageCreate_WebhookMessage_IsFlagged()
    {
        var evt = Created(Message(""", "webhook_id": "1700000000000000001" """));

        Assert.True(Metadata(evt, "from_webhook").GetBoolean());
        Assert.False(HasMetadata(evt, "author_is_bot"));
    }

    [Fact]
    public void MessageCreate_InThread_KeepsTheThreadId()
    {
        var evt = Created(Message(""", "position": 3"""));

        Assert.Equal(Channel, evt.ConversationId);
        Assert.Equal(Channel, Metadata(evt, "thread_id").GetString());
    }

    [Fact]
    public void MessageCreate_ThreadStarterMessage_KeepsThreadAndParentIds()
    {
        var evt = Created(Message(
            """, "message_reference": { "message_id": "1300000000000000000", "channel_id": "1100000000000000000", "guild_id": "1200000000000000001" }""",
            content: "", type: 21));

        Assert.Equal(Channel, Metadata(evt, "thread_id").GetString());
        Assert.Equal("1100000000000000000", Metadata(evt, "thread_parent_id").GetString());
        Assert.Null(evt.ReplyToMessageId);
        Assert.False(HasMetadata(evt, "content_missing"));
    }

    [Fact]
    public void MessageCreate_StartedAThread_KeepsTheNewThreadsId()
    {
        var evt = Created(Message(""", "thread": { "id": "1300000000000000001", "parent_id": "1100000000000000001", "type": 11, "name": "Topic" }"""));

        Assert.Equal("1300000000000000001", Metadata(evt, "started_thread_id").GetString());
        Assert.False(HasMetadata(evt, "thread_id"));
    }

    [Fact]
    public void MessageCreate_WithoutTimestamp_TimeComesFromTheSnowflake()
    {
        var evt = Created("""{ "id": "1397729799727878254", "type": 0, "channel_id": "1", "content": "x", "author": { "id": "2" } }""");

        Assert.Equal(new DateTimeOffset(2025, 7, 23, 23, 59, 12, 819, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void MessageCreate_WebhookEventGameDirectMessage_IsADirectMessage()
    {
        var evt = SingleFixture("webhook-event-game-direct-message-create.json");

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal("get in friend, we're going raiding", evt.Text);
        Assert.False(evt.IsGroup);
        Assert.Equal("webhook_event", Metadata(evt, "delivery").GetString());
        Assert.Equal("2025-08-14T18:09:38.063234", Metadata(evt, "event_timestamp").GetString());
        Assert.Equal(new DateTimeOffset(2025, 8, 14, 18, 9, 37, 947, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void MessageCreate_WebhookEventLobbyMessage_IsAGroupMessage()
    {
        var evt = SingleFixture("webhook-event-lobby-message-create.json");

        Assert.Equal("welcome to the party!", evt.Text);
        Assert.True(evt.IsGroup);
        Assert.Equal("1397729744753266719", evt.ConversationId);
        Assert.Equal("LOBBY_MESSAGE_CREATE/default", evt.Shape);
    }
}
