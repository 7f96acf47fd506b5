using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Identity;

/// <summary>
/// How each channel spells a handle, so a handle typed into the API matches the <c>sender_handle</c> the normalizer
/// wrote (the sender index is keyed by it), and which channels scope their ids to one connection.
/// </summary>
public static class HandleRules
{
    /// <summary>Channels whose ids are unique only within one connection (a Slack workspace, a generic webhook).</summary>
    public static bool IsInstanceScoped(string channel) => channel is Channels.Slack or Channels.Webhook;

    /// <summary>The registry key for a handle seen on <paramref name="instance"/>: scoped only where the channel needs it.</summary>
    public static HandleKey KeyFor(string channel, string handle, string instance) =>
        new(channel, handle, IsInstanceScoped(channel) ? instance : null);

    /// <summary>
    /// The canonical spelling, or null when the text cannot be a handle of that channel.
    /// WhatsApp: a JID without its device suffix (<c>5511…:12@s.whatsapp.net</c> → <c>5511…@s.whatsapp.net</c>), with a
    /// lower-case server; a bare phone number (<c>+55 11 99999-0001</c>) becomes its <c>@s.whatsapp.net</c> JID.
    /// Groups and broadcasts are conversations, not people. Other channels: the trimmed id, without inner spaces.
    /// </summary>
    public static string? Normalize(string channel, string? handle)
    {
        if (string.IsNullOrWhiteSpace(handle) || handle.Length > 256 || handle.Any(char.IsControl))
        {
            return null;
        }

        var trimmed = handle.Trim();
        return channel switch
        {
            Channels.WhatsApp => NormalizeWhatsApp(trimmed),
            _ => trimmed.Any(char.IsWhiteSpace) ? null : trimmed,
        };
    }

    /// <summary>
    /// Whether a handle names a person or organisation that can own an identity (not a group or a broadcast list).
    /// Telegram: user ids are positive; a negative id is a group, supergroup or channel (a channel post's sender).
    /// </summary>
    public static bool IsPersonHandle(string channel, string handle) =>
        channel switch
        {
            Channels.WhatsApp => handle.Contains('@', StringComparison.Ordinal) && !WaJid.IsGroup(handle) &&
                                 !handle.EndsWith("@broadcast", StringComparison.OrdinalIgnoreCase) &&
                                 !handle.EndsWith("@newsletter", StringComparison.OrdinalIgnoreCase),
            Channels.Telegram => !handle.StartsWith('-'),
            _ => true,
        };

    /// <summary>
    /// The canonical WhatsApp spelling of a JID or a bare phone number, groups and broadcasts included (lower-case server,
    /// no device suffix), or null when the text is neither. <see cref="Normalize"/> further keeps only person handles.
    /// </summary>
    public static string? CanonicalWhatsApp(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            var digits = new string([.. text.Where(char.IsAsciiDigit)]);
            var punctuationOnly = text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.');
            return punctuationOnly && digits.Length is >= 6 and <= 20 ? digits + "@s.whatsapp.net" : null;
        }

        var jid = WaJid.Normalize(text);
        if (jid is null)
        {
            return null;
        }

        var at = jid.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == jid.Length - 1 || jid.Any(char.IsWhiteSpace))
        {
            return null;
        }

        return string.Concat(jid.AsSpan(0, at), jid[at..].ToLowerInvariant());
    }

    private static string? NormalizeWhatsApp(string text) =>
        CanonicalWhatsApp(text) is { } normalized && IsPersonHandle(Channels.WhatsApp, normalized) ? normalized : null;
}
