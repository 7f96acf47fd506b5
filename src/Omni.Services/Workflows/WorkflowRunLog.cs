using Omni.Services.Traces;

namespace Omni.Services.Workflows;

/// <summary>The runs stored for an event (either host), as the trace shows them (replaces <see cref="NoWorkflowRuns"/>).</summary>
public sealed class WorkflowRunLog(WorkflowRunStore runs) : IWorkflowRunLog
{
    public async Task<IReadOnlyList<WorkflowRunTrace>> ListForEventAsync(string instance, string eventId, CancellationToken cancellationToken) =>
        [.. (await runs.ListForEventAsync(instance, eventId, cancellationToken)).Select(r => new WorkflowRunTrace(
            r.RunId,
            r.WorkflowId,
            r.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            r.Outcome ?? r.Status,
            r.CreatedAt,
            r.CompletedAt,
            [.. r.Audit.Select(a => new WorkflowStepTrace(a.StepId, a.ActionId, a.Status, a.Attempts, a.StartedAt, a.StartedAt.AddMilliseconds(a.DurationMs), a.Error))]))];
}
