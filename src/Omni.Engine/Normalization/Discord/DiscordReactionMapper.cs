using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// MESSAGE_REACTION_ADD / REMOVE <c>{ user_id, channel_id, message_id, guild_id?, member?, emoji: { id, name, animated? },
/// burst, type }</c>, REMOVE_ALL <c>{ channel_id, message_id, guild_id? }</c> and REMOVE_EMOJI (… <c>emoji</c>): kind
/// <c>reaction</c>, <c>target_message_id</c> = the message. As in the Evolution normalizer, a removal is a reaction whose
/// <c>reaction_emoji</c> is <c>""</c>; <c>status</c> says which (<c>added</c>, <c>removed</c>, <c>removed_all</c>,
/// <c>removed_emoji</c>) and provider_metadata.<c>removed_emoji</c> names the emoji taken away.
/// </summary>
/// <remarks>
/// Emoji: a Unicode emoji is itself (<c>🔥</c>); a custom one is written as Discord's message syntax, <c>&lt;:name:id&gt;</c>
/// (<c>&lt;a:name:id&gt;</c> when animated). provider_event_id: <c>{message}:reaction:{user}:{emoji}:add|remove</c>
/// (custom emoji by id), so a resumed or replayed copy is one event. Discord gives reactions no time of their own: the
/// same user adding the same emoji to the same message a second time, after removing it, is deduplicated into the first.
/// </remarks>
internal static class DiscordReactionMapper
{
    public static OmniEvent Reaction(DiscordContext context, JsonElement item)
    {
        var messageId = item.Id("message_id");
        var userId = item.Id("user_id");
        var emoji = item.Obj("emoji");
        var emojiText = EmojiText(emoji);
        var (status, action) = context.EventName switch
        {
            DiscordNames.MessageReactionAdd => ("added", "add"),
            DiscordNames.MessageReactionRemove => ("removed", "remove"),
            DiscordNames.MessageReactionRemoveAll => ("removed_all", "remove_all"),
            _ => ("removed_emoji", "remove_emoji"),
        };
        var isAdd = action == "add";
        var providerEventId = messageId is null
            ? DiscordEventFactory.ContentId(context, item)
            : string.Join(":", messageId, "reaction", userId ?? "*", EmojiKey(emoji) ?? "*", action);
        var member = item.Obj("member");
        return DiscordEventFactory.Create(
            context,
            EventKinds.Reaction,
            ContentTypes.Reaction,
            providerEventId,
            null,
            item,
            new ProviderMetadata.Added().Text("removed_emoji", isAdd ? null : emojiText)) with
        {
            ConversationId = item.Id("channel_id"),
            SenderHandle = userId,
            SenderName = DiscordJson.DisplayName(member?.Obj("user")),
            FromMe = context.IsMe(userId),
            IsGroup = item.Id("guild_id") is not null,
            TargetMessageId = messageId,
            ReactionEmoji = isAdd ? emojiText ?? string.Empty : string.Empty,
            Status = status,
        };
    }

    /// <summary><c>🔥</c> for a Unicode emoji, <c>&lt;:AkaShrug:238039508006862848&gt;</c> for a custom one.</summary>
    public static string? EmojiText(JsonElement? emoji)
    {
        if (emoji is not { } e)
        {
            return null;
        }

        var name = e.NonBlank("name");
        return e.Id("id") is { } id
            ? $"<{(e.IsTrue("animated") ? "a" : string.Empty)}:{name ?? "_"}:{id}>"
            : name;
    }

    /// <summary>What identifies an emoji in an id: a custom emoji's id (its name can be renamed), a Unicode emoji itself.</summary>
    private static string? EmojiKey(JsonElement? emoji) =>
        emoji is { } e ? e.Id("id") ?? e.NonBlank("name") : null;
}
