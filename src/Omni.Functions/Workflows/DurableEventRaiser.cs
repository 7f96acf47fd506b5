using System.Text.Json;
using Microsoft.DurableTask.Client;
using Omni.Services.Workflows;

namespace Omni.Functions.Workflows;

/// <summary>
/// Raises an external event to a run's orchestration (instance id = run id): the Durable side of
/// <c>POST /api/runs/{run_id}/events/{name}</c>. Only an orchestration still in progress takes events (Durable on Azure
/// Storage refuses one for a finished instance); anything else is reported, not raised.
/// </summary>
public sealed class DurableEventRaiser(DurableTaskClient client) : IWorkflowEventRaiser
{
    public async Task<RaiseResult> RaiseAsync(string instance, string runId, string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        switch (await client.GetInstanceAsync(runId, cancellationToken))
        {
            case null:
                return RaiseResult.NotFound;
            case { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended }:
                await client.RaiseEventAsync(runId, name, payload, cancellationToken);
                return RaiseResult.Delivered;
            default:
                return RaiseResult.NotWaiting;
        }
    }
}
