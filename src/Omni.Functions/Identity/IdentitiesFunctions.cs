using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Identity;

/// <summary>
/// The identity registry: <c>GET /api/identities</c>, <c>GET|PATCH /api/identities/{identity_id}</c>,
/// <c>POST …/handles</c>, <c>…/merge</c>, <c>…/unmerge</c>, <c>GET …/events</c> and <c>GET …/links</c>.
/// </summary>
/// <remarks>
/// Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>). The route variable is spelled
/// <c>{identityId}</c> after the C# parameter it binds to; it matches exactly the URLs Omni.Local's <c>{identity_id}</c> does.
/// </remarks>
public sealed class IdentitiesFunctions(IdentitiesEndpoints endpoints)
{
    [Function("SearchIdentities")]
    public Task<IResult> SearchAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.SearchAsync(request, cancellationToken);

    [Function("GetIdentity")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identityId}")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.GetAsync(request, identityId, cancellationToken);

    [Function("PatchIdentity")]
    public Task<IResult> PatchAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "identities/{identityId}")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.PatchAsync(request, identityId, cancellationToken);

    [Function("LinkIdentityHandle")]
    public Task<IResult> LinkHandleAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identities/{identityId}/handles")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.LinkHandleAsync(request, identityId, cancellationToken);

    [Function("MergeIdentity")]
    public Task<IResult> MergeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identities/{identityId}/merge")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.MergeAsync(request, identityId, cancellationToken);

    [Function("UnmergeIdentity")]
    public Task<IResult> UnmergeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identities/{identityId}/unmerge")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.UnmergeAsync(request, identityId, cancellationToken);

    [Function("ListIdentityEvents")]
    public Task<IResult> EventsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identityId}/events")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.EventsAsync(request, identityId, cancellationToken);

    [Function("ListIdentityLinks")]
    public Task<IResult> HistoryAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identityId}/links")] HttpRequest request,
        string identityId,
        CancellationToken cancellationToken) =>
        endpoints.HistoryAsync(request, identityId, cancellationToken);
}
