using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Http;

namespace Omni.Services.Workflows;

/// <summary>
/// The action audit log (<c>GET /api/events/{event_id}/actions</c>: every run of the event; <c>GET /api/runs/{run_id}</c>)
/// and external events (<c>POST /api/runs/{run_id}/events/{name}</c>, e.g. <c>resolved</c> for an escalation). The same
/// on both hosts: they differ only in the <see cref="IWorkflowEventRaiser"/> that delivers the event.
/// </summary>
public sealed partial class WorkflowRunsEndpoints(OmniOptions options, WorkflowRunStore runs)
{
    /// <summary>The largest event payload accepted (it becomes part of the run's history).</summary>
    public const int MaxEventPayloadBytes = 16 * 1024;

    public async Task<IResult> EventActionsAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var eventId = call.Route("event_id");
        if (EventKey.InstanceOf(eventId) is not { } instance)
        {
            return ApiError.NotFound($"no event '{eventId}'");
        }

        if (call.Caller.Forbid(instance) is { } forbidden)
        {
            return forbidden;
        }

        var list = await runs.ListForEventAsync(instance, eventId, call.Cancellation);
        return Results.Json(new { event_id = eventId, runs = list }, OmniJson.Options);
    }

    public async Task<IResult> RunAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var runId = call.Route("run_id");
        return await FindAsync(call.Caller, runId, call.Cancellation) is { } run
            ? Results.Json(run, OmniJson.Options)
            : ApiError.NotFound($"no run '{runId}'");
    }

    /// <summary>
    /// Raises the external event <paramref name="name"/> (body: optional JSON, the payload later steps read as
    /// <c>steps.&lt;id&gt;.event</c>) to a run waiting for it: 202 when delivered, 409 when the run is not waiting for it.
    /// The host's <see cref="IWorkflowEventRaiser"/> delivers it (the offline runner, or the run's Durable orchestration).
    /// </summary>
    public async Task<IResult> RaiseEventAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, runId, name, cancellationToken) = (call.Request, call.Route("run_id"), call.Route("name"), call.Cancellation);
        var raiser = call.Resolve<IWorkflowEventRaiser>();

        if (!EventName().IsMatch(name))
        {
            return ApiError.BadRequest($"'{name}' is not an event name: use 1 to 64 letters, digits, '_', '-' or '.'");
        }

        var bytes = await BoundedBody.ReadAsync(request.Body, MaxEventPayloadBytes, cancellationToken);
        if (bytes is null)
        {
            return ApiError.TooLarge($"the event payload exceeds the {MaxEventPayloadBytes} byte limit");
        }

        JsonElement? payload = null;
        if (bytes.ToMemory().Length > 0)
        {
            try
            {
                payload = JsonSerializer.Deserialize<JsonElement>(bytes.ToMemory().Span);
            }
            catch (JsonException e)
            {
                return ApiError.BadRequest("the body is not valid JSON: " + e.Message);
            }
        }

        if (await FindAsync(call.Caller, runId, cancellationToken) is not { } run)
        {
            return ApiError.NotFound($"no run '{runId}'");
        }

        if (run.Status != RunStatuses.Waiting || !WorkflowRunStore.WaitsFor(run.WaitingFor, name))
        {
            return ApiError.Conflict(NotWaiting(run, name));
        }

        return await raiser.RaiseAsync(run.Instance, runId, name, payload, cancellationToken) switch
        {
            RaiseResult.Delivered => Results.Json(new { run_id = runId, @event = name, delivered = true }, OmniJson.Options, statusCode: StatusCodes.Status202Accepted),
            RaiseResult.NotFound => ApiError.NotFound($"no run '{runId}'"),
            // The run moved on meanwhile, or its record still says waiting while its orchestration has ended.
            _ => ApiError.Conflict(await FindAsync(call.Caller, runId, cancellationToken) is { } now && !(now.Status == RunStatuses.Waiting && WorkflowRunStore.WaitsFor(now.WaitingFor, name))
                ? NotWaiting(now, name)
                : $"run '{runId}' is no longer in progress, so it does not take '{name}'"),
        };
    }

    private static string NotWaiting(WorkflowRunView run, string name) => run.Status switch
    {
        RunStatuses.Completed => $"run '{run.RunId}' is completed ({run.Outcome}); it no longer takes '{name}'",
        RunStatuses.Waiting when run.WaitingFor is { } other => $"run '{run.RunId}' is waiting for '{other}', not '{name}'",
        _ => $"run '{run.RunId}' is {run.Status}, not waiting for '{name}'",
    };

    /// <summary>The run among the instances the caller may read (run ids do not name their instance).</summary>
    private async Task<WorkflowRunView?> FindAsync(Caller caller, string runId, CancellationToken cancellationToken)
    {
        foreach (var instance in caller.Readable(options.Instances.Keys))
        {
            if (await runs.GetAsync(instance, runId, cancellationToken) is { } run)
            {
                return run;
            }
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex EventName();
}
