using Omni.Engine.Events;

namespace Omni.Engine.Identity;

/// <summary>
/// How an entry of a contact list (a guard's <c>handles</c>, or a stored list) is compared with an event. An entry is
/// either an identity id (<c>idn_</c> + 32 hex: matches every handle the identity had when the event was stamped) or a
/// handle, written the way the channel spells it. Both sides are brought to one canonical spelling and then compared
/// exactly (ordinal):
/// <list type="bullet">
/// <item>WhatsApp: a JID without its device suffix and with a lower-case server (<c>5511…:12@S.WhatsApp.net</c> →
/// <c>5511…@s.whatsapp.net</c>); a bare phone number, with or without <c>+</c>, spaces, dashes, dots or parentheses
/// (<c>+55 11 99999-0001</c>), becomes its <c>@s.whatsapp.net</c> JID. Group JIDs (<c>…@g.us</c>) and <c>@lid</c>
/// aliases are kept as written (lower-case server). The number must be the one in the JID: WhatsApp does not add or drop
/// digits (e.g. Brazil's ninth digit) for us.</item>
/// <item>Other channels: the trimmed id, compared exactly.</item>
/// </list>
/// Pure: no I/O.
/// </summary>
public static class ContactEntries
{
    public const int MaxLength = 256;

    /// <summary>The canonical spelling of <paramref name="entry"/> on <paramref name="channel"/>, or null when it can be neither a handle nor an identity id.</summary>
    public static string? Canonical(string channel, string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry) || entry.Length > MaxLength || entry.Any(char.IsControl))
        {
            return null;
        }

        var trimmed = entry.Trim();
        var lower = trimmed.ToLowerInvariant();
        if (IdentityIds.IsIdentityId(lower))
        {
            return lower;
        }

        if (trimmed.Any(char.IsWhiteSpace) && !(channel == Channels.WhatsApp && !trimmed.Contains('@', StringComparison.Ordinal)))
        {
            return null;
        }

        return channel == Channels.WhatsApp ? WhatsApp(trimmed) : trimmed;
    }

    /// <summary>True when a canonical entry names an identity rather than a handle.</summary>
    public static bool IsIdentity(string canonical) => IdentityIds.IsIdentityId(canonical);

    /// <summary>What a <c>match: sender</c> entry may equal: the sender's handle (canonical) and the identity it was stamped with.</summary>
    public static IReadOnlyList<string> SenderKeys(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var keys = new List<string>(2);
        Add(keys, Canonical(evt.Channel, evt.SenderHandle));
        Add(keys, evt.IdentityId is { } id && IdentityIds.IsIdentityId(id) ? id : null);
        return keys;
    }

    /// <summary>What a <c>match: conversation</c> entry may equal: the conversation id (canonical; a group JID for groups).</summary>
    public static IReadOnlyList<string> ConversationKeys(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var keys = new List<string>(1);
        Add(keys, Canonical(evt.Channel, evt.ConversationId));
        return keys;
    }

    private static void Add(List<string> keys, string? key)
    {
        if (key is not null && !keys.Contains(key, StringComparer.Ordinal))
        {
            keys.Add(key);
        }
    }

    /// <summary><see cref="HandleRules.CanonicalWhatsApp"/>, groups kept, with exactly one <c>@</c>.</summary>
    private static string? WhatsApp(string text) =>
        HandleRules.CanonicalWhatsApp(text) is { } jid && jid.IndexOf('@', StringComparison.Ordinal) == jid.LastIndexOf('@') ? jid : null;
}
