using System.Text.Json;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// Who wrote a message and in which chat, from a WhatsApp message key:
/// <c>{ remoteJid, fromMe, id, participant?, participantAlt?, remoteJidAlt?, senderPn?, participantPn? }</c>.
/// <list type="bullet">
/// <item><c>conversation_id</c> is <c>remoteJid</c> exactly as given (also when it is an <c>@lid</c>): it is the
/// chat's address on this instance. The phone alternates stay in provider_metadata.</item>
/// <item><c>sender_handle</c> for someone else's message is <c>participant</c> in groups and broadcasts,
/// <c>remoteJid</c> in 1:1 chats; when that address is an <c>@lid</c> alias and the key also names the phone JID
/// (<c>participantAlt</c>/<c>participantPn</c> in groups, <c>remoteJidAlt</c>/<c>senderPn</c> in 1:1), the phone
/// JID is used, so one person keeps one handle across chats.</item>
/// <item>A <c>fromMe</c> message was written by the instance's own account: the envelope's <c>sender</c>.
/// Evolution's <c>data.owner</c> (v1) and <c>data.instanceId</c> (v2) are the instance's name and UUID, not
/// addresses, so they are not used as handles; without an envelope sender a fromMe sender stays null.</item>
/// </list>
/// </summary>
internal readonly record struct MessageAddress(string? ConversationId, string? SenderHandle, bool FromMe, bool IsGroup)
{
    /// <param name="key">The key-shaped object (a message key, or a flat messages.update / messages.delete item).</param>
    /// <param name="ownerJid">The envelope's <c>sender</c>: the instance's own account.</param>
    public static MessageAddress From(JsonElement? key, string? ownerJid)
    {
        if (key is not { ValueKind: JsonValueKind.Object } k)
        {
            return new MessageAddress(null, null, false, false);
        }

        var remoteJid = WaJid.Normalize(k.Str("remoteJid"));
        var fromMe = k.IsTrue("fromMe");
        var isGroup = WaJid.IsGroup(remoteJid);
        var hasParticipants = isGroup || (remoteJid?.EndsWith("@broadcast", StringComparison.OrdinalIgnoreCase) ?? false);

        string? sender;
        if (fromMe)
        {
            sender = ownerJid;
        }
        else if (hasParticipants)
        {
            sender = WaJid.PreferPhone(k.Str("participant"), k.Str("participantAlt"), k.Str("participantPn"), k.Str("senderPn"));
        }
        else
        {
            sender = WaJid.PreferPhone(remoteJid, k.Str("remoteJidAlt"), k.Str("senderPn"));
        }

        return new MessageAddress(remoteJid, sender, fromMe, isGroup);
    }
}
