using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Identity;

/// <summary>
/// What one event says about who is who: the handle to stamp (<see cref="Sender"/>), other addresses the payload
/// gives for the same sender (<see cref="SenderAliases"/>, e.g. the <c>@lid</c> of a phone JID), other people it
/// names (<see cref="Related"/>: the other party of one's own 1:1 message, mentioned users) and a display name.
/// </summary>
public sealed record IdentityClaims(
    HandleKey? Sender,
    IReadOnlyList<HandleKey> SenderAliases,
    IReadOnlyList<HandleKey> Related,
    string? DisplayName,
    bool IsContactCard,
    string? AvatarUrl)
{
    public static readonly IdentityClaims None = new(null, [], [], null, false, null);
}

/// <summary>
/// Reads <see cref="IdentityClaims"/> from an event. Pure: the same event always claims the same things.
/// <list type="bullet">
/// <item>The sender is the event's <c>sender_handle</c> (for <c>from_me</c> events the normalizer already made that the
/// instance owner's address), when it names a person: groups and broadcast lists are conversations.</item>
/// <item>WhatsApp phone/LID pairs: when someone else's message names the sender both as a phone JID and as an
/// <c>@lid</c> (in the key: <c>participant</c>/<c>participantAlt</c>/<c>participantPn</c> in groups,
/// <c>remoteJid</c>/<c>remoteJidAlt</c> in 1:1, and <c>senderPn</c>/<c>senderLid</c> in both), the one address that is
/// not the sender handle becomes an alias of the sender. Exactly one phone and one LID must be named, else nothing is
/// inferred. A from_me message's alternates describe the other party, so they are never read as the sender's.</item>
/// <item>Contact events (<c>contacts.upsert</c>/<c>contacts.update</c>) are contact cards: their name is the person's name.</item>
/// </list>
/// </summary>
public static class EventIdentityRules
{
    private static readonly string[] GroupAddressFields = ["participant", "participantAlt", "participantPn", "senderPn", "senderLid"];
    private static readonly string[] DirectAddressFields = ["remoteJid", "remoteJidAlt", "senderPn", "senderLid"];

    public static IdentityClaims For(OmniEvent e)
    {
        var channel = e.Channel;
        var sender = HandleRules.Normalize(channel, e.SenderHandle) is { } handle && HandleRules.IsPersonHandle(channel, handle)
            ? HandleRules.KeyFor(channel, handle, e.Instance)
            : (HandleKey?)null;
        if (sender is null)
        {
            return IdentityClaims.None;
        }

        var metadata = e.ProviderMetadata is { ValueKind: JsonValueKind.Object } m ? m : (JsonElement?)null;
        var aliases = channel == Channels.WhatsApp && !e.FromMe && metadata is { } md
            ? WhatsAppAliases(sender.Value, md, e)
            : [];
        var related = channel == Channels.WhatsApp && e.EventKind == EventKinds.Message && metadata is { } md2
            ? WhatsAppRelated(sender.Value, md2, e)
            : [];
        var isContact = e.EventKind == EventKinds.Contact;
        return new IdentityClaims(sender, aliases, related, DisplayNameOf(e.SenderName), isContact,
            isContact && metadata is { } md3 ? AvatarOf(md3) : null);
    }

    /// <summary>The payload's name for the sender, trimmed and cut to <see cref="EventLimits.MaxNameChars"/> (a profile row holds it); null when blank.</summary>
    public static string? DisplayNameOf(string? senderName)
    {
        if (string.IsNullOrWhiteSpace(senderName))
        {
            return null;
        }

        return EventLimits.Cut(senderName.Trim(), EventLimits.MaxNameChars);
    }

    private static List<HandleKey> WhatsAppAliases(HandleKey sender, JsonElement metadata, OmniEvent e)
    {
        var key = metadata.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.Object ? k : metadata;
        var hasParticipants = e.IsGroup || (e.ConversationId?.EndsWith("@broadcast", StringComparison.OrdinalIgnoreCase) ?? false);
        var named = (hasParticipants ? GroupAddressFields : DirectAddressFields)
            .Select(field => key.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
            .Select(text => HandleRules.Normalize(Channels.WhatsApp, text))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var lids = named.Where(WaJid.IsLid).ToList();
        var phones = named.Where(h => !WaJid.IsLid(h)).ToList();
        if (lids.Count != 1 || phones.Count != 1 || (sender.Handle != lids[0] && sender.Handle != phones[0]))
        {
            return [];
        }

        var other = sender.Handle == phones[0] ? lids[0] : phones[0];
        return [sender with { Handle = other }];
    }

    private static List<HandleKey> WhatsAppRelated(HandleKey sender, JsonElement metadata, OmniEvent e)
    {
        var handles = new List<string>();
        if (e.FromMe && !e.IsGroup && e.ConversationId is { } chat)
        {
            // One's own 1:1 message: the chat is the other person (their phone JID when the key also names it).
            var key = metadata.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.Object ? k : metadata;
            var alt = key.TryGetProperty("remoteJidAlt", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (WaJid.PreferPhone(chat, alt) is { } counterpart)
            {
                handles.Add(counterpart);
            }
        }

        CollectMentions(metadata, handles, depth: 0);
        return handles
            .Select(h => HandleRules.Normalize(Channels.WhatsApp, h))
            .OfType<string>()
            .Where(h => h != sender.Handle && HandleRules.IsPersonHandle(Channels.WhatsApp, h))
            .Distinct(StringComparer.Ordinal)
            .Take(32)
            .Select(h => sender with { Handle = h })
            .ToList();
    }

    /// <summary><c>contextInfo.mentionedJid</c> wherever the message puts it (v1 nests it in the content, v2 hoists it).</summary>
    private static void CollectMentions(JsonElement element, List<string> into, int depth)
    {
        if (depth > 6 || element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals("mentionedJid") && property.Value.ValueKind == JsonValueKind.Array)
            {
                into.AddRange(property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
            }
            else if (property.Value.ValueKind == JsonValueKind.Object)
            {
                CollectMentions(property.Value, into, depth + 1);
            }
        }
    }

    private static string? AvatarOf(JsonElement metadata)
    {
        foreach (var name in new[] { "profilePicUrl", "profilePictureUrl", "imgUrl" })
        {
            if (metadata.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: <= EventLimits.MaxUrlChars } url &&
                Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                return uri.ToString();
            }
        }

        return null;
    }
}
