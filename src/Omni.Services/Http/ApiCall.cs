using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Omni.Services.Http;

/// <summary>One call of a route, as a handler sees it: the request, its route values, the checked caller, the host's services.</summary>
public sealed class ApiCall(HttpRequest request, RouteValueDictionary values, Caller caller, IServiceProvider services, CancellationToken cancellation)
{
    public HttpRequest Request { get; } = request;

    public Caller Caller { get; } = caller;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The route value <paramref name="name"/> (e.g. <c>event_id</c>), as matched by the route's template.</summary>
    public string Route(string name) =>
        values.TryGetValue(name, out var value) && value is string text ? text : throw new InvalidOperationException($"the route has no value '{name}'");

    /// <summary>A host-specific service: one the host set as a request feature (the Functions host's Durable client), else from the container.</summary>
    public T Resolve<T>() where T : class => Request.HttpContext.Features.Get<T>() ?? services.GetRequiredService<T>();
}
