using Microsoft.AspNetCore.Http;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Workflows;

namespace Omni.Services.Http;

/// <summary>The action audit log: <c>GET /api/events/{event_id}/actions</c> (every run of the event) and <c>GET /api/runs/{run_id}</c>.</summary>
public sealed class WorkflowRunsEndpoints(QueryKeyAuthorizer keys, WorkflowRunner runner)
{
    public async Task<IResult> EventActionsAsync(HttpRequest request, string eventId, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        if (EventKey.InstanceOf(eventId) is not { } instance)
        {
            return ApiError.NotFound($"no event '{eventId}'");
        }

        if (keys.Authorize(request, instance) is { } forbidden)
        {
            return forbidden;
        }

        var runs = await runner.ListForEventAsync(instance, eventId, cancellationToken);
        return Results.Json(new { event_id = eventId, runs }, OmniJson.Options);
    }

    public async Task<IResult> RunAsync(HttpRequest request, string runId, CancellationToken cancellationToken)
    {
        if (keys.Authorize(request) is { } denied)
        {
            return denied;
        }

        foreach (var instance in keys.ReadableInstances(request))
        {
            if (await runner.GetAsync(instance, runId, cancellationToken) is { } run)
            {
                return Results.Json(run, OmniJson.Options);
            }
        }

        return ApiError.NotFound($"no run '{runId}'");
    }
}
