using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Evolution;

/// <summary>
/// Evolution API cannot sign bodies: it sends a static <c>x-webhook-secret</c> header or, in its <c>jwt_key</c> mode, an
/// HS256 bearer token. Both are checked from the headers alone, so nothing is read before a refusal.
/// </summary>
public sealed class EvolutionWebhookVerifier : IWebhookVerifier
{
    public string Provider => "evolution";

    public WebhookAuthResult CheckHeaders(InstanceOptions instance, IHeaderDictionary headers, DateTimeOffset now) =>
        EvolutionWebhookAuthentication.Authenticate(
            instance.WebhookSecret,
            headers[EvolutionWebhookAuthentication.SecretHeader],
            headers.Authorization,
            now);

    public WebhookAuthResult CheckBody(InstanceOptions instance, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now) =>
        WebhookAuthResult.Ok("checked from the headers");
}
