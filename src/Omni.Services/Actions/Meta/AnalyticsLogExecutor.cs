using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Events;
using Omni.Services.Actions.Persist;
using Omni.Services.Analytics;
using Omni.Services.Telemetry;
using Omni.Services.Workflows;

namespace Omni.Services.Actions.Meta;

/// <summary>
/// <c>meta.analytics.log</c>: writes one analytics record for the run (<see cref="AnalyticsStore"/>, read back at
/// <c>GET /api/analytics</c>) and counts it on the <c>omni.analytics.records</c> metric. The run's workflow version, start
/// and audit come from its run record (both hosts keep one): the outcome so far is <c>failed</c> when a step before this one
/// ended failed, else <c>completed</c>, and each earlier step is listed with its status, attempts and total duration. The
/// record is keyed by (run, step): running the step again writes and counts nothing new.
/// Output: <c>{"name", "recorded", "outcome", "at"}</c>.
/// </summary>
public sealed class AnalyticsLogExecutor(AnalyticsStore store, WorkflowRunStore runs, TimeProvider time) : IActionExecutor
{
    public const string Id = "meta.analytics.log";

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var given = invocation.RequireString("name");
        var name = Tags.Normalize(given) ?? throw new PermanentActionException($"{Id}: the name '{given}' is not valid: a name is {Tags.Rule}.");
        var tags = TagParameter.Read(invocation, "tags", required: false);
        var evt = invocation.Event;
        var run = await StorageCall.RunAsync(Id, () => runs.GetAsync(evt.Instance, invocation.RunId, cancellationToken));
        var steps = Steps(run?.Audit ?? [], invocation.StepId);
        var outcome = steps.Any(s => s.Status == "failed") ? "failed" : "completed";
        var record = new AnalyticsRecord(
            evt.Instance, name, tags, run?.WorkflowId ?? invocation.WorkflowId, run?.Version, invocation.RunId, invocation.StepId, evt.EventId, outcome, steps,
            run?.CreatedAt ?? evt.ReceivedAt, time.GetUtcNow());
        var recorded = await StorageCall.RunAsync(Id, () => store.TryAddAsync(record, cancellationToken));
        if (recorded)
        {
            OmniTelemetry.RecordAnalytics(name, record.WorkflowId, evt.Instance, outcome);
        }

        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["name"] = name,
                ["recorded"] = recorded,
                ["outcome"] = outcome,
                ["at"] = record.At,
            }),
            Summary = recorded
                ? $"analytics '{name}' recorded: run {outcome} so far, {steps.Count} steps before it"
                : $"analytics '{name}' was recorded by an earlier execution of this step; nothing new",
        };
    }

    /// <summary>The steps before <paramref name="self"/>, in the order they first ran: the last audit line's status and attempts, the time of all their attempts.</summary>
    public static IReadOnlyList<AnalyticsStep> Steps(IReadOnlyList<StepAudit> audit, string self)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return
        [
            .. audit.Where(a => a.StepId != self).GroupBy(a => a.StepId, StringComparer.Ordinal).Select(lines =>
            {
                var last = lines.Last();
                return new AnalyticsStep(last.StepId, last.ActionId, last.Status, last.Attempts, Math.Round(lines.Sum(l => l.DurationMs), 3));
            }),
        ];
    }
}
