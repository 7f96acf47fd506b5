using System.Globalization;
using System.Text.Json;

namespace Omni.Engine.Normalization.WhatsApp;

/// <summary>
/// Numbers and timestamps as WhatsApp gateways serialize them. WAProto has 64-bit fields (<c>fileLength</c>,
/// <c>messageTimestamp</c>, <c>timestampMs</c>): protobufjs writes them as strings ("41589"), plain objects keep
/// the Long as <c>{"low": n, "high": n, "unsigned": b}</c>, and some paths already converted them to numbers.
/// </summary>
public static class WaNumbers
{
    // 9999-12-31T23:59:59Z: the last second DateTimeOffset can represent.
    private const long MaxUnixSeconds = 253_402_300_799;

    // Timestamps above this many "seconds" (year 5138) are certainly milliseconds sent by a gateway
    // that does not follow WAProto's seconds convention.
    private const long MillisecondsThreshold = 100_000_000_000;

    /// <summary>Reads a number, a numeric string or a <c>{low, high}</c> Long; null when it is none of them.</summary>
    public static long? ReadInt64(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var integer))
                {
                    return integer;
                }

                return value.TryGetDouble(out var real) && double.IsFinite(real) && Math.Abs(real) < 9.2e18 ? (long)real : null;
            case JsonValueKind.String:
                return long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : null;
            case JsonValueKind.Object:
                return ReadLong(value);
            default:
                return null;
        }
    }

    /// <summary>
    /// A Long object: <c>low</c> and <c>high</c> are the signed 32-bit halves. The low half is reinterpreted as
    /// unsigned before combining, which is how Long.js itself builds the value.
    /// </summary>
    private static long? ReadLong(JsonElement value)
    {
        if (!value.TryGetProperty("low", out var lowElement) || !lowElement.TryGetInt64(out var low))
        {
            return null;
        }

        long high = value.TryGetProperty("high", out var highElement) && highElement.TryGetInt64(out var h) ? h : 0;
        return (high << 32) | (uint)(int)low;
    }

    /// <summary>
    /// A Unix time in seconds (WAProto's <c>messageTimestamp</c>) as UTC; null for missing, zero or out of range.
    /// Values that can only be milliseconds are accepted as such.
    /// </summary>
    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds switch
        {
            null or <= 0 => null,
            // Below the threshold, which is below the last representable second, so always in range.
            < MillisecondsThreshold => DateTimeOffset.FromUnixTimeSeconds(seconds.Value),
            _ => FromUnixMilliseconds(seconds),
        };

    /// <summary>A Unix time in milliseconds (<c>timestampMs</c>, <c>senderTimestampMs</c>) as UTC.</summary>
    public static DateTimeOffset? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is > 0 and <= MaxUnixSeconds * 1000
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds.Value)
            : null;
}
