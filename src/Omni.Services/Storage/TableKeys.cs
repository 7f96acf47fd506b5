using System.Globalization;
using System.Text;

namespace Omni.Services.Storage;

/// <summary>
/// Table keys: reversible escaping of the characters Table Storage forbids in PartitionKey/RowKey
/// (<c>/ \ # ?</c>, control characters) plus our own separator <c>|</c> and the escape character <c>%</c>,
/// and fixed-width times that sort newest first.
/// </summary>
public static class TableKeys
{
    public const char Separator = '|';

    public static string Escape(string value)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (NeedsEscape(c))
            {
                sb ??= new StringBuilder(value, 0, i, value.Length + 8);
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb?.Append(c);
            }
        }

        return sb?.ToString() ?? value;
    }

    /// <summary>
    /// The characters of one value inside a key (<see cref="Part"/>): a row key holds 1 KiB (512 UTF-16 characters),
    /// and a key is a prefix, a value and a time and event id (~125 characters).
    /// </summary>
    public const int MaxPartChars = 256;

    /// <summary>
    /// <paramref name="value"/> escaped (<see cref="Escape"/>), for use inside a key: as it is when that is at most
    /// <see cref="MaxPartChars"/> characters (every id within <c>EventLimits.MaxIdChars</c> that needs no escaping), else
    /// its escaped start and <c>%~</c> and a hash of the whole value (<c>%~</c> never comes out of
    /// <see cref="Escape"/>, so it cannot equal another value's part). Deterministic: writers and queries agree.
    /// Not reversible when hashed; rows keep the value itself in a column.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="max">The part's characters at most (at least 64); keys that are little more than the value (a guard's, a list entry's) allow more.</param>
    public static string Part(string value, int max = MaxPartChars)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 64);
        var escaped = Escape(value);
        if (escaped.Length <= max)
        {
            return escaped;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
        var start = Omni.Engine.Events.EventLimits.Cut(escaped, max - hash.Length - 2); // never half a surrogate pair
        return start + "%~" + hash;
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length)
            {
                sb.Append((char)int.Parse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                sb.Append(value[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>19 digits that sort newest first (inverted ticks).</summary>
    public static string NewestFirst(DateTimeOffset time) =>
        (DateTime.MaxValue.Ticks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The smallest key greater than every key starting with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' or Separator || char.IsControl(c) || c > '\u007e' && c < '\u00a0';
}
