using Microsoft.AspNetCore.Http;

namespace Omni.Services.Http;

/// <summary>
/// Answers, in Omni's error shape, the requests no route handles: an unknown path (404), a known path with another verb
/// (405 with <c>Allow</c>), and a URL longer than <see cref="MaxUrlLength"/> (414). Omni.Local uses it for what would
/// otherwise be empty-bodied answers of the web server.
/// </summary>
public static class ApiFallback
{
    /// <summary>The longest path and query accepted; Omni's own ids and names are far shorter.</summary>
    public const int MaxUrlLength = 8 * 1024;

    /// <summary>A 414 when the request's URL is too long, else null.</summary>
    public static IResult? TooLong(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var length = (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        return length > MaxUrlLength
            ? ApiError.Create(StatusCodes.Status414UriTooLong, "uri_too_long", $"the URL is {length} characters long; the limit is {MaxUrlLength}")
            : null;
    }

    /// <summary>The answer for a request that matched no route: 405 when the path is a route's under another verb, else 404.</summary>
    public static IResult NoRoute(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var allowed = ApiRoutes.All.Where(r => r.Match(request.Path) is not null).Select(r => r.Method).Distinct().Order(StringComparer.Ordinal).ToList();
        if (allowed.Count > 0)
        {
            request.HttpContext.Response.Headers.Allow = string.Join(", ", allowed);
            return ApiError.Create(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
                $"{request.Method} is not allowed here; allowed: {string.Join(", ", allowed)}");
        }

        return ApiError.NotFound($"no route matches {request.Method} {Shorten(request.Path.Value ?? "/")}; the routes are listed in /api/openapi.json");
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
