using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;
using Omni.Services.Ingest;

namespace Omni.Services.Connections;

/// <summary>
/// How one provider's webhooks prove who sent them, and which of its deliveries are answered at once instead of being
/// ingested. <see cref="WebhookEndpoint"/> calls the three steps in order, and writes nothing until all have passed:
/// <list type="number">
/// <item><see cref="CheckHeaders"/> before the body is read (a missing secret, header or a stale timestamp: 401 without
/// reading a byte);</item>
/// <item><see cref="CheckBody"/> over the raw bytes as received (signatures are over bytes, never over parsed JSON);</item>
/// <item><see cref="Handshake"/>: a delivery that only asks Omni to prove itself (Discord's PING, Slack's
/// <c>url_verification</c>) is answered with what the provider expects, and optionally not archived.</item>
/// </list>
/// One implementation per provider, registered as a singleton; the provider name is the <c>{provider}</c> URL segment.
/// Every failure fails closed: no configured secret or key means nobody gets in. Reasons never echo a secret.
/// </summary>
public interface IWebhookVerifier
{
    /// <summary>The <c>{provider}</c> segment of <c>POST /api/webhooks/{provider}/{instance}</c>.</summary>
    string Provider { get; }

    WebhookAuthResult CheckHeaders(InstanceOptions instance, IHeaderDictionary headers, DateTimeOffset now);

    WebhookAuthResult CheckBody(InstanceOptions instance, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now);

    /// <summary>The answer to an authenticated delivery that is a handshake, or null to archive it and answer 202.</summary>
    WebhookHandshake? Handshake(InstanceOptions instance, ReadOnlySpan<byte> body) => null;

    /// <summary>
    /// The provider's id of an authenticated delivery, from a header it signed (Standard Webhooks' <c>webhook-id</c>), to
    /// archive with the body (<see cref="Omni.Engine.Normalization.RawPayload.DeliveryId"/>); null when it sends none.
    /// </summary>
    string? DeliveryId(IHeaderDictionary headers) => null;
}

/// <summary>
/// An authenticated delivery answered with <paramref name="Body"/> (serialized as JSON) and <paramref name="StatusCode"/>.
/// <paramref name="Archive"/>: also archive and enqueue it like any delivery (a Discord interaction is an event and
/// gets its deferred answer); false for pure handshakes (a PING carries nothing to keep).
/// </summary>
public sealed record WebhookHandshake(int StatusCode, object Body, bool Archive);
