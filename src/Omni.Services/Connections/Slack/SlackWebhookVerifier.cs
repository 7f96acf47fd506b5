using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Slack;

/// <summary>
/// Slack signs every request with the app's signing secret (the instance's <c>WebhookSecret</c>): the timestamp is
/// checked from the headers (older than 5 minutes: 401 before a byte is read), the <c>X-Slack-Signature</c> over the raw
/// body. An authenticated <c>url_verification</c> (sent when the Request URL is saved) is answered at once with
/// <c>{"challenge": ...}</c> and not archived: it carries no event.
/// </summary>
public sealed class SlackWebhookVerifier : IWebhookVerifier
{
    public string Provider => "slack";

    public WebhookAuthResult CheckHeaders(InstanceOptions instance, IHeaderDictionary headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        return SlackSignatureAuthentication.CheckHeaders(instance.WebhookSecret,
            headers[SlackSignatureAuthentication.SignatureHeader], headers[SlackSignatureAuthentication.TimestampHeader], now);
    }

    public WebhookAuthResult CheckBody(InstanceOptions instance, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        return SlackSignatureAuthentication.Verify(instance.WebhookSecret,
            headers[SlackSignatureAuthentication.SignatureHeader], headers[SlackSignatureAuthentication.TimestampHeader], body, now);
    }

    public WebhookHandshake? Handshake(InstanceOptions instance, ReadOnlySpan<byte> body)
    {
        // Cheap test first: most deliveries are event_callbacks and need no parse here.
        if (body.IndexOf("url_verification"u8) < 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "url_verification"
                   && root.TryGetProperty("challenge", out var challenge) && challenge.ValueKind == JsonValueKind.String
                ? new WebhookHandshake(StatusCodes.Status200OK, new JsonObject { ["challenge"] = challenge.GetString() }, Archive: false)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
