using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Explaining;
using Omni.Engine.Workflows.Running;
using Omni.Services.Events;

namespace Omni.Services.Workflows.Explain;

/// <summary>
/// Builds the explain trace of one event from what is stored: the workflows in effect for its instance now (the
/// catalogue) and any other version that ran for it; each one's trigger check (<see cref="TriggerCheck"/>, pure, with the
/// values it saw); the runs' records (status, step outcomes, audit lines with the state each guard read, the offline host's
/// history, the timer a waiting run holds); and the recorded outcomes of <see cref="IRecordedOutcomeSource"/>s. Reads only.
/// </summary>
public sealed class EventExplainer(EventStore events, WorkflowStore workflows, WorkflowRunStore runs, IEnumerable<IRecordedOutcomeSource> sources)
{
    /// <summary>The trace, or null when no such event is stored.</summary>
    public async Task<EventExplanation?> ExplainAsync(string eventId, CancellationToken cancellationToken)
    {
        if (await events.GetStoredAsync(eventId, cancellationToken) is not { } evt)
        {
            return null;
        }

        var snapshot = await workflows.GetAsync(cancellationToken);
        var effective = snapshot.Catalog.EffectiveFor(evt.Instance);
        var ran = await runs.ListForEventAsync(evt.Instance, evt.EventId, cancellationToken);

        var considered = effective.Select(d => (Definition: (WorkflowDefinition?)d, Id: d.Id, d.Version, d.Scope, InEffect: true)).ToList();
        foreach (var run in ran.Where(r => !considered.Any(c => c.Id == r.WorkflowId && c.Version == r.Version)))
        {
            var definition = snapshot.Catalog.Definitions
                .Where(d => d.Id == run.WorkflowId && d.Version == run.Version)
                .OrderByDescending(d => d.Scope == evt.Instance)
                .FirstOrDefault();
            considered.Add((definition, run.WorkflowId, run.Version, definition?.Scope ?? "?", InEffect: false));
        }

        var explained = new List<WorkflowExplanation>();
        foreach (var (definition, id, version, scope, inEffect) in considered)
        {
            var trigger = definition is null ? UnknownTrigger(evt) : TriggerCheck.Of(definition, evt);
            var its = new List<RunExplanation>();
            foreach (var run in ran.Where(r => r.WorkflowId == id && r.Version == version))
            {
                var row = run.Status == RunStatuses.Waiting ? await runs.FindAsync(evt.Instance, run.RunId, cancellationToken) : null;
                its.Add(ExplainRun(definition, run, row?.GetString("WaitingStep"), row?.GetString("WaitingPurpose")));
            }

            explained.Add(new WorkflowExplanation(id, version, scope, inEffect, trigger, its));
        }

        var recorded = new List<RecordedOutcome>();
        foreach (var source in sources)
        {
            recorded.AddRange(await source.ListAsync(evt, cancellationToken));
        }

        var verdict = VerdictOf(explained, workflows.Registry);
        var explanation = new EventExplanation(
            evt.EventId, evt.Instance, evt.EventKind, evt.ContentType, evt.FromMe, evt.SenderHandle, evt.ConversationId, verdict, explained, recorded, []);
        return explanation with { Sentences = ExplainSentences.Write(explanation) };
    }

    /// <summary>A run's steps, planned against executed; for a definition no longer stored, the steps its records name.</summary>
    public static RunExplanation ExplainRun(WorkflowDefinition? definition, WorkflowRunView run, string? waitingStep, string? waitingPurpose)
    {
        ArgumentNullException.ThrowIfNull(run);
        var outcomes = run.Steps.GroupBy(s => s.StepId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var audit = run.Audit.GroupBy(a => a.StepId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var planned = definition?.AllSteps.ToList();
        var stepIds = planned?.Select(s => s.Id).ToList()
                      ?? [.. run.Steps.Select(s => s.StepId).Concat(run.Audit.Select(a => a.StepId)).Distinct(StringComparer.Ordinal)];

        var steps = new List<StepExplanation>();
        foreach (var stepId in stepIds)
        {
            var step = planned?.First(s => s.Id == stepId);
            var action = step as ActionStep;
            var actionId = action?.Action ?? outcomes.GetValueOrDefault(stepId)?.ActionId ?? audit.GetValueOrDefault(stepId)?.ActionId;
            var line = audit.GetValueOrDefault(stepId);
            var outcome = outcomes.GetValueOrDefault(stepId);
            var pending = run.Status == RunStatuses.Waiting && waitingStep == stepId;
            var status = outcome?.Status ?? (pending ? StepExplanation.Pending : line?.Status ?? StepExplanation.NotReached);
            var isGuard = action?.IsGuard ?? actionId?.StartsWith("guard.", StringComparison.Ordinal) == true;
            steps.Add(new StepExplanation(
                stepId,
                step switch { BranchStep => "branch", StopStep => "stop", _ => "action" },
                actionId,
                (step as BranchStep)?.If.Source ?? step?.When?.Source,
                Executed: line is not null,
                status,
                outcome?.Detail ?? (pending ? PendingDetail(waitingPurpose, run) : null),
                outcome?.Provider ?? line?.Provider,
                outcome?.Attempts ?? line?.Attempts ?? 0,
                line?.Summary,
                line?.Error,
                isGuard && (line is not null || outcome is not null) ? Guard(stepId, outcome, line, run.History, pending && waitingPurpose == StartTimer.GuardDefer) : null,
                RepliedBy(run.History, stepId)));
        }

        var timers = run.Status == RunStatuses.Waiting && run.WaitingUntil is { } fireAt
            ? (IReadOnlyList<PendingTimer>)[new PendingTimer(waitingStep ?? "?", waitingPurpose ?? (run.WaitingFor is null ? "timer" : "wait"), run.WaitingFor, fireAt)]
            : [];
        var recorded = new List<RecordedOutcome>();
        if (run.Outcome is { } ended)
        {
            recorded.Add(new RecordedOutcome("run", run.WorkflowId, run.RunId, null, ended, run.Summary, run.CompletedAt));
        }

        // Audit lines of no planned step: decisions the host recorded around the steps.
        recorded.AddRange(run.Audit.Where(a => !stepIds.Contains(a.StepId, StringComparer.Ordinal)).Select(a =>
            new RecordedOutcome("audit", run.WorkflowId, run.RunId, a.StepId, a.Status, a.Summary ?? a.Error, a.StartedAt)));
        return new RunExplanation(run.RunId, run.Status, run.Outcome, run.Summary, run.CreatedAt, run.CompletedAt, steps, timers, recorded);
    }

    private static string PendingDetail(string? purpose, WorkflowRunView run) =>
        run.WaitingFor is { } name ? $"waiting for '{name}' until {Time(run.WaitingUntil)}"
        : purpose == StartTimer.GuardDefer ? $"deferred by its guard until {Time(run.WaitingUntil)}"
        : $"waiting until {Time(run.WaitingUntil)}";

    private static string Time(DateTimeOffset? time) => time is { } t ? Omni.Engine.Json.OmniJson.FormatTime(t) : "?";

    /// <summary>The guard's verdict: from the offline history's output when there is one, else from the step outcome.</summary>
    private static GuardExplanation Guard(string stepId, StepOutcome? outcome, StepAudit? line, IReadOnlyList<HistoryEntry> history, bool deferred)
    {
        var output = history.OfType<ActivityCompleted>().LastOrDefault(h => h.StepId == stepId)?.Output;
        var parsed = output is { } o ? GuardVerdict.Parse(o) : null;
        var verdict = deferred ? GuardVerdict.DeferVerdict
            : outcome?.Status == StepStatuses.Stopped ? GuardVerdict.StopVerdict
            : parsed?.Verdict ?? (outcome?.Status == StepStatuses.Completed || line?.Status == "completed" ? GuardVerdict.ContinueVerdict : outcome?.Status ?? "unknown");
        var reason = outcome?.Status == StepStatuses.Stopped ? outcome.Detail : parsed?.Reason ?? line?.Summary;
        string? rule = null;
        if (line?.State is { ValueKind: JsonValueKind.Object } state && state.TryGetProperty("rule", out var r) && r.ValueKind == JsonValueKind.String)
        {
            rule = r.GetString();
        }

        return new GuardExplanation(verdict, reason, rule, line?.State);
    }

    /// <summary>The reply that ended a follow-up's wait: the event id of the step's <c>contact_replied</c> (offline history).</summary>
    private static string? RepliedBy(IReadOnlyList<HistoryEntry> history, string stepId) =>
        history.OfType<ExternalEventReceived>()
            .Where(h => h.StepId == stepId && h.Name == WorkflowInterpreter.ContactRepliedEvent && h.Payload is { ValueKind: JsonValueKind.Object })
            .Select(h => h.Payload!.Value.TryGetProperty("event_id", out var id) ? id.GetString() : null)
            .LastOrDefault(id => id is not null);

    private static TriggerCheck UnknownTrigger(OmniEvent evt) => new()
    {
        Matched = true, EventKinds = [], EventKind = evt.EventKind, ContentTypes = [], ContentType = evt.ContentType,
        WhenError = "this version is no longer stored: its trigger cannot be shown",
    };

    private static string VerdictOf(IReadOnlyList<WorkflowExplanation> workflows, Omni.Engine.Workflows.Actions.ActionRegistry registry)
    {
        var allRuns = workflows.SelectMany(w => w.Runs).ToList();
        var sideEffects = workflows.SelectMany(w => w.Runs.SelectMany(r => r.Steps.Where(s =>
            s.Executed && s.Status == StepStatuses.Completed && s.ActionId is { } id && registry.Resolve(id)?.Descriptor.IsSideEffect == true)));
        return sideEffects.Any() ? EventExplanation.Acted
            : allRuns.Any(r => r.Status is RunStatuses.Waiting or RunStatuses.Running) ? EventExplanation.Waiting
            : EventExplanation.DidNotAct;
    }
}
