using Omni.Engine.Events;
using Omni.Engine.Workflows.Expressions;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// Every name conditions and templates can read maps to its own field: an event whose every field has a distinct value,
/// read under each name, gives that field's value in expression terms (numbers as doubles, times as ISO-8601 UTC text).
/// </summary>
public class EventFieldsTests
{
    private static readonly OmniEvent Distinct = new()
    {
        EventId = "evt_distinct",
        Channel = "channel-value",
        Provider = "provider-value",
        Instance = "instance-value",
        EventKind = "kind-value",
        ContentType = "content-type-value",
        ProviderEventId = "provider-event-id-value",
        ProviderEventType = "provider-event-type-value",
        Shape = "shape-value",
        ProviderMessageId = "provider-message-id-value",
        ConversationId = "conversation-value",
        SenderHandle = "sender-handle-value",
        SenderName = "sender-name-value",
        IdentityId = "identity-value",
        FromMe = true,
        IsForwarded = true,
        IsViewOnce = true,
        IsGroup = true,
        IsEphemeral = true,
        Text = "text-value",
        MediaMimeType = "mime-value",
        MediaSizeBytes = 2048,
        MediaDurationSeconds = 3.5,
        MediaFileName = "file-name-value",
        MediaUrl = "https://media.example/value",
        ReplyToMessageId = "reply-to-value",
        TargetMessageId = "target-value",
        ReactionEmoji = "👍",
        Status = "status-value",
        OccurredAt = T0,
        ReceivedAt = T0.AddSeconds(1.5),
        RawBlob = "raw-blob-value",
        Participants = ["participant-1", "participant-2"],
        Mentions = ["mention-1"],
        MentionsMe = true,
        TextTruncated = true,
        TextLength = 6000,
    };

    public static TheoryData<string, object?> DistinctValues => new()
    {
        { "channel", "channel-value" },
        { "content_type", "content-type-value" },
        { "conversation_id", "conversation-value" },
        { "event_id", "evt_distinct" },
        { "event_kind", "kind-value" },
        { "from_me", true },
        { "identity_id", "identity-value" },
        { "instance", "instance-value" },
        { "is_ephemeral", true },
        { "is_forwarded", true },
        { "is_group", true },
        { "is_view_once", true },
        { "media_duration_seconds", 3.5 },
        { "media_file_name", "file-name-value" },
        { "media_mime_type", "mime-value" },
        { "media_size_bytes", 2048.0 },
        { "media_url", "https://media.example/value" },
        { "mentions", new List<object?> { "mention-1" } },
        { "mentions_me", true },
        { "occurred_at", "2026-11-23T17:00:00.000Z" },
        { "participants", new List<object?> { "participant-1", "participant-2" } },
        { "provider", "provider-value" },
        { "provider_event_id", "provider-event-id-value" },
        { "provider_event_type", "provider-event-type-value" },
        { "provider_message_id", "provider-message-id-value" },
        { "raw_blob", "raw-blob-value" },
        { "reaction_emoji", "👍" },
        { "received_at", "2026-11-23T17:00:01.500Z" },
        { "reply_to_message_id", "reply-to-value" },
        { "sender", "sender-handle-value" },
        { "sender_handle", "sender-handle-value" },
        { "sender_name", "sender-name-value" },
        { "shape", "shape-value" },
        { "status", "status-value" },
        { "target_message_id", "target-value" },
        { "text", "text-value" },
        { "text_length", 6000.0 },
        { "text_truncated", true },
    };

    [Theory]
    [MemberData(nameof(DistinctValues))]
    public void TryRead_EachName_ReadsItsOwnField(string name, object? expected)
    {
        Assert.True(EventFields.IsField(name));
        Assert.True(EventFields.TryRead(Distinct, name, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Names_AreExactlyTheReadableFields_InOrdinalOrder()
    {
        var expected = DistinctValues.Select(row => (string)row[0]).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), expected);
        Assert.Equal(expected, EventFields.Names);
    }

    [Theory]
    [InlineData("from_me")]
    [InlineData("is_forwarded")]
    [InlineData("is_view_once")]
    [InlineData("is_group")]
    [InlineData("is_ephemeral")]
    [InlineData("mentions_me")]
    public void TryRead_OneFlagSet_OnlyThatNameReadsTrue(string flag)
    {
        var evt = Message() with
        {
            FromMe = flag == "from_me",
            IsForwarded = flag == "is_forwarded",
            IsViewOnce = flag == "is_view_once",
            IsGroup = flag == "is_group",
            IsEphemeral = flag == "is_ephemeral",
            MentionsMe = flag == "mentions_me",
        };
        foreach (var name in new[] { "from_me", "is_forwarded", "is_view_once", "is_group", "is_ephemeral", "mentions_me" })
        {
            Assert.True(EventFields.TryRead(evt, name, out var value));
            Assert.Equal(name == flag, value);
        }
    }

    [Theory]
    [InlineData("participants")]
    [InlineData("mentions")]
    public void TryRead_AbsentList_IsEmptyList(string name)
    {
        var evt = Message() with { Participants = null, Mentions = null };
        Assert.True(EventFields.TryRead(evt, name, out var value));
        Assert.Equal(new List<object?>(), value);
    }

    [Fact]
    public void TryRead_AbsentOptionalFields_AreNullAndTextLengthFallsBackToText()
    {
        var evt = Message(text: "hello");
        Assert.True(EventFields.TryRead(evt, "text_length", out var length));
        Assert.Equal(5.0, length);
        Assert.True(EventFields.TryRead(evt, "text_truncated", out var truncated));
        Assert.Equal(false, truncated);
        Assert.True(EventFields.TryRead(evt, "media_url", out var url));
        Assert.Null(url);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Event_Id")]
    [InlineData("provider_metadata")]
    [InlineData("normalizer_version")]
    [InlineData("truncated_fields")]
    public void TryRead_UnlistedName_IsNotAField(string name)
    {
        Assert.False(EventFields.IsField(name));
        Assert.False(EventFields.TryRead(Distinct, name, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void TryRead_NullEvent_ThrowsArgumentNullNamingTheEvent()
    {
        var error = Assert.Throws<ArgumentNullException>(() => EventFields.TryRead(null!, "text", out _));
        Assert.Equal("evt", error.ParamName);
    }
}
