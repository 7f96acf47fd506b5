using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Workflows.Running;

/// <summary>
/// The workflow interpreter: <c>(definition, event, history) → next decision</c>. Pure and deterministic: it replays
/// the history from the start on every call, reads no clock, draws no random numbers or ids and does no I/O, so a
/// Durable orchestrator (or the offline host) can call it on every replay and get the same answer.
/// </summary>
public static class WorkflowInterpreter
{
    /// <summary>How often one guard step may defer before the run is skipped (bounds every run).</summary>
    public const int MaxGuardDefers = 10;

    /// <summary>The external event a follow-up (<c>after</c> + <c>unless</c>) races its timer against; it sets <c>replied</c>.</summary>
    public const string ContactRepliedEvent = "contact_replied";

    /// <summary>
    /// True when <paramref name="evt"/> is the contact answering in its conversation: an inbound message, reaction or
    /// poll vote (not a receipt, presence or anything the instance sent). Hosts raise <see cref="ContactRepliedEvent"/>
    /// for it to the runs waiting in <see cref="OmniEvent.ConversationId"/>.
    /// </summary>
    public static bool IsContactReply(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return !evt.FromMe && evt.ConversationId is not null
               && evt.EventKind is EventKinds.Message or EventKinds.Reaction or EventKinds.PollVote;
    }

    /// <summary>
    /// The external event a follow-up races its timer against when its <c>unless</c> reads <c>we_replied</c> (or
    /// <c>conversation</c>): an outbound message in the run's conversation, whoever sent it (a workflow's reply, the owner
    /// writing from their phone), sets <c>we_replied</c>.
    /// </summary>
    public const string WeRepliedEvent = "we_replied";

    /// <summary>True when <paramref name="evt"/> is a message the instance's own account sent in its conversation (<see cref="WeRepliedEvent"/>).</summary>
    public static bool IsOurReply(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return evt.FromMe && evt.ConversationId is not null && evt.EventKind == EventKinds.Message;
    }

    /// <summary>
    /// The conversation signal <paramref name="evt"/> raises to the runs waiting in its conversation:
    /// <see cref="ContactRepliedEvent"/>, <see cref="WeRepliedEvent"/>, or null.
    /// </summary>
    public static string? SignalOf(OmniEvent evt) =>
        IsContactReply(evt) ? ContactRepliedEvent : IsOurReply(evt) ? WeRepliedEvent : null;

    /// <summary>True for the names of conversation signals, which the hosts raise themselves.</summary>
    public static bool IsSignal(string name) => name is ContactRepliedEvent or WeRepliedEvent;

    /// <summary>
    /// The signals a follow-up with <paramref name="unless"/> waits for: <c>we_replied</c> when it reads <c>we_replied</c>;
    /// <c>contact_replied</c> when it reads <c>replied</c> / <c>contact_replied</c>, or nothing of ours (as before
    /// <c>we_replied</c> existed); both when it reads <c>conversation</c> (either side writing changes it).
    /// </summary>
    public static IReadOnlyList<string> SignalsOf(WorkflowExpression unless)
    {
        ArgumentNullException.ThrowIfNull(unless);
        var ours = unless.Reads(WeRepliedEvent);
        var state = unless.Reads(ConversationName);
        var signals = new List<string>();
        if (state || unless.Reads(RepliedName) || unless.Reads(ContactRepliedEvent) || !ours)
        {
            signals.Add(ContactRepliedEvent);
        }

        if (ours || state)
        {
            signals.Add(WeRepliedEvent);
        }

        return signals;
    }

    /// <summary>The name conditions read the conversation's state by: <c>conversation.awaiting_reply</c>, ….</summary>
    public const string ConversationName = "conversation";

    /// <summary><c>replied</c>: the contact replied (the name kept from before <c>we_replied</c>; <c>contact_replied</c> says the same).</summary>
    public const string RepliedName = "replied";

    /// <summary>The payload of <see cref="ContactRepliedEvent"/>: <c>{"event_id": ...}</c> of the reply.</summary>
    public static JsonElement ContactRepliedPayload(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["event_id"] = evt.EventId });
    }

    /// <summary>
    /// The next thing to do for a run of <paramref name="definition"/> on <paramref name="evt"/>, given what has happened.
    /// Throws <see cref="WorkflowHistoryMismatchException"/> when the history does not fit the definition.
    /// </summary>
    public static Decision Decide(WorkflowDefinition definition, OmniEvent evt, RunHistory history)
    {
        // Stryker disable Statement : equivalent, the run's RunIdFor checks the definition and the event by the same names before using them
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(evt);
        // Stryker restore Statement
        ArgumentNullException.ThrowIfNull(history);
        return new Run(definition, evt, history).Execute();
    }

    /// <summary>
    /// An upper bound on the decisions one run of <paramref name="definition"/> can make, the final
    /// <see cref="Complete"/> included; drivers loop at most this often. A run is finite because the validator
    /// rejects loops (<c>next</c> only jumps forward), so each step is reached at most once, and an action step decides
    /// at most: two for its follow-up delay (the <c>contact_replied</c> wait, then the rest of the delay), one call per
    /// provider for each of the <see cref="MaxGuardDefers"/> + 1 times a guard may be asked, a deferral timer between
    /// those, and one wait for <c>wait_for</c>. Retries of one call are not decisions (the driver retries the call).
    /// </summary>
    public static int MaxDecisions(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var bound = 1;
        foreach (var step in definition.AllSteps)
        {
            if (step is not ActionStep action)
            {
                bound += 1; // a conversation read for its condition
                continue;
            }

            // a conversation read for 'when'; a follow-up: a wait per signal, the rest of the delay, a read after each of those
            var providers = Math.Max(action.Providers.Count, 1);
            bound += 1 + 6 + ((MaxGuardDefers + 1) * providers) + MaxGuardDefers + 1;
        }

        return bound;
    }

    /// <summary>The run's id (Durable instance id): see <see cref="WorkflowRunId.For"/>.</summary>
    public static string RunIdFor(WorkflowDefinition definition, OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(evt);
        return WorkflowRunId.For(evt.EventId, definition.Id, definition.Version);
    }

    /// <summary>The logical start of a run: when the event happened (or was received); follow-up delays count from it.</summary>
    public static DateTimeOffset StartOf(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return evt.OccurredAt ?? evt.ReceivedAt;
    }

    private sealed class Run : IExpressionContext
    {
        private readonly WorkflowDefinition _definition;
        private readonly OmniEvent _event;
        private readonly IReadOnlyList<HistoryEntry> _entries;
        private readonly string _runId;
        private readonly Dictionary<WorkflowStep, (IReadOnlyList<WorkflowStep> List, int Index, BranchStep? Parent)> _layout = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, WorkflowStep> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, object?> _results = new(StringComparer.Ordinal);
        private readonly List<StepOutcome> _outcomes = [];
        private int _cursor;
        private DateTimeOffset _clock;
        private JsonElement? _output;
        private IReadOnlyCollection<string>? _received;
        private JsonElement? _conversation;

        public Run(WorkflowDefinition definition, OmniEvent evt, RunHistory history)
        {
            _definition = definition;
            _event = evt;
            _entries = history.Entries;
            _runId = RunIdFor(definition, evt);
            _clock = StartOf(evt);
            Index(definition.Steps, null);
        }

        public Decision Execute()
        {
            var step = _definition.Steps.Count > 0 ? _definition.Steps[0] : null;
            while (step is not null)
            {
                Decision? decision;
                WorkflowStep? next;
                try
                {
                    (decision, next) = Perform(step);
                }
                catch (ExpressionException e)
                {
                    _outcomes.Add(new StepOutcome(step.Id, (step as ActionStep)?.Action, StepStatuses.Failed, null, 0, [], $"expression error: {e.Message}"));
                    return Finish(RunOutcomes.Failed, $"step '{step.Id}': expression error: {e.Message}");
                }

                if (decision is not null)
                {
                    return decision;
                }

                step = next;
            }

            if (_cursor < _entries.Count)
            {
                throw Mismatch(_entries[_cursor], "the run is complete");
            }

            return Finish(RunOutcomes.Completed, null);
        }

        private (Decision? Decision, WorkflowStep? Next) Perform(WorkflowStep step)
        {
            switch (step)
            {
                case StopStep stop:
                    if (ReadFor(stop.Id, stop.When) is { } readStop)
                    {
                        return (readStop, null);
                    }

                    if (stop.When is null || stop.When.Evaluate(this))
                    {
                        Record(stop.Id, null, StepStatuses.Stopped, null, 0, [], stop.Reason);
                        return (Finish(RunOutcomes.Skipped, stop.Reason), null);
                    }

                    Record(stop.Id, null, StepStatuses.Skipped, null, 0, [], "when is false");
                    return (null, After(stop));
                case BranchStep branch:
                {
                    if (ReadFor(branch.Id, branch.If) is { } readBranch)
                    {
                        return (readBranch, null);
                    }

                    var taken = branch.If.Evaluate(this);
                    Record(branch.Id, null, StepStatuses.Completed, null, 0, [], taken ? "then" : "else", output: JsonSerializer.SerializeToElement(new { branch = taken ? "then" : "else" }));
                    var list = taken ? branch.Then : branch.Else;
                    return (null, list.Count > 0 ? list[0] : Exit(branch));
                }

                case ActionStep action:
                {
                    var decision = PerformAction(action);
                    var ran = _results.TryGetValue(action.Id, out var result)
                        && result is Dictionary<string, object?> r && r["status"] is StepStatuses.Completed or StepStatuses.TimedOut;
                    return (decision, ran && action.Next is { } target ? _byId[target] : After(action));
                }

                default:
                    // Stryker disable once String : unreachable, every step type is handled above
                    throw new InvalidOperationException($"unknown step type {step.GetType().Name}");
            }
        }

        private Decision? PerformAction(ActionStep step)
        {
            if (ReadFor(step.Id, step.When) is { } read)
            {
                return read;
            }

            if (step.When is not null && !step.When.Evaluate(this))
            {
                Record(step.Id, step.Action, StepStatuses.Skipped, null, 0, [], "when is false");
                return null;
            }

            if (step.After is { } delay && Delay(step, _clock + delay) is { } waiting)
            {
                return waiting.Decision;
            }

            if (_results.ContainsKey(step.Id))
            {
                return null; // skipped by 'unless'
            }

            var providers = step.Providers.Count > 0 ? step.Providers.Select(p => (string?)p).ToList() : [null];
            var tried = new List<string>();
            var attempts = 0;
            var defers = 0;
            string? error = null;
            ActivityCompleted? success = null;
            for (var index = 0; index < providers.Count && success is null; index++)
            {
                var provider = providers[index];
                var entry = Peek(step.Id);
                if (entry is null)
                {
                    return Call(step, provider, providers.Skip(index + 1).OfType<string>().ToList());
                }

                Consume(entry);
                if (entry is ActivityFailed failed && failed.Provider == provider)
                {
                    attempts += failed.Attempts;
                    Tried(tried, provider);
                    error = provider is null ? failed.Error : $"{provider}: {failed.Error}";
                    continue;
                }

                if (entry is not ActivityCompleted completed || completed.Provider != provider)
                {
                    throw Mismatch(entry, $"a result of step '{step.Id}' from provider '{provider ?? "(none)"}'");
                }

                attempts += completed.Attempts;
                Tried(tried, provider);
                if (step.IsGuard)
                {
                    var verdict = GuardVerdict.Parse(completed.Output);
                    if (verdict is null)
                    {
                        error = $"guard returned no valid verdict: {completed.Output.GetRawText()}";
                        break;
                    }

                    if (verdict.Verdict == GuardVerdict.StopVerdict)
                    {
                        var reason = verdict.Reason ?? $"stopped by {step.Action}";
                        Record(step.Id, step.Action, StepStatuses.Stopped, provider, attempts, tried, reason, completed.Output);
                        return Finish(RunOutcomes.Skipped, reason);
                    }

                    if (verdict.Verdict == GuardVerdict.DeferVerdict)
                    {
                        if (++defers > MaxGuardDefers)
                        {
                            var reason = $"{step.Action} deferred the run more than {MaxGuardDefers} times";
                            Record(step.Id, step.Action, StepStatuses.Stopped, provider, attempts, tried, reason, completed.Output);
                            return Finish(RunOutcomes.Skipped, reason);
                        }

                        var timer = Peek(step.Id);
                        if (timer is null)
                        {
                            return new StartTimer(step.Id, verdict.Until!.Value, StartTimer.GuardDefer);
                        }

                        if (timer is not TimerFired)
                        {
                            throw Mismatch(timer, $"the deferral timer of step '{step.Id}'");
                        }

                        Consume(timer);
                        index = -1; // ask the guard again, from the first provider
                        continue;
                    }
                }

                else if (step.Category == ActionCategory.Validate && GuardVerdict.Parse(completed.Output) is { Verdict: GuardVerdict.StopVerdict } blocked)
                {
                    // A validate step blocks like a guard stops: what it checked is never sent (validate.safety before route.reply).
                    var reason = blocked.Reason ?? $"blocked by {step.Action}";
                    Record(step.Id, step.Action, StepStatuses.Stopped, provider, attempts, tried, reason, completed.Output);
                    return Finish(RunOutcomes.Skipped, reason);
                }

                if (step.Check is not null)
                {
                    _output = completed.Output;
                    try
                    {
                        if (!step.Check.Evaluate(this))
                        {
                            error = $"{provider ?? step.Action}: result failed the check";
                            continue;
                        }
                    }
                    // Stryker disable once Block : equivalent for validated definitions, 'output' is only read in a check (validator), which sets it first
                    finally
                    {
                        _output = null;
                    }
                }

                success = completed;
            }

            if (success is null)
            {
                Record(step.Id, step.Action, StepStatuses.Failed, null, attempts, tried, error, error: error);
                return step.ContinueOnError ? null : Finish(RunOutcomes.Failed, $"step '{step.Id}' failed: {error}");
            }

            if (step.WaitFor is { } wait)
            {
                var deadline = _clock + wait.Timeout;
                var entry = Peek(step.Id);
                switch (entry)
                {
                    case null:
                        return new WaitForExternalEvent(step.Id, wait.Event, deadline);
                    case ExternalEventReceived received when received.Name == wait.Event:
                        Consume(entry);
                        Record(step.Id, step.Action, StepStatuses.Completed, success.Provider, attempts, tried, $"received '{wait.Event}'", success.Output, received.Payload);
                        return null;
                    case TimerFired:
                        Consume(entry);
                        Record(step.Id, step.Action, StepStatuses.TimedOut, success.Provider, attempts, tried, $"no '{wait.Event}' within {WorkflowDuration.Format(wait.Timeout)}", success.Output);
                        return null;
                    default:
                        throw Mismatch(entry, $"'{wait.Event}' or the deadline of step '{step.Id}'");
                }
            }

            Record(step.Id, step.Action, StepStatuses.Completed, success.Provider, attempts, tried, null, success.Output);
            return null;
        }

        /// <summary>The follow-up delay. Returns a pending decision, or null when the delay is over (the step may have been skipped by unless).</summary>
        private PendingDecision? Delay(ActionStep step, DateTimeOffset fireAt)
        {
            if (step.Unless is null)
            {
                var entry = Peek(step.Id);
                if (entry is null)
                {
                    return new PendingDecision(new StartTimer(step.Id, fireAt, StartTimer.FollowUp));
                }

                if (entry is not TimerFired)
                {
                    throw Mismatch(entry, $"the follow-up timer of step '{step.Id}'");
                }

                Consume(entry);
                return null;
            }

            var signals = SignalsOf(step.Unless);
            var received = new List<string>();
            while (true)
            {
                var entry = Peek(step.Id);
                switch (entry)
                {
                    case null:
                        var remaining = signals.Where(name => !received.Contains(name)).ToList();
                        return new PendingDecision(remaining.Count == 0
                            ? new StartTimer(step.Id, fireAt, StartTimer.FollowUp)
                            : new WaitForExternalEvent(step.Id, remaining[0], fireAt) { AlsoNames = remaining.Count > 1 ? remaining[1..] : null });
                    case ExternalEventReceived received1 when signals.Contains(received1.Name) && !received.Contains(received1.Name):
                        Consume(entry);
                        received.Add(received1.Name);
                        if (Unless(step, received, out var skipped) is { } readAfterSignal)
                        {
                            return new PendingDecision(readAfterSignal);
                        }

                        if (skipped)
                        {
                            return null;
                        }

                        continue;
                    case TimerFired:
                        Consume(entry);
                        return Unless(step, received, out _) is { } readAfterTimer ? new PendingDecision(readAfterTimer) : null;
                    default:
                        throw Mismatch(entry, $"{string.Join(" or ", signals.Where(name => !received.Contains(name)).Select(name => $"'{name}'"))} or the follow-up timer of step '{step.Id}'");
                }
            }
        }

        /// <summary>
        /// Evaluates the follow-up's <c>unless</c> with the signals <paramref name="received"/> so far; true → the step is
        /// recorded skipped. Returns a <see cref="ReadConversation"/> to make first when it reads the conversation's state.
        /// </summary>
        private ReadConversation? Unless(ActionStep step, List<string> received, out bool skipped)
        {
            skipped = false;
            if (ReadFor(step.Id, step.Unless) is { } read)
            {
                return read;
            }

            _received = received;
            try
            {
                if (step.Unless!.Evaluate(this))
                {
                    var detail = received.Count == 0 ? "unless is true"
                        : received.Count == 1 && received.Contains(ContactRepliedEvent) ? "unless: the contact replied"
                        : received.Count == 1 ? "unless: we replied"
                        : "unless: the contact and we replied";
                    Record(step.Id, step.Action, StepStatuses.Skipped, null, 0, [], detail);
                    skipped = true;
                }

                return null;
            }
            // Stryker disable once Block : equivalent for validated definitions, the reply signals are only read in an unless (validator), which sets them first
            finally
            {
                _received = null;
            }
        }

        /// <summary>
        /// Before <paramref name="condition"/> of step <paramref name="stepId"/> is evaluated: when it reads the
        /// conversation's state, consumes the recorded read (or asks the host for one). Every such evaluation reads afresh.
        /// </summary>
        private ReadConversation? ReadFor(string stepId, WorkflowExpression? condition)
        {
            if (condition is null || !condition.Reads(ConversationName))
            {
                return null;
            }

            var entry = Peek(stepId);
            if (entry is null)
            {
                return new ReadConversation(stepId);
            }

            if (entry is not ConversationRead read)
            {
                throw Mismatch(entry, $"the conversation's state for step '{stepId}'");
            }

            Consume(entry);
            _conversation = read.State;
            return null;
        }

        private CallActivity Call(ActionStep step, string? provider, IReadOnlyList<string> fallbacks)
        {
            var descriptor = step.Resolved!.Descriptor;
            return new CallActivity(
                step.Id,
                step.Action,
                Render(step),
                provider,
                fallbacks,
                step.Retry,
                descriptor.IsSideEffect,
                descriptor.IsSideEffect ? WorkflowRunId.EffectKey(_runId, step.Id) : null);
        }

        private JsonElement Render(ActionStep step)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var parameter in step.Resolved!.Descriptor.Parameters)
                {
                    var value = step.With.FirstOrDefault(v => v.Name == parameter.Name);
                    if (value?.Template is { HasPlaceholders: true } template)
                    {
                        writer.WriteString(parameter.Name, template.Render(this));
                    }
                    else if (value is not null)
                    {
                        writer.WritePropertyName(parameter.Name);
                        value.Value.WriteTo(writer);
                    }
                    else if (parameter.Default is { } fallback)
                    {
                        writer.WritePropertyName(parameter.Name);
                        fallback.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }

        private Complete Finish(string outcome, string? reason)
        {
            var steps = string.Join("; ", _outcomes.Select(o =>
                $"{o.StepId} {o.Status}{(o.Provider is null ? string.Empty : $" via {o.Provider}")}{(o.Attempts > 1 ? $" after {o.Attempts} attempts" : string.Empty)}"));
            var summary = reason is null ? $"{outcome}: {steps}" : $"{outcome}: {reason} ({steps})";
            return new Complete(outcome, reason, summary, [.. _outcomes]);
        }

        private void Record(
            string stepId, string? actionId, string status, string? provider, int attempts, IReadOnlyList<string> tried, string? detail,
            JsonElement? output = null, JsonElement? received = null, string? error = null)
        {
            _outcomes.Add(new StepOutcome(stepId, actionId, status, provider, attempts, [.. tried], detail));
            _results[stepId] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["status"] = status,
                ["output"] = output,
                ["provider"] = provider,
                ["attempts"] = (double)attempts,
                ["error"] = error,
                ["event"] = received,
                ["timed_out"] = status == StepStatuses.TimedOut,
            };
        }

        private static void Tried(List<string> tried, string? provider)
        {
            if (provider is not null && !tried.Contains(provider))
            {
                tried.Add(provider);
            }
        }

        private HistoryEntry? Peek(string stepId)
        {
            if (_cursor >= _entries.Count)
            {
                return null;
            }

            var entry = _entries[_cursor];
            return entry.StepId == stepId ? entry : throw Mismatch(entry, $"an entry for step '{stepId}'");
        }

        private void Consume(HistoryEntry entry)
        {
            _cursor++;
            if (entry.At > _clock)
            {
                _clock = entry.At;
            }
        }

        private WorkflowHistoryMismatchException Mismatch(HistoryEntry entry, string expected) =>
            new($"history entry #{_cursor} ({entry.GetType().Name} for step '{entry.StepId}') does not fit workflow '{_definition.Id}' v{_definition.Version}: expected {expected}");

        private void Index(IReadOnlyList<WorkflowStep> list, BranchStep? parent)
        {
            for (var i = 0; i < list.Count; i++)
            {
                _layout[list[i]] = (list, i, parent);
                _byId[list[i].Id] = list[i];
                if (list[i] is BranchStep branch)
                {
                    Index(branch.Then, branch);
                    Index(branch.Else, branch);
                }
            }
        }

        private WorkflowStep? After(WorkflowStep step)
        {
            var (list, index, parent) = _layout[step];
            return index + 1 < list.Count ? list[index + 1] : parent is null ? null : Exit(parent);
        }

        private WorkflowStep? Exit(BranchStep branch) => branch.Next is { } target ? _byId[target] : After(branch);

        public bool TryResolve(string name, out object? value)
        {
            switch (name)
            {
                case "steps":
                    value = _results;
                    return true;
                case "output" when _output is not null:
                    value = _output;
                    return true;
                case RepliedName or ContactRepliedEvent when _received is not null:
                    value = _received.Contains(ContactRepliedEvent);
                    return true;
                case WeRepliedEvent when _received is not null:
                    value = _received.Contains(WeRepliedEvent);
                    return true;
                case ConversationName when _conversation is not null:
                    value = _conversation;
                    return true;
                default:
                    return EventFields.TryRead(_event, name, out value);
            }
        }

        public IReadOnlyList<string>? ResolveList(string name) => _definition.Lists.GetValueOrDefault(name);

        private sealed record PendingDecision(Decision Decision);
    }
}
