using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Webhook;

/// <summary>
/// Standard Webhooks for generic senders: <c>webhook-id</c>, <c>webhook-timestamp</c> (5-minute tolerance) and
/// <c>webhook-signature</c> checked from the headers first, then v1 (HMAC with the instance's <c>whsec_</c>
/// <c>WebhookSecret</c>) or v1a (Ed25519 with its <c>whpk_</c> <c>PublicKey</c>) over the raw body. The signed
/// <c>webhook-id</c> is archived with the body: it is the event's id, so a retried delivery is one event.
/// </summary>
public sealed class StandardWebhookVerifier : IWebhookVerifier
{
    public string Provider => "webhook";

    public WebhookAuthResult CheckHeaders(InstanceOptions instance, IHeaderDictionary headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        return StandardWebhooksSignatures.CheckHeaders(instance.WebhookSecret, instance.PublicKey, headers[StandardWebhooksAuthentication.IdHeader],
            headers[StandardWebhooksAuthentication.TimestampHeader], headers[StandardWebhooksAuthentication.SignatureHeader], now);
    }

    public WebhookAuthResult CheckBody(InstanceOptions instance, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(headers);
        return StandardWebhooksSignatures.Verify(instance.WebhookSecret, instance.PublicKey, headers[StandardWebhooksAuthentication.IdHeader],
            headers[StandardWebhooksAuthentication.TimestampHeader], headers[StandardWebhooksAuthentication.SignatureHeader], body, now);
    }

    public string? DeliveryId(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers[StandardWebhooksAuthentication.IdHeader].ToString().Trim() is { Length: > 0 } id ? id : null;
    }
}
