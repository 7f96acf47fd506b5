using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;
using Omni.Services.Configuration;

namespace Omni.Services.Http;

/// <summary>
/// Checks the query key an agent presents in <c>x-functions-key</c> (the header Azure Functions uses for function
/// keys; <c>?code=</c> works too) against <c>Omni:Keys</c>. No keys configured means no access.
/// </summary>
public sealed class QueryKeyAuthorizer(OmniOptions options)
{
    public const string Header = "x-functions-key";

    /// <summary>Null when the caller may read <paramref name="instance"/> (or anything, when null); else the 401/403 to answer.</summary>
    public IResult? Authorize(HttpRequest request, string? instance = null)
    {
        string? presented = request.Headers[Header];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query["code"];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return ApiError.Unauthorized($"send a query key in the {Header} header");
        }

        foreach (var key in options.Keys.Values)
        {
            if (string.IsNullOrEmpty(key.Secret) || !EvolutionWebhookAuthentication.FixedTimeEquals(presented, key.Secret))
            {
                continue;
            }

            var allowed = (key.Instances ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return allowed.Length == 0 || instance is null || allowed.Contains(instance, StringComparer.Ordinal)
                ? null
                : ApiError.Forbidden($"this key may not read instance '{instance}'");
        }

        return ApiError.Unauthorized("the query key is not valid");
    }

    /// <summary>The configured instances the presented key may read, by name (call after <see cref="Authorize"/> succeeded).</summary>
    public IReadOnlyList<string> ReadableInstances(HttpRequest request) =>
        [.. options.Instances.Keys.Where(i => Authorize(request, i) is null).Order(StringComparer.Ordinal)];
}
