using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Query;

/// <summary><c>GET /api/catalog</c> and <c>GET /api/catalog/{instance}</c>: observed event shapes and their status.</summary>
/// <remarks>Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>).</remarks>
public sealed class CatalogFunctions(QueryEndpoints endpoints)
{
    [Function("ListCatalog")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.CatalogAllAsync(request, cancellationToken);

    [Function("GetCatalog")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/{instance}")] HttpRequest request,
        string instance,
        CancellationToken cancellationToken) =>
        endpoints.CatalogAsync(request, instance, cancellationToken);
}
