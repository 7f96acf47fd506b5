using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// What Discord expects back from an authenticated delivery, decided from the body's top level alone (pure):
/// <list type="bullet">
/// <item>an interaction PING (<c>type</c> 1): <c>200 {"type": 1}</c> (PONG), not archived;</item>
/// <item>an application command, component or modal submit (2, 3, 5): archived, and answered at once with
/// <c>200 {"type": 5}</c> (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: the user sees "thinking…" until the workflow's
/// <c>route.reply</c> edits it through the interaction token, valid 15 minutes);</item>
/// <item>autocomplete (4): archived, answered with no choices (<c>{"type": 8, "data": {"choices": []}}</c>);</item>
/// <item>a Webhook Event PING (<c>type</c> 0): <c>204</c>, not archived; any other Webhook Event: archived, <c>204</c>;</item>
/// <item>anything else (a relay's gateway frame <c>{op, t, s, d}</c>): null, archived and answered 202.</item>
/// </list>
/// </summary>
public static class DiscordHandshakes
{
    private static readonly object NoBody = new Dictionary<string, object>();
    private static readonly object Pong = new Dictionary<string, object> { ["type"] = 1 };
    private static readonly object Deferred = new Dictionary<string, object> { ["type"] = 5 };
    private static readonly object NoChoices = new Dictionary<string, object>
    {
        ["type"] = 8,
        ["data"] = new Dictionary<string, object> { ["choices"] = Array.Empty<object>() },
    };

    public static WebhookHandshake? Answer(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return null;
            }

            document = parsed;
        }
        catch (JsonException)
        {
            return null; // archived as it is; the normalizer quarantines it with the reason
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("op", out _) ||
                !root.TryGetProperty("type", out var typeElement) || !typeElement.TryGetInt32(out var type))
            {
                return null;
            }

            if (root.TryGetProperty("application_id", out _) && root.TryGetProperty("version", out _) && !root.TryGetProperty("token", out _))
            {
                // A Webhook Event: { version, application_id, type, event? }; Discord wants 204 within 3 s.
                return new WebhookHandshake(StatusCodes.Status204NoContent, NoBody, Archive: type != 0);
            }

            if (!root.TryGetProperty("id", out _) || !root.TryGetProperty("token", out _))
            {
                return null;
            }

            return type switch
            {
                1 => new WebhookHandshake(StatusCodes.Status200OK, Pong, Archive: false),
                2 or 3 or 5 => new WebhookHandshake(StatusCodes.Status200OK, Deferred, Archive: true),
                4 => new WebhookHandshake(StatusCodes.Status200OK, NoChoices, Archive: true),
                _ => null,
            };
        }
    }
}
