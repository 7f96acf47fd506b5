using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Replay;

/// <summary><c>POST /api/replay {"instance", "from", "to"}</c>: re-drive archived payloads through the pipeline.</summary>
public sealed class ReplayFunction(EventsEndpoints endpoints)
{
    // Anonymous: Omni checks its own query keys (see WebhookFunction).
    [Function("Replay")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "replay")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.ReplayAsync(request, cancellationToken);
}
