using System.Text.Json.Nodes;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// A request to Discord: <paramref name="Route"/> names its rate-limit bucket; <paramref name="BotToken"/> is sent as
/// <c>Authorization: Bot …</c> when given (interaction webhooks need none: the token is in the path).
/// </summary>
public sealed record DiscordCall(
    HttpMethod Method, Uri? BaseUrl, string Path, string Route, JsonObject Body, string? BotToken, string What, TimeSpan Timeout);
