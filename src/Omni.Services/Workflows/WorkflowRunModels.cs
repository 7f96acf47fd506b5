using System.Text.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;

namespace Omni.Services.Workflows;

/// <summary>
/// One audit line: a step's action, provider, attempts, duration, output summary and error. For a step with a provider
/// chain, <see cref="Tried"/> lists every provider the step has called so far, in order, this call last: attempts, whether
/// it succeeded and why it was passed over (its error, or a result that failed the step's check). <see cref="State"/> is
/// what the action read to decide (<see cref="ActionOutcome.State"/>: a guard's rule and the state it saw).
/// </summary>
public sealed record StepAudit(
    string StepId, string ActionId, string Status, string? Provider, int Attempts, DateTimeOffset StartedAt, double DurationMs, string? Summary, string? Error,
    IReadOnlyList<ProviderAttempt>? Tried = null, JsonElement? State = null);

/// <summary>
/// A run as stored: its workflow version, event, status (and what it waits for), history and audit; <see cref="StoppedBy"/>
/// names the higher workflow's gate when one kept this run from running (outcome skipped, no steps).
/// </summary>
public sealed record WorkflowRunView(
    string RunId, string Instance, string WorkflowId, int Version, string EventId, string Status, string? Outcome, string? Summary,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? WaitingFor, DateTimeOffset? WaitingUntil,
    IReadOnlyList<StepAudit> Audit, IReadOnlyList<StepOutcome> Steps, IReadOnlyList<HistoryEntry> History, StoppedBy? StoppedBy = null);

/// <summary>What became of an external event raised to a run.</summary>
public enum RaiseResult
{
    /// <summary>The run was waiting for it and has resumed.</summary>
    Delivered,

    /// <summary>No such run.</summary>
    NotFound,

    /// <summary>The run exists but is not waiting for this event (completed, running, or waiting for another).</summary>
    NotWaiting,
}

/// <summary>Delivers external events (<c>POST /api/runs/{run_id}/events/{name}</c>) to runs: the offline runner, or Durable's client.</summary>
public interface IWorkflowEventRaiser
{
    Task<RaiseResult> RaiseAsync(string instance, string runId, string name, JsonElement? payload, CancellationToken cancellationToken);
}
