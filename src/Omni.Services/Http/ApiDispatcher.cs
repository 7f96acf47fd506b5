using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Omni.Services.Http;

/// <summary>
/// Runs a route of <see cref="ApiRoutes"/> for a request, on either host: matches the route values, enforces the
/// route's <see cref="RouteAccess"/> (401 before any work, 403 for another instance's data), then calls the handler
/// with the checked <see cref="Caller"/>. Omni.Local maps every route to this; each Azure Function calls it by name.
/// </summary>
public sealed class ApiDispatcher(IServiceProvider services, QueryKeyAuthorizer keys)
{
    public Task<IResult> InvokeAsync(string routeName, HttpRequest request) => InvokeAsync(ApiRoutes.Named(routeName), request);

    public async Task<IResult> InvokeAsync(ApiRoute route, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        var values = route.Match(request.Path) ?? new RouteValueDictionary(request.RouteValues);
        var caller = Caller.Nobody;
        if (route.Access is RouteAccess.Key or RouteAccess.InstanceKey or RouteAccess.UnscopedKey)
        {
            var (key, denied) = keys.Authenticate(request);
            if (denied is not null)
            {
                return denied;
            }

            caller = key!;
            if (route.Access == RouteAccess.InstanceKey && InstanceNamed(request, values) is { } instance && caller.Forbid(instance) is { } forbidden)
            {
                return forbidden;
            }

            if (route.Access == RouteAccess.UnscopedKey && !caller.IsUnscoped)
            {
                return ApiError.Forbidden("this needs a key that is not limited to some instances");
            }
        }

        return await route.Handler(services, new ApiCall(request, values, caller, services, request.HttpContext.RequestAborted));
    }

    /// <summary>The instance an <see cref="RouteAccess.InstanceKey"/> route names: <c>{instance}</c>, else a single <c>?instance=</c>.</summary>
    private static string? InstanceNamed(HttpRequest request, RouteValueDictionary values) =>
        values.TryGetValue("instance", out var value) && value is string { Length: > 0 } inPath ? inPath
        : request.Query["instance"] is { Count: 1 } query && !string.IsNullOrEmpty(query[0]) ? query[0]
        : null;
}
