using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Http;

/// <summary>
/// Checks the query key an agent presents in <c>x-functions-key</c> (the header Azure Functions uses for function
/// keys; <c>Authorization: Bearer</c>, as MCP clients send it, and <c>?code=</c> work too) against <c>Omni:Keys</c>, in constant time. No keys configured means no access.
/// Called by <see cref="ApiDispatcher"/> for every route whose <see cref="RouteAccess"/> needs a key, never by handlers.
/// </summary>
public sealed class QueryKeyAuthorizer(OmniOptions options)
{
    public const string Header = "x-functions-key";

    /// <summary>The query parameter that carries the key when the header is absent.</summary>
    public const string QueryParameter = "code";

    /// <summary>The caller the presented key stands for, or the 401 to answer.</summary>
    public (Caller? Caller, IResult? Error) Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? presented = request.Headers[Header];
        if (string.IsNullOrEmpty(presented) && request.Headers.Authorization.ToString() is { Length: > 7 } authorization &&
            authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[7..].Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query[QueryParameter];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return (null, ApiError.Unauthorized($"send a query key in the {Header} header"));
        }

        foreach (var (name, key) in options.Keys)
        {
            if (!string.IsNullOrEmpty(key.Secret) && EvolutionWebhookAuthentication.FixedTimeEquals(presented, key.Secret))
            {
                var instances = (key.Instances ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var scopes = (key.Scopes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return (Caller.WithKey(name, instances, scopes), null);
            }
        }

        return (null, ApiError.Unauthorized("the query key is not valid"));
    }
}
