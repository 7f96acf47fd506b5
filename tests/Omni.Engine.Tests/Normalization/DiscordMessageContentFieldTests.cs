using System.Text.Json;
using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// What a Discord message says, field by field: the media descriptors in provider_metadata, the mime of every known
/// extension, file names at the dot's edges, voice messages, old-style stickers, polls, embeds, components and forwards.
/// </summary>
public class DiscordMessageContentFieldTests
{
    private static OmniEvent Created(string extra = "", string content = "", int type = 0, string embeds = "[]") =>
        Dispatch("MESSAGE_CREATE",
            "{\"id\":\"1300000000000000001\",\"type\":" + type + ",\"channel_id\":\"1100000000000000001\",\"guild_id\":\"1200000000000000001\"," +
            "\"author\":{\"id\":\"1400000000000000001\",\"username\":\"maria_s\",\"global_name\":\"Maria Silva\"}," +
            "\"content\":" + JsonSerializer.Serialize(content) + ",\"timestamp\":\"2026-01-02T03:04:05.678+00:00\",\"edited_timestamp\":null," +
            "\"mentions\":[],\"mention_roles\":[],\"embeds\":" + embeds + ",\"pinned\":false" + extra + "}");

    private static OmniEvent WithAttachment(string attachmentFields, string extra = "") =>
        Created(",\"attachments\":[{\"id\":\"1500000000000000001\"," + attachmentFields + "}]" + extra);

    private static bool Has(JsonElement element, string name) => element.TryGetProperty(name, out _);

    [Fact]
    public void MediaDescriptor_EveryFieldItHas_AndNoneItLacks()
    {
        var evt = Created(",\"attachments\":[" +
            "{\"id\":\"1500000000000000001\",\"filename\":\"talk.ogg\",\"content_type\":\"audio/ogg\",\"size\":30000,\"duration_secs\":6.5,\"url\":\"https://cdn.discordapp.com/talk.ogg\"}," +
            "{\"id\":\"1500000000000000002\",\"filename\":\"blob.xyz\"}," +
            "{\"id\":\"1500000000000000003\"}]");

        var media = Metadata(evt, "media");
        var full = media[0];
        Assert.Equal(("attachment", "1500000000000000001", "audio", "audio/ogg"),
            (full.GetProperty("source").GetString(), full.GetProperty("id").GetString(), full.GetProperty("content_type").GetString(), full.GetProperty("mime_type").GetString()));
        Assert.Equal((30000L, 6.5, "talk.ogg", "https://cdn.discordapp.com/talk.ogg"),
            (full.GetProperty("size_bytes").GetInt64(), full.GetProperty("duration_seconds").GetDouble(), full.GetProperty("file_name").GetString(), full.GetProperty("url").GetString()));
        var bare = media[1];
        Assert.Equal(("document", "blob.xyz"), (bare.GetProperty("content_type").GetString(), bare.GetProperty("file_name").GetString()));
        Assert.False(Has(bare, "mime_type") || Has(bare, "size_bytes") || Has(bare, "duration_seconds") || Has(bare, "url"));
        var nameless = media[2];
        Assert.Equal("document", nameless.GetProperty("content_type").GetString());
        Assert.False(Has(nameless, "file_name") || Has(nameless, "mime_type"));
    }

    [Fact]
    public void Attachment_WithoutUrl_UsesTheProxyUrl()
    {
        var evt = WithAttachment("\"filename\":\"a.jpg\",\"proxy_url\":\"https://media.discordapp.net/a.jpg\"");

        Assert.Equal("https://media.discordapp.net/a.jpg", evt.MediaUrl);
    }

    [Fact]
    public void VoiceMessageFlag_MakesAnyAttachmentAudio()
    {
        var evt = WithAttachment("\"filename\":\"voice-message.mp4\",\"content_type\":\"video/mp4\",\"duration_secs\":3", ",\"flags\":8192");
        var notVoice = WithAttachment("\"filename\":\"clip.mp4\",\"content_type\":\"video/mp4\"", ",\"flags\":4");

        Assert.Equal((ContentTypes.Audio, "video/mp4"), (evt.ContentType, evt.MediaMimeType));
        Assert.Equal(ContentTypes.Video, notVoice.ContentType);
    }

    [Theory]
    [InlineData("png", "image/png", "image")]
    [InlineData("jpg", "image/jpeg", "image")]
    [InlineData("jpeg", "image/jpeg", "image")]
    [InlineData("gif", "image/gif", "image")]
    [InlineData("webp", "image/webp", "image")]
    [InlineData("bmp", "image/bmp", "image")]
    [InlineData("avif", "image/avif", "image")]
    [InlineData("heic", "image/heic", "image")]
    [InlineData("heif", "image/heif", "image")]
    [InlineData("tif", "image/tiff", "image")]
    [InlineData("tiff", "image/tiff", "image")]
    [InlineData("svg", "image/svg+xml", "image")]
    [InlineData("mp4", "video/mp4", "video")]
    [InlineData("m4v", "video/mp4", "video")]
    [InlineData("mov", "video/quicktime", "video")]
    [InlineData("webm", "video/webm", "video")]
    [InlineData("mkv", "video/x-matroska", "video")]
    [InlineData("avi", "video/x-msvideo", "video")]
    [InlineData("mp3", "audio/mpeg", "audio")]
    [InlineData("ogg", "audio/ogg", "audio")]
    [InlineData("oga", "audio/ogg", "audio")]
    [InlineData("opus", "audio/opus", "audio")]
    [InlineData("wav", "audio/wav", "audio")]
    [InlineData("flac", "audio/flac", "audio")]
    [InlineData("m4a", "audio/mp4", "audio")]
    [InlineData("aac", "audio/aac", "audio")]
    [InlineData("pdf", "application/pdf", "document")]
    [InlineData("txt", "text/plain", "document")]
    [InlineData("zip", "application/zip", "document")]
    public void Attachment_WithoutContentType_MimeFromEveryKnownExtension(string extension, string mime, string contentType)
    {
        var evt = WithAttachment("\"filename\":\"file." + extension + "\",\"size\":1");

        Assert.Equal((mime, contentType), (evt.MediaMimeType, evt.ContentType));
    }

    [Theory]
    [InlineData(".png")]
    [InlineData("png.")]
    [InlineData("png")]
    public void Attachment_FileNameWithoutAnExtensionAfterADot_HasNoMime(string fileName)
    {
        var evt = WithAttachment("\"filename\":\"" + fileName + "\"");

        Assert.Null(evt.MediaMimeType);
        Assert.Equal(ContentTypes.Document, evt.ContentType);
    }

    [Fact]
    public void Attachment_WithoutFileNameOrContentType_IsADocumentWithoutMime()
    {
        var evt = WithAttachment("\"size\":5");

        Assert.Equal((ContentTypes.Document, (string?)null, (string?)null), (evt.ContentType, evt.MediaMimeType, evt.MediaFileName));
    }

    [Fact]
    public void Sticker_ApngFormat_AndTheOlderStickersField_AndNoUrlWithoutAnId()
    {
        var apng = Created(",\"sticker_items\":[{\"id\":\"1600000000000000001\",\"name\":\"Wave\",\"format_type\":2}]");
        var old = Created(",\"sticker_items\":[],\"stickers\":[{\"id\":\"1600000000000000002\",\"name\":\"Old\",\"format_type\":1}]");
        var noId = Created(",\"sticker_items\":[{\"name\":\"Ghost\",\"format_type\":4}]");

        Assert.Equal(("image/apng", "https://cdn.discordapp.com/stickers/1600000000000000001.png"), (apng.MediaMimeType, apng.MediaUrl));
        Assert.Equal((ContentTypes.Sticker, "Old", "https://cdn.discordapp.com/stickers/1600000000000000002.png"), (old.ContentType, old.MediaFileName, old.MediaUrl));
        Assert.Equal("sticker", Metadata(old, "media")[0].GetProperty("source").GetString());
        Assert.Equal((ContentTypes.Sticker, "image/gif", (string?)null), (noId.ContentType, noId.MediaMimeType, noId.MediaUrl));
    }

    [Fact]
    public void Poll_QuestionWinsOverContent_ContentWhenTheQuestionHasNoText()
    {
        var asked = Created(",\"poll\":{\"question\":{\"text\":\"Lunch?\"},\"answers\":[]}", content: "see poll");
        var blank = Created(",\"poll\":{\"question\":{\"text\":\" \"},\"answers\":[]}", content: "see poll");

        Assert.Equal((ContentTypes.Poll, "Lunch?"), (asked.ContentType, asked.Text));
        Assert.Equal((ContentTypes.Poll, "see poll"), (blank.ContentType, blank.Text));
    }

    [Fact]
    public void EmbedText_TheFirstEmbedThatHasTitleOrDescription()
    {
        var evt = Created(embeds: "[{\"type\":\"image\",\"url\":\"https://x\"},{\"type\":\"rich\",\"description\":\"Second\"}]");

        Assert.Equal("Second", evt.Text);
        Assert.True(Metadata(evt, "text_from_embed").GetBoolean());
    }

    [Fact]
    public void PlainText_HasNoEmbedFlagNoMediaAndIsNotMissing()
    {
        var evt = Created(content: "hi");

        Assert.False(HasMetadata(evt, "text_from_embed"));
        Assert.False(HasMetadata(evt, "media"));
        Assert.False(HasMetadata(evt, "content_missing"));
    }

    [Fact]
    public void EmptyMessageWithComponents_IsNotMissingContent()
    {
        var evt = Created(",\"components\":[{\"type\":1,\"components\":[{\"type\":2,\"style\":1,\"label\":\"OK\",\"custom_id\":\"ok\"}]}]");

        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.False(HasMetadata(evt, "content_missing"));
    }

    [Fact]
    public void Forward_SnapshotWithoutReference_StillTakesTheSnapshot_AndAForwardReferenceWithoutSnapshotsKeepsTheMessage()
    {
        var partial = Created(",\"message_snapshots\":[{\"message\":{\"type\":0,\"content\":\"from the snapshot\"}}]", content: "");
        var noSnapshot = Created(",\"message_reference\":{\"type\":1,\"message_id\":\"1300000000000000000\"}", content: "own text");

        Assert.Equal("from the snapshot", partial.Text);
        Assert.True(partial.IsForwarded);
        Assert.Equal("own text", noSnapshot.Text);
    }

    [Fact]
    public void Forward_ContentMissing_DecidedByTheSnapshotsType_ElseTheMessagesType()
    {
        var authoredSnapshot = Created(",\"message_snapshots\":[{\"message\":{\"type\":0,\"content\":\"\"}}]", type: 7);
        var untypedSnapshot = Created(",\"message_snapshots\":[{\"message\":{\"content\":\"\"}}]", type: 7);
        var systemSnapshot = Created(",\"message_snapshots\":[{\"message\":{\"type\":7,\"content\":\"\"}}]", type: 0);

        Assert.True(Metadata(authoredSnapshot, "content_missing").GetBoolean());
        Assert.False(HasMetadata(untypedSnapshot, "content_missing"));
        Assert.False(HasMetadata(systemSnapshot, "content_missing"));
    }

    [Theory]
    [InlineData(0, "default")]
    [InlineData(1, "recipient_add")]
    [InlineData(2, "recipient_remove")]
    [InlineData(3, "call")]
    [InlineData(4, "channel_name_change")]
    [InlineData(5, "channel_icon_change")]
    [InlineData(6, "channel_pinned_message")]
    [InlineData(7, "user_join")]
    [InlineData(8, "guild_boost")]
    [InlineData(9, "guild_boost_tier_1")]
    [InlineData(10, "guild_boost_tier_2")]
    [InlineData(11, "guild_boost_tier_3")]
    [InlineData(12, "channel_follow_add")]
    [InlineData(14, "guild_discovery_disqualified")]
    [InlineData(15, "guild_discovery_requalified")]
    [InlineData(16, "guild_discovery_grace_period_initial_warning")]
    [InlineData(17, "guild_discovery_grace_period_final_warning")]
    [InlineData(18, "thread_created")]
    [InlineData(19, "reply")]
    [InlineData(20, "chat_input_command")]
    [InlineData(21, "thread_starter_message")]
    [InlineData(22, "guild_invite_reminder")]
    [InlineData(23, "context_menu_command")]
    [InlineData(24, "auto_moderation_action")]
    [InlineData(25, "role_subscription_purchase")]
    [InlineData(26, "interaction_premium_upsell")]
    [InlineData(27, "stage_start")]
    [InlineData(28, "stage_end")]
    [InlineData(29, "stage_speaker")]
    [InlineData(31, "stage_topic")]
    [InlineData(32, "guild_application_premium_subscription")]
    [InlineData(36, "guild_incident_alert_mode_enabled")]
    [InlineData(37, "guild_incident_alert_mode_disabled")]
    [InlineData(38, "guild_incident_report_raid")]
    [InlineData(39, "guild_incident_report_false_alarm")]
    [InlineData(44, "purchase_notification")]
    [InlineData(46, "poll_result")]
    public void Shape_NamesEveryMessageType(int type, string name)
    {
        var evt = Created(content: "x", type: type);

        Assert.Equal("MESSAGE_CREATE/" + name, evt.Shape);
    }
}
