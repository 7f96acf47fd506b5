using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Query;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3 document of every route (public, no key).</summary>
public sealed class OpenApiFunction
{
    [Function("GetOpenApi")]
    public static IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        QueryEndpoints.OpenApi();
}
