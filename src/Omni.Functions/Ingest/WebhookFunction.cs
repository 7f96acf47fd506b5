using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Ingest;

/// <summary>The webhook: every provider posts here; the ingest handler authenticates it per instance before any work. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class WebhookFunction(ApiDispatcher api)
{
    [Function("Webhook")]
    public Task<IResult> Webhook([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{provider}/{instance}")] HttpRequest request) =>
        api.InvokeAsync("Webhook", request);
}
