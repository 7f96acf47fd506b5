using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Slack;

/// <summary>
/// Readers for Slack Events API JSON. Slack names a message by its channel and <c>ts</c>, a string of Unix seconds with
/// microseconds (<c>"1663966382.046509"</c>), unique within the channel; user ids are <c>U…</c>/<c>W…</c>, bot ids
/// <c>B…</c>, channels <c>C…</c> (public), <c>G…</c> (private or, historically, group DMs) and <c>D…</c> (DMs).
/// </summary>
internal static partial class SlackJson
{
    /// <summary>A <c>ts</c> (or <c>event_ts</c>) as UTC, to the millisecond; null when it is not one.</summary>
    public static DateTimeOffset? Time(string? ts)
    {
        if (string.IsNullOrWhiteSpace(ts) || !decimal.TryParse(ts.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || seconds <= 0 || seconds >= 253_402_300_800m)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Floor(seconds * 1000m));
    }

    /// <summary>A conversation with more than two people: <c>channel_type</c> channel, group, mpim (or C, G); else by the id (DMs start with D).</summary>
    public static bool IsGroup(string? channelType, string? channel) =>
        channelType switch
        {
            "im" or "D" => false,
            "channel" or "group" or "mpim" or "C" or "G" => true,
            _ => channel is { Length: > 0 } id && id[0] is 'C' or 'G',
        };

    /// <summary>The name a message carries for its author: the user profile's display or real name, the bot's name, a legacy <c>username</c>.</summary>
    public static string? SenderName(JsonElement message)
    {
        var profile = message.Obj("user_profile");
        return profile?.NonBlank("display_name") ?? profile?.NonBlank("real_name") ?? message.Obj("bot_profile")?.NonBlank("name") ?? message.NonBlank("username");
    }

    /// <summary>The user ids of <c>&lt;@U123&gt;</c> / <c>&lt;@U123|name&gt;</c> mentions in mrkdwn text, in order, once each.</summary>
    public static List<string> MentionedUserIds(string? text) =>
        text is null ? [] : [.. MentionPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    [GeneratedRegex(@"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MentionPattern();
}
