using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Identity;

/// <summary>The identity registry. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class IdentitiesFunctions(ApiDispatcher api)
{
    [Function("SearchIdentities")]
    public Task<IResult> SearchIdentities([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities")] HttpRequest request) =>
        api.InvokeAsync("SearchIdentities", request);

    [Function("GetIdentity")]
    public Task<IResult> GetIdentity([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identity_id}")] HttpRequest request) =>
        api.InvokeAsync("GetIdentity", request);

    [Function("PatchIdentity")]
    public Task<IResult> PatchIdentity([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "identities/{identity_id}")] HttpRequest request) =>
        api.InvokeAsync("PatchIdentity", request);

    [Function("ListIdentityEvents")]
    public Task<IResult> ListIdentityEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identity_id}/events")] HttpRequest request) =>
        api.InvokeAsync("ListIdentityEvents", request);

    [Function("ListIdentityLinks")]
    public Task<IResult> ListIdentityLinks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identity_id}/links")] HttpRequest request) =>
        api.InvokeAsync("ListIdentityLinks", request);

    [Function("LinkIdentityHandle")]
    public Task<IResult> LinkIdentityHandle([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identities/{identity_id}/handles")] HttpRequest request) =>
        api.InvokeAsync("LinkIdentityHandle", request);

    [Function("MergeIdentity")]
    public Task<IResult> MergeIdentity([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identities/{identity_id}/merge")] HttpRequest request) =>
        api.InvokeAsync("MergeIdentity", request);

    [Function("UnmergeIdentity")]
    public Task<IResult> UnmergeIdentity([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identities/{identity_id}/unmerge")] HttpRequest request) =>
        api.InvokeAsync("UnmergeIdentity", request);
}
