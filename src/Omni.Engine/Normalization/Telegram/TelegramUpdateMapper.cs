using System.Globalization;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Telegram;

/// <summary>
/// The updates that are not messages: reactions (<c>message_reaction</c>, and <c>message_reaction_count</c> as an
/// aggregate), button presses (<c>callback_query</c>), membership changes (<c>my_chat_member</c>, <c>chat_member</c>),
/// polls (<c>poll</c>, <c>poll_answer</c>), and anything else, kept as <c>unknown</c>.
/// </summary>
internal static class TelegramUpdateMapper
{
    /// <summary>
    /// <c>message_reaction</c> <c>{ chat, message_id, user | actor_chat, date, old_reaction, new_reaction }</c>: the user's
    /// reactions to one message changed. <c>reaction_emoji</c> is the one added (the first of <c>new_reaction</c> not in
    /// <c>old_reaction</c>, else the first of <c>new_reaction</c>), <c>""</c> when all were removed, as on WhatsApp;
    /// status <c>added</c>, <c>removed</c> or <c>changed</c>. Custom emoji read <c>custom_emoji:{id}</c>, paid ones <c>paid</c>.
    /// </summary>
    public static OmniEvent Reaction(TelegramContext context, JsonElement item)
    {
        var chat = item.Obj("chat");
        var user = item.Obj("user");
        var actorChat = item.Obj("actor_chat");
        var sender = user?.Id("id") ?? actorChat?.Id("id");
        var old = Reactions(item.Arr("old_reaction"));
        var now = Reactions(item.Arr("new_reaction"));
        var added = now.FirstOrDefault(r => !old.Contains(r, StringComparer.Ordinal)) ?? now.FirstOrDefault();
        var status = now.Count == 0 ? "removed" : old.Count == 0 ? "added" : "changed";
        return TelegramEventFactory.Create(context, EventKinds.Reaction, ContentTypes.Reaction, status, item,
            new ProviderMetadata.Added().Text("chat_type", chat?.Str("type"))) with
        {
            ConversationId = chat?.Id("id"),
            SenderHandle = sender,
            SenderName = user is { } u ? TelegramJson.UserName(u) : TelegramJson.ChatName(actorChat),
            FromMe = context.IsMe(sender),
            IsGroup = TelegramJson.IsGroupChat(chat),
            TargetMessageId = item.Id("message_id"),
            ReactionEmoji = added ?? "",
            Status = status,
            OccurredAt = item.Time("date"),
        };
    }

    /// <summary>
    /// <c>message_reaction_count</c> <c>{ chat, message_id, date, reactions: [{ type, total_count }] }</c>: anonymous reactions
    /// (channels) as an aggregate: kind <c>reaction</c> without a sender, status <c>counts</c>, and the tally as
    /// <c>reaction_counts</c> in provider_metadata (<c>"🗿:2 🌭:1"</c>).
    /// </summary>
    public static OmniEvent ReactionCount(TelegramContext context, JsonElement item)
    {
        var chat = item.Obj("chat");
        var tally = string.Join(" ", item.Objects("reactions")
            .Select(r => ReactionText(r.Obj("type")) + ":" + (r.Int64("total_count") ?? 0).ToString(CultureInfo.InvariantCulture)));
        return TelegramEventFactory.Create(context, EventKinds.Reaction, ContentTypes.Reaction, "counts", item,
            new ProviderMetadata.Added().Text("chat_type", chat?.Str("type")).Text("reaction_counts", tally)) with
        {
            ConversationId = chat?.Id("id"),
            IsGroup = TelegramJson.IsGroupChat(chat),
            TargetMessageId = item.Id("message_id"),
            Status = "counts",
            OccurredAt = item.Time("date"),
        };
    }

    /// <summary>
    /// <c>callback_query</c>: an inline keyboard button was pressed. Like a Discord button: kind <c>message</c>, content
    /// <c>command</c>, text = the button's <c>data</c> (or <c>game_short_name</c>), target = the message holding the
    /// button. It has no time of its own (the message's date is when the button was sent).
    /// </summary>
    public static OmniEvent CallbackQuery(TelegramContext context, JsonElement item)
    {
        var from = item.Obj("from");
        var message = item.Obj("message");
        var chat = message?.Obj("chat");
        var sender = from?.Id("id");
        return TelegramEventFactory.Create(context, EventKinds.Message, ContentTypes.Command, null, item,
            new ProviderMetadata.Added().Text("chat_type", chat?.Str("type"))) with
        {
            ConversationId = chat?.Id("id"),
            SenderHandle = sender,
            SenderName = TelegramJson.UserName(from),
            FromMe = context.IsMe(sender),
            IsGroup = TelegramJson.IsGroupChat(chat),
            Text = item.Str("data") ?? item.Str("game_short_name"),
            TargetMessageId = message?.Id("message_id"),
        };
    }

    /// <summary>
    /// <c>my_chat_member</c> (the bot's own membership) and <c>chat_member</c> (anyone's, when the bot is an admin asking
    /// for them): kind <c>group</c>, the member in <c>participants</c>, the sender is who made the change. Status from the
    /// old and new member status: <c>add</c> (joined), <c>remove</c> (left, kicked), <c>promote</c>, <c>demote</c>, else
    /// <c>update</c>; the new status is in the shape (<c>chat_member/kicked</c>).
    /// </summary>
    public static OmniEvent Member(TelegramContext context, JsonElement item)
    {
        var chat = item.Obj("chat");
        var from = item.Obj("from");
        var sender = from?.Id("id");
        var oldMember = item.Obj("old_chat_member");
        var newMember = item.Obj("new_chat_member");
        var member = newMember?.Obj("user")?.Id("id") ?? oldMember?.Obj("user")?.Id("id");
        var newStatus = newMember?.NonBlank("status");
        return TelegramEventFactory.Create(context, EventKinds.Group, ContentTypes.Unknown, newStatus, item,
            new ProviderMetadata.Added().Text("chat_type", chat?.Str("type")).Text("old_status", oldMember?.NonBlank("status"))) with
        {
            ConversationId = chat?.Id("id"),
            SenderHandle = sender,
            SenderName = TelegramJson.UserName(from),
            FromMe = context.IsMe(sender),
            IsGroup = TelegramJson.IsGroupChat(chat),
            Participants = member is null ? null : [member],
            Status = Transition(oldMember, newMember),
            OccurredAt = item.Time("date"),
        };
    }

    /// <summary>
    /// <c>poll_answer</c> <c>{ poll_id, user | voter_chat, option_ids }</c>: a vote in a non-anonymous poll: kind
    /// <c>poll_vote</c>, status = the chosen option indexes (<c>"0,2"</c>; <c>""</c> when the vote was retracted). Telegram
    /// names the poll, not its message or chat: <c>poll_id</c> is in provider_metadata.
    /// </summary>
    public static OmniEvent PollAnswer(TelegramContext context, JsonElement item)
    {
        var user = item.Obj("user");
        var voterChat = item.Obj("voter_chat");
        var sender = user?.Id("id") ?? voterChat?.Id("id");
        return TelegramEventFactory.Create(context, EventKinds.PollVote, ContentTypes.Poll, null, item) with
        {
            SenderHandle = sender,
            SenderName = user is { } u ? TelegramJson.UserName(u) : TelegramJson.ChatName(voterChat),
            FromMe = context.IsMe(sender),
            Status = string.Join(",", item.Integers("option_ids")),
        };
    }

    /// <summary>
    /// <c>poll</c>: a poll's new state (bots receive it for polls they sent and polls stopped by hand): kind
    /// <c>poll_vote</c> without a voter, text = the question, status <c>closed</c> or <c>open</c>; the options and
    /// their counts are in provider_metadata.
    /// </summary>
    public static OmniEvent Poll(TelegramContext context, JsonElement item) =>
        TelegramEventFactory.Create(context, EventKinds.PollVote, ContentTypes.Poll, item.IsTrue("is_closed") ? "closed" : "open", item) with
        {
            Text = item.Str("question"),
            Status = item.IsTrue("is_closed") ? "closed" : "open",
        };

    /// <summary>An update type Omni does not map (or a body that is not an Update): kept, with its chat when it names one.</summary>
    public static OmniEvent Unknown(TelegramContext context, JsonElement item) =>
        TelegramEventFactory.Create(context, EventKinds.Unknown, ContentTypes.Unknown, null, item) with
        {
            ConversationId = item.Obj("chat")?.Id("id"),
            IsGroup = TelegramJson.IsGroupChat(item.Obj("chat")),
            OccurredAt = item.Time("date"),
        };

    private static string Transition(JsonElement? oldMember, JsonElement? newMember)
    {
        var (was, now) = (oldMember?.NonBlank("status"), newMember?.NonBlank("status"));
        var (wasIn, isIn) = (IsMember(oldMember), IsMember(newMember));
        return (wasIn, isIn) switch
        {
            (false, true) => "add",
            (true, false) => "remove",
            _ when was == "member" && now is "administrator" or "creator" => "promote",
            _ when was is "administrator" or "creator" && now == "member" => "demote",
            _ => "update",
        };
    }

    /// <summary>In the chat: member, administrator, creator, or restricted while still a member.</summary>
    private static bool IsMember(JsonElement? member) =>
        member?.NonBlank("status") switch
        {
            "member" or "administrator" or "creator" => true,
            "restricted" => member.Value.IsTrue("is_member"),
            _ => false,
        };

    private static List<JsonElement> Objects(this JsonElement element, string name) =>
        element.Arr(name) is { } array ? [.. array.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)] : [];

    private static List<string> Reactions(JsonElement? array) =>
        array is { ValueKind: JsonValueKind.Array } items
            ? [.. items.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object).Select(r => ReactionText(r)).OfType<string>()]
            : [];

    /// <summary>A ReactionType: <c>{type: emoji, emoji}</c>, <c>{type: custom_emoji, custom_emoji_id}</c>, <c>{type: paid}</c>.</summary>
    private static string? ReactionText(JsonElement? type) =>
        type?.Str("type") switch
        {
            "emoji" => type.Value.Str("emoji"),
            "custom_emoji" => type.Value.Id("custom_emoji_id") is { } id ? "custom_emoji:" + id : null,
            "paid" => "paid",
            _ => null,
        };
}
