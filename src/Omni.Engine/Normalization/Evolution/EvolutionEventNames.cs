using System.Collections.Frozen;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// Evolution API's webhook event names. The body says <c>"event": "messages.upsert"</c>, but the same names appear
/// in configuration as <c>MESSAGES_UPSERT</c> and some proxies/forwarders pass that spelling through, so both are
/// accepted and normalized to the dotted lowercase form Evolution itself uses.
/// </summary>
public static class EvolutionEventNames
{
    public const string MessagesUpsert = "messages.upsert";
    public const string MessagesUpdate = "messages.update";
    public const string MessagesEdited = "messages.edited";
    public const string MessagesDelete = "messages.delete";
    public const string SendMessage = "send.message";
    public const string PresenceUpdate = "presence.update";
    public const string ConnectionUpdate = "connection.update";
    public const string QrCodeUpdated = "qrcode.updated";
    public const string ContactsUpsert = "contacts.upsert";
    public const string ContactsUpdate = "contacts.update";
    public const string GroupsUpsert = "groups.upsert";
    public const string GroupsUpdate = "groups.update";
    public const string GroupParticipantsUpdate = "group-participants.update";
    public const string Call = "call";

    // Names whose dotted form is not "underscores become dots": Evolution keeps a dash inside them.
    private static readonly FrozenDictionary<string, string> Irregular = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["group_participants_update"] = GroupParticipantsUpdate,
        ["group_participants.update"] = GroupParticipantsUpdate,
        ["messaging_history_set"] = "messaging-history.set",
        ["typebot_change_status"] = "typebot.change-status",
        // Evolution's configuration calls it GROUP_UPDATE in places, the webhook body groups.update.
        ["group_update"] = GroupsUpdate,
        ["group.update"] = GroupsUpdate,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// <c>MESSAGES_UPSERT</c>, <c>messages.upsert</c> and <c>Messages.Upsert</c> all give <c>messages.upsert</c>;
    /// <c>GROUP_PARTICIPANTS_UPDATE</c> gives <c>group-participants.update</c>. Null or blank gives null.
    /// </summary>
    public static string? Normalize(string? eventName)
    {
        if (string.IsNullOrWhiteSpace(eventName))
        {
            return null;
        }

        var lower = eventName.Trim().ToLowerInvariant();
        return Irregular.TryGetValue(lower, out var irregular) ? irregular : lower.Replace('_', '.');
    }
}
