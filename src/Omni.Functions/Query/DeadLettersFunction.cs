using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Query;

/// <summary><c>GET /api/deadletters?instance=&amp;limit=</c>: what the pipeline could not process, and why.</summary>
public sealed class DeadLettersFunction(EventsEndpoints endpoints)
{
    // Anonymous: Omni checks its own query keys (see WebhookFunction).
    [Function("ListDeadLetters")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deadletters")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.ListDeadLettersAsync(request, cancellationToken);
}
