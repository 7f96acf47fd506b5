using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Omni.Engine.Workflows;

/// <summary>
/// Durations as written in workflows: one or more <c>&lt;digits&gt;&lt;unit&gt;</c> parts in the order d, h, m, s,
/// e.g. <c>30s</c>, <c>2m</c>, <c>24h</c>, <c>1h30m</c>, <c>7d</c>.
/// </summary>
public static partial class WorkflowDuration
{
    /// <summary>The grammar as a regular expression (also used by the JSON Schema).</summary>
    public const string Pattern = "^(?=[0-9])([0-9]{1,6}d)?([0-9]{1,6}h)?([0-9]{1,6}m)?([0-9]{1,6}s)?$";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var match = Grammar().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var total = TimeSpan.Zero;
        foreach (var (group, unit) in new[] { (1, TimeSpan.FromDays(1)), (2, TimeSpan.FromHours(1)), (3, TimeSpan.FromMinutes(1)), (4, TimeSpan.FromSeconds(1)) })
        {
            var part = match.Groups[group].Value;
            if (part.Length > 0)
            {
                total += unit * long.Parse(part.AsSpan(0, part.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        value = total;
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a duration (e.g. 30s, 5m, 24h, 1h30m, 7d).");

    /// <summary>Formats a duration in the workflow grammar: <c>1h30m</c>; zero is <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (value.Days > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Days}d");
        }

        if (value.Hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Hours}h");
        }

        if (value.Minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        if (value.Seconds > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{value.Seconds}s");
        }

        return builder.ToString();
    }
}
