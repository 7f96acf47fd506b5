using System.Globalization;
using System.Text.Json;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Telegram;

/// <summary>
/// Readers for Bot API JSON on top of the tolerant <see cref="JsonReading"/> ones. Telegram writes ids as JSON numbers
/// (user and chat ids up to 52 bits; group and channel chat ids are negative, <c>-100…</c> for supergroups and
/// channels) and times as Unix seconds.
/// </summary>
internal static class TelegramJson
{
    /// <summary>An integer id as invariant text (<c>-1001000000001</c>), or a non-blank string id (callback and poll ids are strings).</summary>
    public static string? Id(this JsonElement element, string name) =>
        element.Prop(name) switch
        {
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var value) => value.ToString(CultureInfo.InvariantCulture),
            { ValueKind: JsonValueKind.String } text when !string.IsNullOrWhiteSpace(text.GetString()) => text.GetString()!.Trim(),
            _ => null,
        };

    /// <summary>A user's display name: first and last name, else <c>@username</c>.</summary>
    public static string? UserName(JsonElement? user)
    {
        if (user is not { } u)
        {
            return null;
        }

        var full = string.Join(" ", new[] { u.NonBlank("first_name"), u.NonBlank("last_name") }.Where(p => p is not null)).Trim();
        return full.Length > 0 ? full : u.NonBlank("username") is { } name ? "@" + name : null;
    }

    /// <summary>A chat's display name: its title (groups, channels), else the user's name (private chats).</summary>
    public static string? ChatName(JsonElement? chat) =>
        chat is { } c ? c.NonBlank("title") ?? UserName(c) : null;

    /// <summary>Unix seconds as UTC; null for missing, zero or out of range.</summary>
    public static DateTimeOffset? Time(this JsonElement element, string name) =>
        element.Int64(name) is { } seconds && seconds is > 0 and < 253_402_300_800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>Group chats are <c>group</c> and <c>supergroup</c>; <c>private</c> and <c>channel</c> are not.</summary>
    public static bool IsGroupChat(JsonElement? chat) => chat?.Str("type") is "group" or "supergroup";

    /// <summary>The integer elements of an array property as invariant text.</summary>
    public static List<string> Integers(this JsonElement element, string name) =>
        element.Arr(name) is { } array
            ? [.. array.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _))
                .Select(v => v.GetInt64().ToString(CultureInfo.InvariantCulture))]
            : [];
}
