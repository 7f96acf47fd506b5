using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace Omni.Services.Http;

/// <summary>
/// One HTTP route of Omni's API: its name (the Azure Function's name, the OpenAPI operation id), verb, path under
/// <c>/api</c> (an ASP.NET Core route template, the same on both hosts), who may call it and the handler.
/// </summary>
public sealed class ApiRoute
{
    private readonly TemplateMatcher _matcher;

    public ApiRoute(string name, string method, string path, RouteAccess access, Func<IServiceProvider, ApiCall, Task<IResult>> handler)
    {
        Name = name;
        Method = method;
        Path = path;
        Access = access;
        Handler = handler;
        _matcher = new TemplateMatcher(TemplateParser.Parse(ApiRoutes.Prefix + "/" + path), []);
    }

    public string Name { get; }

    /// <summary>The HTTP verb, upper case.</summary>
    public string Method { get; }

    /// <summary>The route template below <see cref="ApiRoutes.Prefix"/>, e.g. <c>events/{event_id}</c>.</summary>
    public string Path { get; }

    public RouteAccess Access { get; }

    public Func<IServiceProvider, ApiCall, Task<IResult>> Handler { get; }

    /// <summary>The route values of <paramref name="path"/> (the request's path, prefix included), or null when it does not match.</summary>
    public RouteValueDictionary? Match(PathString path)
    {
        var values = new RouteValueDictionary();
        return _matcher.TryMatch(path, values) ? values : null;
    }

    /// <summary>A route served by <typeparamref name="TEndpoints"/>, resolved from the host's container.</summary>
    public static ApiRoute For<TEndpoints>(string name, string method, string path, RouteAccess access, Func<TEndpoints, ApiCall, Task<IResult>> handle)
        where TEndpoints : notnull =>
        new(name, method, path, access, (services, call) => handle(services.GetRequiredService<TEndpoints>(), call));
}
