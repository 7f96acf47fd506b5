using Omni.Services.Http;

namespace Omni.Local;

/// <summary>The identity registry's routes, the same as the Functions app's <c>IdentitiesFunctions</c>. Each only delegates.</summary>
public static class IdentityRoutes
{
    public static IEndpointRouteBuilder MapIdentityRoutes(this IEndpointRouteBuilder api)
    {
        api.MapGet("/identities", (HttpRequest request, IdentitiesEndpoints endpoints, CancellationToken ct) => endpoints.SearchAsync(request, ct));
        api.MapGet("/identities/{identity_id}", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.GetAsync(request, identity_id, ct));
        api.MapPatch("/identities/{identity_id}", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.PatchAsync(request, identity_id, ct));
        api.MapPost("/identities/{identity_id}/handles", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.LinkHandleAsync(request, identity_id, ct));
        api.MapPost("/identities/{identity_id}/merge", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.MergeAsync(request, identity_id, ct));
        api.MapPost("/identities/{identity_id}/unmerge", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.UnmergeAsync(request, identity_id, ct));
        api.MapGet("/identities/{identity_id}/events", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.EventsAsync(request, identity_id, ct));
        api.MapGet("/identities/{identity_id}/links", (HttpRequest request, string identity_id, IdentitiesEndpoints endpoints, CancellationToken ct) =>
            endpoints.HistoryAsync(request, identity_id, ct));
        return api;
    }
}
