using System.Text.Json;
using Microsoft.DurableTask.Client;
using Omni.Services.Workflows;

namespace Omni.Functions.Workflows;

/// <summary>Raises an external event to a run's orchestration (instance id = run id): the Durable side of <c>POST /api/runs/{run_id}/events/{name}</c>.</summary>
public sealed class DurableEventRaiser(DurableTaskClient client) : IWorkflowEventRaiser
{
    public async Task<RaiseResult> RaiseAsync(string instance, string runId, string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        await client.RaiseEventAsync(runId, name, payload, cancellationToken);
        return RaiseResult.Delivered;
    }
}
