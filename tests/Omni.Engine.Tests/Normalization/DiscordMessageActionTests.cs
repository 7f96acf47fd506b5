using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>MESSAGE_UPDATE, MESSAGE_DELETE(_BULK) and the reaction dispatches: what acts on a message.</summary>
public class DiscordMessageActionTests
{
    private static string Update(string content = "\"fixed typo\"", string? editedAt = "\"2026-01-02T03:10:00.123456+00:00\"",
        string attachments = "[]", bool pinned = false) =>
        $$"""
        {
          "id": "1300000000000000001", "type": 0, "channel_id": "1100000000000000001", "guild_id": "1200000000000000001",
          "author": { "id": "1400000000000000001", "username": "maria_s", "global_name": null },
          "content": {{content}},
          "timestamp": "2026-01-02T03:04:05.678912+00:00",
          "edited_timestamp": {{editedAt ?? "null"}},
          "attachments": {{attachments}}, "embeds": [], "mentions": [], "mention_roles": [], "pinned": {{(pinned ? "true" : "false")}}, "tts": false
        }
        """;

    [Fact]
    public void MessageUpdate_EditFixture_IsAnEditWithTheNewText()
    {
        var evt = SingleFixture("message-update-d-edit.json");

        Assert.Equal(EventKinds.MessageEdit, evt.EventKind);
        Assert.Equal(ContentTypes.Text, evt.ContentType);
        Assert.Equal("b", evt.Text);
        Assert.Equal("302917639565475840", evt.TargetMessageId);
        Assert.Null(evt.ProviderMessageId);
        Assert.Equal("302917639565475840:edit:2017-04-15T21:30:43.074233Z", evt.ProviderEventId);
        Assert.Equal(new DateTimeOffset(2017, 4, 15, 21, 30, 43, 74, TimeSpan.Zero), evt.OccurredAt);
        Assert.Equal("100000000000000001", evt.SenderHandle);
        Assert.Equal("alice", evt.SenderName);
    }

    [Fact]
    public void MessageUpdate_SameEditTwice_IsOneEvent_AnotherEditIsAnother()
    {
        var first = Dispatch("MESSAGE_UPDATE", Update());
        var redelivered = Single(Frame("MESSAGE_UPDATE", Update(), sequence: 99));
        var sameInstantOtherOffset = Dispatch("MESSAGE_UPDATE", Update(editedAt: "\"2026-01-02T00:10:00.123456-03:00\""));
        var secondEdit = Dispatch("MESSAGE_UPDATE", Update(content: "\"fixed typo again\"", editedAt: "\"2026-01-02T03:11:00.000000+00:00\""));

        Assert.Equal(first.EventId, redelivered.EventId);
        Assert.Equal(first.EventId, sameInstantOtherOffset.EventId);
        Assert.NotEqual(first.EventId, secondEdit.EventId);
        Assert.Equal("1300000000000000001:edit:2026-01-02T03:10:00.123456Z", first.ProviderEventId);
    }

    [Fact]
    public void MessageUpdate_EmbedUnfurlFixture_IsNotAnEdit()
    {
        var evt = SingleFixture("message-update-embed-unfurl.json");

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Null(evt.Text);
        Assert.Equal("123456789012345678", evt.TargetMessageId);
        Assert.Equal("MESSAGE_UPDATE/not_an_edit", evt.Shape);
        Assert.StartsWith("sha256:", evt.ProviderEventId, StringComparison.Ordinal);
        Assert.Equal("YouTube", Metadata(evt, "embeds")[0].GetProperty("provider").GetProperty("name").GetString());
        Assert.False(HasMetadata(evt, "text_from_embed"));
    }

    [Fact]
    public void MessageUpdate_EmptyContentWithoutTheContentIntent_IsNotAnEditButFlagged()
    {
        var evt = Dispatch("MESSAGE_UPDATE", Update(content: "\"\""));

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Null(evt.Text);
        Assert.True(Metadata(evt, "content_missing").GetBoolean());
        Assert.Equal("1300000000000000001", evt.TargetMessageId);
    }

    [Fact]
    public void MessageUpdate_WithoutEditedTimestamp_IsNotAnEdit()
    {
        // A pin or flag change resends the message with content but no edit.
        var evt = Dispatch("MESSAGE_UPDATE", Update(editedAt: null, pinned: true));

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("MESSAGE_UPDATE/not_an_edit", evt.Shape);
    }

    [Fact]
    public void MessageUpdate_EditRemovingTextButKeepingAnAttachment_IsAnEditWithoutText()
    {
        var evt = Dispatch("MESSAGE_UPDATE", Update(
            content: "\"\"",
            attachments: """[ { "id": "1", "filename": "a.png", "size": 3, "url": "https://cdn.discordapp.com/a.png", "proxy_url": "https://media.discordapp.net/a.png" } ]"""));

        Assert.Equal(EventKinds.MessageEdit, evt.EventKind);
        Assert.Equal(ContentTypes.Image, evt.ContentType);
        Assert.Null(evt.Text);
    }

    [Fact]
    public void MessageUpdate_WebhookEventLobbyFixture_IsAnEdit()
    {
        var evt = SingleFixture("webhook-event-lobby-message-update.json");

        Assert.Equal(EventKinds.MessageEdit, evt.EventKind);
        Assert.Equal("noice", evt.Text);
        Assert.Equal("1402390388030832792", evt.TargetMessageId);
        Assert.Equal("1402390388030832792:edit:2025-08-05T20:39:19.557970Z", evt.ProviderEventId);
    }

    [Fact]
    public void MessageDelete_Fixture_IsADeleteOfTheMessage()
    {
        var evt = SingleFixture("message-delete.json");

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("680840044138987656", evt.TargetMessageId);
        Assert.Equal("680840044138987656:delete", evt.ProviderEventId);
        Assert.Equal("680839020124700740", evt.ConversationId);
        Assert.True(evt.IsGroup);
        Assert.Null(evt.SenderHandle);
        Assert.Null(evt.OccurredAt);
    }

    [Fact]
    public void MessageDeleteBulk_Fixture_IsOneDeletePerId()
    {
        var evt = SingleFixture("message-delete-bulk.json");

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal("999999999999999999:delete", evt.ProviderEventId);
    }

    [Fact]
    public void MessageDeleteBulk_SeveralIds_OneDeleteEach_SameIdsAsSingleDeletes()
    {
        var bulk = NormalizeAll(Frame("MESSAGE_DELETE_BULK", """{ "ids": ["11", "12", "13"], "channel_id": "5", "guild_id": "6" }"""));
        var single = Dispatch("MESSAGE_DELETE", """{ "id": "12", "channel_id": "5", "guild_id": "6" }""");

        Assert.Equal(["11", "12", "13"], bulk.Select(e => e.TargetMessageId));
        Assert.All(bulk, e => Assert.Equal(EventKinds.MessageDelete, e.EventKind));
        Assert.Equal(single.EventId, bulk[1].EventId);
    }

    [Fact]
    public void MessageDelete_WebhookEventLobbyFixture_IsADeleteAtTheEventsTime()
    {
        var evt = SingleFixture("webhook-event-lobby-message-delete.json");

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
        Assert.Equal("1402406637632884857", evt.TargetMessageId);
        Assert.Equal("1402399883394285659", evt.ConversationId);
        Assert.Equal(new DateTimeOffset(2025, 8, 5, 21, 44, 9, 412, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void MessageReactionAdd_UnicodeFixture_IsAReaction()
    {
        var evt = SingleFixture("message-reaction-add-unicode.json");

        Assert.Equal(EventKinds.Reaction, evt.EventKind);
        Assert.Equal(ContentTypes.Reaction, evt.ContentType);
        Assert.Equal("😊", evt.ReactionEmoji);
        Assert.Equal("added", evt.Status);
        Assert.Equal("679003565884440580", evt.TargetMessageId);
        Assert.Equal("123456789012345678", evt.SenderHandle);
        Assert.Equal("a", evt.SenderName);
        Assert.Equal("200000000000000001", evt.ConversationId);
        Assert.True(evt.IsGroup);
        Assert.Equal("679003565884440580:reaction:123456789012345678:😊:add", evt.ProviderEventId);
    }

    [Fact]
    public void MessageReactionAdd_CustomEmojiFixture_IsWrittenAsDiscordSyntax()
    {
        var evt = SingleFixture("message-reaction-add-d-custom-emoji.json");

        Assert.Equal("<:AkaShrug:238039508006862848>", evt.ReactionEmoji);
        Assert.Equal("302928389764022282:reaction:100000000000000001:238039508006862848:add", evt.ProviderEventId);
        Assert.False(evt.IsGroup);
    }

    [Fact]
    public void MessageReactionAdd_AnimatedCustomEmoji_HasTheAnimatedPrefix()
    {
        var evt = Dispatch("MESSAGE_REACTION_ADD",
            """{ "user_id": "1", "channel_id": "2", "message_id": "3", "emoji": { "id": "44", "name": "party", "animated": true }, "burst": false, "type": 0 }""");

        Assert.Equal("<a:party:44>", evt.ReactionEmoji);
    }

    [Fact]
    public void MessageReactionAdd_ByTheBot_IsFromMe()
    {
        var evt = Dispatch("MESSAGE_REACTION_ADD",
            $$"""{ "user_id": "{{BotUserId}}", "channel_id": "2", "message_id": "3", "emoji": { "id": null, "name": "👍" }, "burst": false, "type": 0 }""");

        Assert.True(evt.FromMe);
    }

    [Fact]
    public void MessageReactionRemove_Fixture_IsAReactionWithAnEmptyEmoji()
    {
        var evt = SingleFixture("message-reaction-remove.json");

        Assert.Equal(EventKinds.Reaction, evt.EventKind);
        Assert.Equal(string.Empty, evt.ReactionEmoji);
        Assert.Equal("removed", evt.Status);
        Assert.Equal("🤔", Metadata(evt, "removed_emoji").GetString());
        Assert.Equal("679003565884440580:reaction:123456789012345678:🤔:remove", evt.ProviderEventId);
    }

    [Fact]
    public void MessageReaction_AddAndRemoveOfOneEmoji_AreTwoEvents_ARedeliveryIsNot()
    {
        const string data = """{ "user_id": "1", "channel_id": "2", "message_id": "3", "emoji": { "id": null, "name": "🔥" }, "burst": false, "type": 0 }""";
        var add = Single(Frame("MESSAGE_REACTION_ADD", data, sequence: 10));
        var addResumed = Single(Frame("MESSAGE_REACTION_ADD", data, sequence: 3));
        var remove = Single(Frame("MESSAGE_REACTION_REMOVE", data, sequence: 11));
        var otherEmoji = Single(Frame("MESSAGE_REACTION_ADD", data.Replace("🔥", "👍", StringComparison.Ordinal)));

        Assert.Equal(add.EventId, addResumed.EventId);
        Assert.NotEqual(add.EventId, remove.EventId);
        Assert.NotEqual(add.EventId, otherEmoji.EventId);
    }

    [Fact]
    public void MessageReactionRemoveAll_NoUser_IsAReactionRemovalOfEveryone()
    {
        var evt = Dispatch("MESSAGE_REACTION_REMOVE_ALL", """{ "channel_id": "2", "message_id": "3", "guild_id": "4" }""");

        Assert.Equal(EventKinds.Reaction, evt.EventKind);
        Assert.Equal(string.Empty, evt.ReactionEmoji);
        Assert.Equal("removed_all", evt.Status);
        Assert.Equal("3", evt.TargetMessageId);
        Assert.Null(evt.SenderHandle);
        Assert.Equal("3:reaction:*:*:remove_all", evt.ProviderEventId);
    }

    [Fact]
    public void MessageReactionRemoveEmoji_OneEmoji_IsAReactionRemovalOfThatEmoji()
    {
        var evt = Dispatch("MESSAGE_REACTION_REMOVE_EMOJI",
            """{ "channel_id": "2", "message_id": "3", "guild_id": "4", "emoji": { "id": "55", "name": "blob" } }""");

        Assert.Equal(string.Empty, evt.ReactionEmoji);
        Assert.Equal("removed_emoji", evt.Status);
        Assert.Equal("<:blob:55>", Metadata(evt, "removed_emoji").GetString());
        Assert.Equal("3:reaction:*:55:remove_emoji", evt.ProviderEventId);
    }
}
