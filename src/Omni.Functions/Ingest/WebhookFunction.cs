using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Ingest;

/// <summary><c>POST /api/webhooks/{provider}/{instance}</c>: a provider delivers an event; archive, enqueue, 202.</summary>
public sealed class WebhookFunction(WebhookEndpoint endpoint)
{
    // Anonymous on purpose, on every Omni route: providers authenticate with the per-instance webhook secret and
    // agents with Omni's own query keys (Omni:Keys, sent in x-functions-key, each scoped to instances), checked
    // in Omni.Services on both hosts. AuthorizationLevel.Function would demand a platform key that is neither
    // scoped per instance nor known to Omni.Local, and would refuse calls before Omni could answer in its shape.
    [Function("Webhook")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{provider}/{instance}")] HttpRequest request,
        string provider,
        string instance,
        CancellationToken cancellationToken) =>
        endpoint.HandleAsync(request, provider, instance, cancellationToken);
}
