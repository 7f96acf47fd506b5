using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Http;

namespace Omni.Services.Analytics;

/// <summary>
/// <c>GET /api/analytics?instance=&amp;name=&amp;workflow_id=&amp;from=&amp;to=&amp;limit=&amp;continuation=</c>: the
/// instance's analytics records (<c>meta.analytics.log</c>), newest run first. <c>instance</c> is required: records are
/// kept per instance and read one key range at a time.
/// </summary>
public sealed class AnalyticsEndpoints(OmniOptions options, AnalyticsStore store)
{
    private static readonly string[] Parameters = ["instance", "name", "workflow_id", "from", "to", "limit", "continuation", "code"];

    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var q = new QueryParameters(call.Request, Parameters);
        var (instance, name, workflowId) = (q.Text("instance"), q.Text("name"), q.Text("workflow_id"));
        var (from, to) = (q.Time("from"), q.Time("to"));
        var limit = q.Number("limit", EventsEndpoints.DefaultLimit, 1, EventsEndpoints.MaxLimit);
        var invalid = q.Error
                      ?? (instance is null ? "instance is required: analytics records are kept per instance" : null)
                      ?? (from is { } f && to is { } t && t <= f ? "to must be after from" : null)
                      ?? (name is { Length: > 200 } || workflowId is { Length: > 200 } ? "name and workflow_id are at most 200 characters" : null);
        if (invalid is not null)
        {
            return ApiError.BadRequest(invalid);
        }

        if (!options.Instances.ContainsKey(instance!))
        {
            return ApiError.NotFound($"no instance named '{instance}' is configured");
        }

        try
        {
            var page = await store.ListAsync(instance!, name, workflowId, from, to, limit, q.Text("continuation"), call.Cancellation);
            return Results.Json(new { records = page.Records, continuation = page.Continuation }, OmniJson.Options);
        }
        catch (ArgumentException e)
        {
            return ApiError.BadRequest(e.Message);
        }
    }
}
