using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Omni.Engine.Identity;

/// <summary>
/// Identity ids are derived from the handle an identity was first seen with: <c>idn_</c> + 32 hex of a hash of
/// (channel, handle, scope). Every racer that sees a new sender computes the same id, so concurrent first sightings
/// insert the same rows and exactly one identity exists afterwards. History records get time-ordered ids.
/// </summary>
public static class IdentityIds
{
    public const string IdentityPrefix = "idn_";
    public const string MergePrefix = "mrg_";
    public const string UnmergePrefix = "unm_";
    public const string LinkPrefix = "lnk_";

    public static string ForFirstHandle(HandleKey key)
    {
        var text = string.Concat(Part(key.Channel), Part(key.Handle), Part(key.Instance ?? ""));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return IdentityPrefix + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>An id like <c>idn_</c> + 32 lower-case hex (what <see cref="ForFirstHandle"/> makes).</summary>
    public static bool IsIdentityId(string? id) => IsId(id, IdentityPrefix);

    /// <summary>A history record id: prefix, UTC time (sortable), and 12 hex of caller-provided entropy.</summary>
    public static string NewRecordId(string prefix, DateTimeOffset now, ReadOnlySpan<byte> entropy) =>
        prefix + now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(entropy[..6]);

    /// <summary>The unmerge record that undoes <paramref name="mergeId"/>: one per merge, so a second unmerge finds it.</summary>
    public static string UnmergeIdFor(string mergeId) => UnmergePrefix + mergeId[MergePrefix.Length..];

    public static bool IsMergeId(string? id) =>
        id is { Length: 33 } && id.StartsWith(MergePrefix, StringComparison.Ordinal) && !id.AsSpan(MergePrefix.Length).ContainsAnyExcept(LowerHex);

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsId(string? id, string prefix) =>
        id is { Length: 36 } && id.StartsWith(prefix, StringComparison.Ordinal) && !id.AsSpan(prefix.Length).ContainsAnyExcept(LowerHex);

    private static string Part(string value) => value.Length.ToString(CultureInfo.InvariantCulture) + ":" + value + ";";
}
