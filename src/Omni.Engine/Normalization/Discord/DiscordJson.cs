using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// Readers for Discord JSON on top of the tolerant <see cref="JsonReading"/> ones. Discord writes snowflakes as strings
/// (64-bit ids do not fit a JavaScript number), times as ISO-8601 with microseconds and an offset
/// (<c>2017-07-11T17:27:07.299000+00:00</c>), and Webhook Events' envelope time without an offset (UTC).
/// </summary>
internal static class DiscordJson
{
    // 2015-01-01T00:00:00Z, the first instant of Discord's snowflake clock.
    private const long DiscordEpochMilliseconds = 1_420_070_400_000;

    /// <summary>A snowflake: a non-blank string, or an integer some serializers write instead.</summary>
    public static string? Id(this JsonElement element, string name) =>
        element.Prop(name) switch
        {
            { ValueKind: JsonValueKind.String } text when !string.IsNullOrWhiteSpace(text.GetString()) => text.GetString()!.Trim(),
            { ValueKind: JsonValueKind.Number } number when number.TryGetUInt64(out var value) && value > 0 =>
                value.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };

    /// <summary>An integer property (Discord's enums and bit fields), or null.</summary>
    public static int? Int(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var value) ? value : null;

    /// <summary>The user id of a user object held in <paramref name="name"/>.</summary>
    public static string? UserId(this JsonElement element, string name) => element.Obj(name)?.Id("id");

    /// <summary>The display name Discord shows for a user object: <c>global_name</c>, else <c>username</c>.</summary>
    public static string? DisplayName(JsonElement? user) =>
        user is { } u ? u.NonBlank("global_name") ?? u.NonBlank("username") : null;

    /// <summary>
    /// An ISO-8601 time as UTC, cut to whole milliseconds (Omni's precision). A time without an offset is UTC (Webhook
    /// Events write <c>2024-10-18T18:41:21.109604</c>). Null when missing or unreadable.
    /// </summary>
    public static DateTimeOffset? Time(string? text) =>
        Precise(text) is { } time ? new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) : null;

    /// <summary>
    /// A time as it keys an idempotency id: UTC to the microsecond, so two edits within one millisecond stay apart and
    /// the same instant written with another offset or fewer digits gives the same text. The text itself when it is
    /// not a time.
    /// </summary>
    public static string TimeKey(string text) =>
        Precise(text) is { } time
            ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
            : text.Trim();

    private static DateTimeOffset? Precise(string? text) =>
        !string.IsNullOrWhiteSpace(text) && DateTimeOffset.TryParse(
            text.Trim(),
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var parsed)
            ? parsed.ToUniversalTime()
            : null;

    /// <summary>When a snowflake was minted: its top 42 bits are milliseconds since 2015-01-01 UTC. Null for a non-snowflake.</summary>
    public static DateTimeOffset? SnowflakeTime(string? id)
    {
        if (!ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value >> 22 == 0)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)(value >> 22) + DiscordEpochMilliseconds);
    }

    /// <summary>A Unix time in seconds (TYPING_START's <c>timestamp</c>) as UTC; null for missing or out of range.</summary>
    public static DateTimeOffset? UnixSeconds(long? seconds) =>
        seconds is > 0 and < 253_402_300_800 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;

    /// <summary>The id strings of an array of objects (<c>[{ "id": "1" }, ...]</c>) or of snowflakes (<c>["1", ...]</c>).</summary>
    public static List<string> Ids(JsonElement? array)
    {
        var ids = new List<string>();
        if (array is not { ValueKind: JsonValueKind.Array } items)
        {
            return ids;
        }

        foreach (var item in items.EnumerateArray())
        {
            var id = item.ValueKind switch
            {
                JsonValueKind.Object => item.Id("id"),
                JsonValueKind.String when !string.IsNullOrWhiteSpace(item.GetString()) => item.GetString()!.Trim(),
                JsonValueKind.Number when item.TryGetUInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (id is not null && !ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>The elements of an array property that are objects; empty when it is absent or not an array.</summary>
    public static List<JsonElement> Objects(this JsonElement element, string name) =>
        element.Arr(name) is { } array ? [.. array.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.Object)] : [];

    private static readonly JsonWriterOptions CompactWriter = new()
    {
        Indented = false,
        // Escape only what JSON requires, so the text (and its hash) reads like the payload.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The element without insignificant whitespace, properties in their original order.</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A scalar's text as a person would type it: strings as they are, numbers as written, booleans lowercase.</summary>
    public static string? ScalarText(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
}
