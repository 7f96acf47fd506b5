using System.Security.Cryptography;
using System.Text;

namespace Omni.Engine.Events;

/// <summary>
/// The idempotency contract: one event per (provider, instance, provider event id, kind). The event id is
/// <c>evt_{instance}_{hash of the key}</c>, so every redelivery, retry or replay of the same provider event computes
/// the same id and the store's insert-if-absent turns it into a no-op. The instance is readable in the id so a lookup
/// by id goes straight to the instance's partition.
/// </summary>
public static class EventKey
{
    private const string Prefix = "evt_";

    /// <summary>Instance names are URL- and table-key-safe: letters, digits, '-' and '_', at most 63 characters.</summary>
    public static bool IsValidInstanceName(string name) =>
        name.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The instance an event id belongs to, or null when the text is not an event id.</summary>
    public static string? InstanceOf(string eventId)
    {
        var last = eventId.LastIndexOf('_');
        if (!eventId.StartsWith(Prefix, StringComparison.Ordinal) || last <= Prefix.Length || eventId.Length - last - 1 != 32)
        {
            return null;
        }

        var instance = eventId[Prefix.Length..last];
        return IsValidInstanceName(instance) ? instance : null;
    }

    public static string ComputeEventId(string provider, string instance, string providerEventId, string eventKind)
    {
        // Length-prefixed parts: no choice of values can make two different keys hash the same text.
        var key = string.Concat(
            Part(provider), Part(instance), Part(providerEventId), Part(eventKind));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        // 16 bytes = 128 bits, lower-case hex: 32 characters, safe in table keys and URLs.
        return Prefix + instance + "_" + Convert.ToHexStringLower(hash[..16]);
    }

    private static string Part(string value) => value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + value + ";";

    /// <summary>A stable id for provider events that carry none (connection updates, contact syncs): a hash of their JSON.</summary>
    public static string ContentHash(string canonicalJson)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson), hash);
        return "sha256:" + Convert.ToHexStringLower(hash[..16]);
    }
}
