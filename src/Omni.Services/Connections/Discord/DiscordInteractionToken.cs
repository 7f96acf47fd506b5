using System.Text.Json;
using Azure;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Ingest;

namespace Omni.Services.Connections.Discord;

/// <summary>
/// The application id and token an interaction is answered with. The token lets anyone answer as the bot for 15
/// minutes, so the normalizer keeps it out of the event (and of everything agents read; <c>GET /api/events/{id}/raw</c>
/// redacts <c>token</c> without the <c>raw</c> scope): it is read back here from the raw archive, the interaction as
/// Discord posted it, or the <c>d</c> of the relay's INTERACTION_CREATE frame.
/// </summary>
public static class DiscordInteractionToken
{
    /// <summary>Whether <paramref name="e"/> is a Discord interaction (a command, component, modal), answered through its token.</summary>
    public static bool IsInteraction(OmniEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Provider == DiscordWebhookVerifier.ProviderName && e.ContentType == ContentTypes.Command &&
               e.ProviderEventType == "INTERACTION_CREATE";
    }

    public static async Task<(string ApplicationId, string Token)> ReadAsync(RawArchive archive, OmniEvent e, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(e);
        ArchivedPayload? payload;
        try
        {
            payload = await archive.GetAsync(e.RawBlob, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            throw new TransientActionException($"{what}: reading the archived interaction {e.RawBlob} failed: {ex.Status} {ex.ErrorCode}", ex);
        }

        if (payload is null)
        {
            throw new PermanentActionException($"{what}: the archived interaction {e.RawBlob} no longer exists, so its token is unknown");
        }

        return Find(payload.Content, e.ProviderEventId) is ({ } applicationId, { } token)
            ? (applicationId, token)
            : throw new PermanentActionException($"{what}: the archived payload {e.RawBlob} holds no application_id and token for interaction {e.ProviderEventId}");
    }

    /// <summary>The interaction's <c>application_id</c> and <c>token</c> in an archived body, when its id is <paramref name="interactionId"/>. Pure.</summary>
    public static (string? ApplicationId, string? Token) Find(BinaryData body, string interactionId)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory(), new JsonDocumentOptions { MaxDepth = 256 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var interaction = root.TryGetProperty("op", out _) && root.TryGetProperty("d", out var d) && d.ValueKind == JsonValueKind.Object ? d : root;
            return Text(interaction, "id") == interactionId
                ? (Text(interaction, "application_id"), Text(interaction, "token"))
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;
}
