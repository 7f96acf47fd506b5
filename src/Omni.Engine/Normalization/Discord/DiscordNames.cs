using System.Collections.Frozen;
using System.Globalization;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// Discord's names: gateway dispatch events (<c>t</c>), Webhook Event types (<c>event.type</c>), and the numbers
/// Discord sends for message types, interaction types and gateway opcodes, spelled as lower-case enum names in shapes.
/// </summary>
public static class DiscordNames
{
    public const string Ready = "READY";
    public const string Resumed = "RESUMED";
    public const string MessageCreate = "MESSAGE_CREATE";
    public const string MessageUpdate = "MESSAGE_UPDATE";
    public const string MessageDelete = "MESSAGE_DELETE";
    public const string MessageDeleteBulk = "MESSAGE_DELETE_BULK";
    public const string MessageReactionAdd = "MESSAGE_REACTION_ADD";
    public const string MessageReactionRemove = "MESSAGE_REACTION_REMOVE";
    public const string MessageReactionRemoveAll = "MESSAGE_REACTION_REMOVE_ALL";
    public const string MessageReactionRemoveEmoji = "MESSAGE_REACTION_REMOVE_EMOJI";
    public const string TypingStart = "TYPING_START";
    public const string PresenceUpdate = "PRESENCE_UPDATE";
    public const string GuildMemberAdd = "GUILD_MEMBER_ADD";
    public const string GuildMemberRemove = "GUILD_MEMBER_REMOVE";
    public const string GuildMemberUpdate = "GUILD_MEMBER_UPDATE";
    public const string ThreadCreate = "THREAD_CREATE";
    public const string ThreadUpdate = "THREAD_UPDATE";
    public const string ThreadDelete = "THREAD_DELETE";
    public const string ThreadMembersUpdate = "THREAD_MEMBERS_UPDATE";
    public const string InteractionCreate = "INTERACTION_CREATE";

    /// <summary>Webhook Events (HTTP, Social SDK) that carry messages.</summary>
    public const string LobbyMessageCreate = "LOBBY_MESSAGE_CREATE";
    public const string LobbyMessageUpdate = "LOBBY_MESSAGE_UPDATE";
    public const string LobbyMessageDelete = "LOBBY_MESSAGE_DELETE";
    public const string GameDirectMessageCreate = "GAME_DIRECT_MESSAGE_CREATE";
    public const string GameDirectMessageUpdate = "GAME_DIRECT_MESSAGE_UPDATE";
    public const string GameDirectMessageDelete = "GAME_DIRECT_MESSAGE_DELETE";

    /// <summary>provider_event_type of a Webhook Event PING (<c>type: 0</c>), which has no event name of its own.</summary>
    public const string WebhookPing = "WEBHOOK_PING";

    /// <summary>Message types whose content is what a person (or bot) wrote; the others are system notices.</summary>
    public static bool IsAuthoredMessageType(int? type) => type is null or 0 or 19 or 20 or 23;

    /// <summary>Message type 19: a reply (its <c>message_reference</c> names the replied-to message).</summary>
    public const int ReplyMessageType = 19;

    /// <summary>Message type 21: the first message of a thread started from a message; it lives in the thread.</summary>
    public const int ThreadStarterMessageType = 21;

    private static readonly FrozenDictionary<int, string> MessageTypes = new Dictionary<int, string>
    {
        [0] = "default", [1] = "recipient_add", [2] = "recipient_remove", [3] = "call", [4] = "channel_name_change",
        [5] = "channel_icon_change", [6] = "channel_pinned_message", [7] = "user_join", [8] = "guild_boost",
        [9] = "guild_boost_tier_1", [10] = "guild_boost_tier_2", [11] = "guild_boost_tier_3", [12] = "channel_follow_add",
        [14] = "guild_discovery_disqualified", [15] = "guild_discovery_requalified",
        [16] = "guild_discovery_grace_period_initial_warning", [17] = "guild_discovery_grace_period_final_warning",
        [18] = "thread_created", [19] = "reply", [20] = "chat_input_command", [21] = "thread_starter_message",
        [22] = "guild_invite_reminder", [23] = "context_menu_command", [24] = "auto_moderation_action",
        [25] = "role_subscription_purchase", [26] = "interaction_premium_upsell", [27] = "stage_start", [28] = "stage_end",
        [29] = "stage_speaker", [31] = "stage_topic", [32] = "guild_application_premium_subscription",
        [36] = "guild_incident_alert_mode_enabled", [37] = "guild_incident_alert_mode_disabled",
        [38] = "guild_incident_report_raid", [39] = "guild_incident_report_false_alarm", [44] = "purchase_notification",
        [46] = "poll_result",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<int, string> InteractionTypes = new Dictionary<int, string>
    {
        [1] = "ping", [2] = "application_command", [3] = "message_component", [4] = "autocomplete", [5] = "modal_submit",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<int, string> Opcodes = new Dictionary<int, string>
    {
        [1] = "HEARTBEAT", [7] = "RECONNECT", [9] = "INVALID_SESSION", [10] = "HELLO", [11] = "HEARTBEAT_ACK",
    }.ToFrozenDictionary();

    /// <summary><c>reply</c> for 19, <c>type_99</c> for a number Discord adds later, null without a type.</summary>
    public static string? MessageType(int? type) => type is { } t ? MessageTypes.GetValueOrDefault(t) ?? Numbered(t) : null;

    /// <summary><c>application_command</c> for 2, <c>type_9</c> for a number Discord adds later.</summary>
    public static string? InteractionType(int? type) => type is { } t ? InteractionTypes.GetValueOrDefault(t) ?? Numbered(t) : null;

    /// <summary>The name of a gateway opcode other than dispatch (0): <c>RECONNECT</c>, <c>HELLO</c>, ... or <c>OP_n</c>.</summary>
    public static string Opcode(int op) => Opcodes.GetValueOrDefault(op) ?? "OP_" + op.ToString(CultureInfo.InvariantCulture);

    private static string Numbered(int value) => "type_" + value.ToString(CultureInfo.InvariantCulture);
}
