using System.Globalization;
using System.Text.RegularExpressions;

namespace Omni.Cli.Commands;

/// <summary>Reads <c>--since</c>-style times: a duration back from now (<c>30s</c>, <c>15m</c>, <c>24h</c>, <c>7d</c>) or an ISO-8601 time.</summary>
public static partial class TimeArgument
{
    public static DateTimeOffset Parse(string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Duration().Match(text.Trim()) is { Success: true } m)
        {
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return now - (m.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            });
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new UsageException($"'{text}' is neither a duration (30s, 15m, 24h, 7d) nor an ISO-8601 time");
    }

    /// <summary>The API's time format: UTC ISO-8601 with milliseconds and a Z.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^([0-9]{1,6})([smhd])$")]
    private static partial Regex Duration();
}
