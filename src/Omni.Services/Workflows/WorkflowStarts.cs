using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Events;
using Omni.Services.Http;

namespace Omni.Services.Workflows;

/// <summary>What asking for a run gave: the run id (deterministic: the same workflow for the same event is one run) and whether it was new.</summary>
public sealed record WorkflowStartOutcome(string RunId, string WorkflowId, int Version, string Instance, string EventId, bool Started, bool DryRun);

/// <summary>A start that was refused: <c>not_found</c> (no such event or workflow for the caller) or <c>forbidden</c>.</summary>
public sealed class WorkflowStartException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// Starts one named workflow for one event on request (an agent's <c>start_workflow</c>), on either host: the start goes
/// through the <c>workflow-runs</c> queue with the workflow's id, and each host's consumer starts just that workflow
/// (trigger and <c>when</c> not checked: the caller chose it). Run ids derive from (event, workflow, version), so asking
/// twice, or for a run the event's trigger already started, never makes a second run.
/// </summary>
public sealed class WorkflowStarts(WorkflowStore workflows, WorkflowRunStore runs, WorkflowRunInbox inbox, EventStore events)
{
    /// <summary>
    /// The runs of <paramref name="evt"/>: the workflows it triggers in precedence order, each with the gate that stops it
    /// (<see cref="WorkflowCatalog.Plan"/>), or the one named <paramref name="workflowId"/> (no trigger, no gate: the caller chose it).
    /// </summary>
    public static IEnumerable<WorkflowStart> Chosen(WorkflowCatalog catalog, OmniEvent evt, string? workflowId)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(evt);
        return workflowId is null
            ? catalog.Plan(evt)
            : catalog.EffectiveFor(evt.Instance).Where(d => d.Id == workflowId).Select(d => new WorkflowStart(d));
    }

    public async Task<WorkflowStartOutcome> StartAsync(Caller caller, string workflowId, string eventId, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var evt = await events.GetStoredAsync(eventId, cancellationToken);
        if (evt is null || !caller.CanRead(evt.Instance))
        {
            throw new WorkflowStartException("not_found", $"no event '{eventId}' this key may read");
        }

        if (!caller.MayAct)
        {
            throw new WorkflowStartException("forbidden", $"this key may not act: starting runs needs a key with the '{Caller.ActScope}' scope");
        }

        var snapshot = await workflows.GetAsync(cancellationToken);
        var definition = Chosen(snapshot.Catalog, evt, workflowId).FirstOrDefault()?.Definition
            ?? throw new WorkflowStartException("not_found", $"no workflow '{workflowId}' is in effect on instance '{evt.Instance}'");
        var runId = WorkflowInterpreter.RunIdFor(definition, evt);
        var exists = await runs.FindAsync(evt.Instance, runId, cancellationToken) is not null;
        if (!exists && !dryRun)
        {
            await inbox.EnqueueAsync(new WorkflowRunMessage(evt.Instance, evt.EventId, definition.Id), cancellationToken);
        }

        return new WorkflowStartOutcome(runId, definition.Id, definition.Version, evt.Instance, evt.EventId, !exists && !dryRun, dryRun);
    }
}
