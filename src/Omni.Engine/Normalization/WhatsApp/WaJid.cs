namespace Omni.Engine.Normalization.WhatsApp;

/// <summary>
/// WhatsApp addresses (JIDs): <c>5511999990000@s.whatsapp.net</c> (a phone user), <c>120363...@g.us</c> (a group),
/// <c>1000...@lid</c> (a "linked id": an opaque per-user alias WhatsApp uses instead of the phone number in
/// groups and, increasingly, in 1:1 chats), <c>status@broadcast</c>.
/// </summary>
public static class WaJid
{
    public static bool IsGroup(string? jid) => jid is not null && jid.EndsWith("@g.us", StringComparison.OrdinalIgnoreCase);

    public static bool IsLid(string? jid) => jid is not null && jid.EndsWith("@lid", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Drops the device suffix some payloads keep on a user JID (<c>5511999990000:12@s.whatsapp.net</c> is device 12
    /// of that user): a handle names the person, not one of their phones or WhatsApp Web sessions.
    /// Blank values become null.
    /// </summary>
    public static string? Normalize(string? jid)
    {
        if (string.IsNullOrWhiteSpace(jid))
        {
            return null;
        }

        var trimmed = jid.Trim();
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && at > colon ? string.Concat(trimmed.AsSpan(0, colon), trimmed.AsSpan(at)) : trimmed;
    }

    /// <summary>
    /// The address to name a person by: the primary JID, unless it is an <c>@lid</c> alias and the payload also
    /// gives a phone-number JID for the same person, which is then preferred (it is stable across chats and is what
    /// users recognise). Only values that look like JIDs (contain '@') are accepted as alternates.
    /// </summary>
    public static string? PreferPhone(string? primary, params string?[] alternates)
    {
        var normalized = Normalize(primary);
        if (normalized is not null && !IsLid(normalized))
        {
            return normalized;
        }

        foreach (var alternate in alternates)
        {
            var candidate = Normalize(alternate);
            if (candidate is not null && candidate.Contains('@', StringComparison.Ordinal) && !IsLid(candidate))
            {
                return candidate;
            }
        }

        return normalized;
    }
}
