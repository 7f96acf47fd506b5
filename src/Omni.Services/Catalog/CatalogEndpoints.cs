using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Http;

namespace Omni.Services.Catalog;

/// <summary>The catalogue of observed event shapes: one instance's, or every instance the key may read.</summary>
public sealed class CatalogEndpoints(OmniOptions options, CatalogStore catalog)
{
    /// <summary><c>GET /api/catalog/{instance}</c>.</summary>
    public async Task<IResult> GetAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var instance = call.Route("instance");
        return options.Instances.ContainsKey(instance)
            ? Results.Json(new { instance, entries = await catalog.ListAsync(instance, call.Cancellation) }, OmniJson.Options)
            : ApiError.NotFound($"no instance named '{instance}' is configured");
    }

    /// <summary><c>GET /api/catalog</c>: every instance the key may read.</summary>
    public async Task<IResult> ListAllAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var lists = await Task.WhenAll(call.Caller.Readable(options.Instances.Keys).Select(i => catalog.ListAsync(i, call.Cancellation)));
        return Results.Json(new { entries = lists.SelectMany(l => l) }, OmniJson.Options);
    }
}
