using System.Text.Json;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// Discord's error body: <c>{"message", "code", "errors"?}</c>, or a 429's <c>{"message", "retry_after", "global"}</c>.
/// Unreadable bodies give their first 300 characters as the message. Pure.
/// </summary>
public sealed record DiscordError(string Message, int? Code, TimeSpan? RetryAfter, bool Global)
{
    private const int MaxQuoted = 300;

    public static DiscordError Parse(string? body)
    {
        var text = body ?? "";
        try
        {
            if (JsonSerializer.Deserialize<JsonElement>(text) is { ValueKind: JsonValueKind.Object } json)
            {
                var message = json.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : Quote(text);
                int? code = json.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
                TimeSpan? retryAfter = json.TryGetProperty("retry_after", out var r) && r.ValueKind == JsonValueKind.Number &&
                                       r.TryGetDouble(out var seconds) && seconds >= 0 && seconds < 86_400
                    ? TimeSpan.FromSeconds(seconds)
                    : null;
                var global = json.TryGetProperty("global", out var g) && g.ValueKind == JsonValueKind.True;
                return new DiscordError(Quote(message), code, retryAfter, global);
            }
        }
        catch (JsonException)
        {
        }

        return new DiscordError(Quote(text), null, null, false);
    }

    private static string Quote(string text)
    {
        var single = new string([.. text.Take(MaxQuoted).Select(ch => char.IsControl(ch) ? ' ' : ch)]);
        return text.Length > MaxQuoted ? single + "…" : single;
    }
}
