using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Operations;

/// <summary><c>GET /api/health</c>: storage reachable, queue and poison depth, last normalized event time; 200 or 503.</summary>
public sealed class HealthFunction(HealthEndpoint endpoint)
{
    // Anonymous, as platform health probes and uptime checks expect: the report names no instance, storage account
    // or secret (see HealthService), and it is cached for a few seconds, so the route costs little however often it is hit.
    [Function("Health")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.CheckAsync(cancellationToken);
}
