using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Running;
using Omni.Engine.Workflows.Shadow;
using Omni.Services.Actions;
using Omni.Services.Actions.Guards;

namespace Omni.Services.Workflows.Shadow;

/// <summary>One event replayed: what the live version did, what the candidate would do, and how the candidate's outputs were found.</summary>
public sealed record ShadowEventResult(OmniEvent Event, ShadowLive Live, ShadowPlanned Shadow, IReadOnlyList<string> Notes);

/// <summary>
/// Runs a candidate workflow over one stored event with every side effect stubbed: the deterministic interpreter decides,
/// and each action step's result comes, in this order, from the request's stub for that step; from the live run's
/// record when the live version ran a step of that id with that action (its output on the offline host, which keeps the
/// history; a guard's verdict on either host, from the run's step outcomes); from evaluating it when the action is a pure
/// guard (<see cref="Evaluated"/>: no I/O, no state); else a stub: guards continue, other actions return a value per
/// field of their declared <see cref="ActionDescriptor.Outputs"/> (or <c>{}</c>). Timers fire at their time; a wait gets
/// what the live run received, else times out. Every assumption is named in the notes. Nothing is executed that is not pure.
/// </summary>
public sealed class ShadowReplayer(ActionExecutorRegistry executors, ActionRegistry registry)
{
    /// <summary>Guards decided from the event and their parameters alone, so the shadow may run them for real.</summary>
    public static IReadOnlySet<string> Evaluated { get; } = new HashSet<string>(StringComparer.Ordinal) { AllowlistGuard.Id, DenylistGuard.Id, SelfRouteGuard.Id };

    public async Task<ShadowEventResult?> ReplayAsync(
        WorkflowDefinition candidate, OmniEvent evt, WorkflowRunView? live, IReadOnlyDictionary<string, JsonElement> stubs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(stubs);
        var triggered = new WorkflowCatalog([candidate]).Match(evt).Count > 0;
        if (!triggered && live is null)
        {
            return null;
        }

        var notes = new List<string>();
        var planned = triggered ? await RunAsync(candidate, evt, live, stubs, notes, cancellationToken) : ShadowPlanned.Untriggered;
        return new ShadowEventResult(evt, live is null ? ShadowLive.None : LiveOf(live), planned, notes);
    }

    /// <summary>The live run as the diff sees it: the side-effect steps whose action completed (once per step, retries aside).</summary>
    public ShadowLive LiveOf(WorkflowRunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var performed = run.Audit
            .Where(a => a.Status == StepStatuses.Completed && IsSideEffect(a.ActionId))
            .DistinctBy(a => a.StepId)
            .Select(a => new ShadowAction(a.StepId, a.ActionId))
            .ToList();
        return new ShadowLive(run.RunId, run.Version, run.Outcome ?? run.Status, performed);
    }

    private bool IsSideEffect(string actionId) => registry.Resolve(actionId)?.Descriptor.IsSideEffect == true;

    private async Task<ShadowPlanned> RunAsync(
        WorkflowDefinition candidate, OmniEvent evt, WorkflowRunView? live, IReadOnlyDictionary<string, JsonElement> stubs, List<string> notes,
        CancellationToken cancellationToken)
    {
        var history = RunHistory.Empty;
        var planned = new List<ShadowAction>();
        var clock = WorkflowInterpreter.StartOf(evt);
        var bound = WorkflowInterpreter.MaxDecisions(candidate);
        for (var i = 0; i < bound; i++)
        {
            Decision decision;
            try
            {
                decision = WorkflowInterpreter.Decide(candidate, evt, history);
            }
            catch (WorkflowHistoryMismatchException e)
            {
                notes.Add($"the replay stopped: {e.Message}");
                return new ShadowPlanned(RunOutcomes.Failed, e.Message, planned);
            }

            HistoryEntry entry;
            switch (decision)
            {
                case CallActivity call:
                    entry = await ResolveAsync(call, evt, live, stubs, clock, notes, cancellationToken);
                    if (entry is ActivityCompleted && call.IsSideEffect)
                    {
                        planned.Add(new ShadowAction(call.StepId, call.ActionId));
                    }

                    break;
                case StartTimer timer:
                    entry = new TimerFired(timer.StepId, timer.FireAt);
                    break;
                case WaitForExternalEvent wait:
                    entry = Received(live, wait) is { } received
                        ? received
                        : Assumed(notes, new TimerFired(wait.StepId, wait.Deadline), $"step '{wait.StepId}': no '{wait.Name}' recorded by the live run; assumed none arrived before its deadline");
                    break;
                case Complete done:
                    return new ShadowPlanned(done.Outcome, done.Reason, planned);
                default:
                    throw new InvalidOperationException($"unknown decision {decision.GetType().Name}");
            }

            clock = entry.At > clock ? entry.At : clock;
            history = history.Append(entry);
        }

        throw new InvalidOperationException($"the shadow run of {evt.EventId} made more than {bound} decisions");
    }

    private async Task<HistoryEntry> ResolveAsync(
        CallActivity call, OmniEvent evt, WorkflowRunView? live, IReadOnlyDictionary<string, JsonElement> stubs, DateTimeOffset at, List<string> notes,
        CancellationToken cancellationToken)
    {
        if (stubs.TryGetValue(call.StepId, out var stub))
        {
            return new ActivityCompleted(call.StepId, at, call.Provider, stub);
        }

        var isGuard = call.ActionId.StartsWith("guard.", StringComparison.Ordinal);
        if (live is not null && Recorded(live, call, isGuard, at) is { } recorded)
        {
            return recorded;
        }

        if (isGuard && Evaluated.Contains(call.ActionId))
        {
            return await EvaluateAsync(call, evt, at, cancellationToken);
        }

        if (isGuard)
        {
            return Assumed(notes, new ActivityCompleted(call.StepId, at, call.Provider, GuardVerdict.Continue()),
                $"step '{call.StepId}' ({call.ActionId}): not recorded by the live run; assumed continue (its state is not replayed)");
        }

        var output = DeclaredStub(call.ActionId);
        return Assumed(notes, new ActivityCompleted(call.StepId, at, call.Provider, output),
            $"step '{call.StepId}' ({call.ActionId}): no recorded output; stubbed as {output.GetRawText()}");
    }

    /// <summary>
    /// The live run's result of the same step (same id, same action): the offline host's history has its output; on the
    /// Durable host (history in its task hub) a guard's verdict is read from the run's step outcomes, other outputs are unknown.
    /// </summary>
    private static HistoryEntry? Recorded(WorkflowRunView live, CallActivity call, bool isGuard, DateTimeOffset at)
    {
        if (!live.Audit.Any(a => a.StepId == call.StepId && a.ActionId == call.ActionId))
        {
            return null;
        }

        var entries = live.History.Where(e => e.StepId == call.StepId).ToList();
        if (entries.OfType<ActivityCompleted>().LastOrDefault() is { } completed)
        {
            return new ActivityCompleted(call.StepId, at, call.Provider, completed.Output);
        }

        if (entries.OfType<ActivityFailed>().LastOrDefault() is { } failed)
        {
            return new ActivityFailed(call.StepId, at, call.Provider, failed.Error);
        }

        var outcome = live.Steps.FirstOrDefault(s => s.StepId == call.StepId);
        return outcome?.Status switch
        {
            StepStatuses.Stopped when isGuard => new ActivityCompleted(call.StepId, at, call.Provider, GuardVerdict.Stop(outcome.Detail ?? $"stopped by {call.ActionId}")),
            StepStatuses.Completed when isGuard => new ActivityCompleted(call.StepId, at, call.Provider, GuardVerdict.Continue()),
            StepStatuses.Failed => new ActivityFailed(call.StepId, at, call.Provider, outcome.Detail ?? "failed in the live run"),
            _ => null,
        };
    }

    private static ExternalEventReceived? Received(WorkflowRunView? live, WaitForExternalEvent wait) =>
        live?.History.OfType<ExternalEventReceived>().FirstOrDefault(e => e.StepId == wait.StepId && e.Name == wait.Name) is { } received
            ? received with { At = received.At < wait.Deadline ? received.At : wait.Deadline }
            : null;

    private async Task<HistoryEntry> EvaluateAsync(CallActivity call, OmniEvent evt, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var invocation = new ActionInvocation
        {
            RunId = "shadow",
            StepId = call.StepId,
            ActionId = call.ActionId,
            Event = evt,
            Parameters = call.Parameters,
            Provider = call.Provider,
        };
        try
        {
            var outcome = await executors.Get(call.ActionId).ExecuteAsync(invocation, cancellationToken);
            return new ActivityCompleted(call.StepId, at, call.Provider, outcome.Output);
        }
        catch (PermanentActionException e)
        {
            return new ActivityFailed(call.StepId, at, call.Provider, e.Message);
        }
    }

    /// <summary>A stand-in output: one value per declared output field (text <c>"(shadow)"</c>, numbers 0, false, empty lists and records).</summary>
    private JsonElement DeclaredStub(string actionId)
    {
        var fields = registry.Resolve(actionId)?.Descriptor.Outputs ?? [];
        var stub = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            stub[field.Name] = field.Type switch
            {
                OutputType.Text => "(shadow)",
                OutputType.WholeNumber or OutputType.Number => 0,
                OutputType.Boolean => false,
                OutputType.Record => new Dictionary<string, object>(),
                _ => Array.Empty<object>(),
            };
        }

        return JsonSerializer.SerializeToElement(stub);
    }

    private static T Assumed<T>(List<string> notes, T entry, string note)
    {
        notes.Add(note);
        return entry;
    }
}
