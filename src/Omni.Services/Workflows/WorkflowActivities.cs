using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Conversations;
using Omni.Services.Events;

namespace Omni.Services.Workflows;

/// <summary>
/// What the Durable orchestrator is started with: the workflow version's YAML (stored versions are immutable) and the
/// event as its row stores it (<see cref="EventStore.GetStoredAsync"/>): the whole event up to 30,000 characters of
/// JSON, else its bounded view, so no input (nor an activity's, which repeats it) carries a large event. The interpreter
/// decides on that; the action activity reads the whole event when the view is bounded (<see cref="WorkflowStepExecutor"/>).
/// </summary>
public sealed record WorkflowRunInput(string Yaml, OmniEvent Event);

/// <summary>
/// One <see cref="CallActivity"/> of one run, as the Durable action activity receives it; <see cref="Earlier"/> are the
/// providers the step called before (<see cref="WorkflowStepExecutor.EarlierProviders"/>), for the audit line.
/// </summary>
public sealed record ActionActivityInput(string WorkflowId, string RunId, OmniEvent Event, CallActivity Call, IReadOnlyList<ProviderAttempt>? Earlier = null);

/// <summary>
/// A run of the Durable host going quiet: a timer (<see cref="EventName"/> null) or an external event, until
/// <see cref="Until"/>. <see cref="Event"/> is the run's event (a <c>contact_replied</c> wait looks for replies after it).
/// </summary>
public sealed record RunWaitInput(string Instance, string RunId, string? ConversationId, string StepId, string? EventName, DateTimeOffset Until, OmniEvent? Event = null)
{
    /// <summary>More events that end the wait too (<see cref="WaitForExternalEvent.AlsoNames"/>).</summary>
    public IReadOnlyList<string>? AlsoNames { get; init; }

    /// <summary>Every event that ends the wait; empty for a timer.</summary>
    public IReadOnlyList<string> Names => EventName is null ? [] : [EventName, .. AlsoNames ?? []];
}

/// <summary>What the conversation-read activity is given: the run's event (its instance and conversation).</summary>
public sealed record ConversationReadInput(string RunId, string StepId, OmniEvent Event);

/// <summary>The end of a Durable run, as the completion activity records it.</summary>
public sealed record RunCompleteInput(string Instance, string RunId, Complete Done);

/// <summary>A run the start function should schedule (unless its orchestration exists), with the YAML it runs.</summary>
public sealed record PlannedRun(string RunId, string Yaml);

/// <summary>
/// What a new event asks of the Durable host: runs to start, and runs to raise the event's conversation
/// <see cref="Signal"/> to (<c>contact_replied</c> or <c>we_replied</c>) with <see cref="ReplyPayload"/>.
/// </summary>
public sealed record RunStartPlan(IReadOnlyList<PlannedRun> Runs, IReadOnlyList<string> RepliedTo, JsonElement? ReplyPayload, string? Signal = null);

/// <summary>
/// The use cases behind the Durable host's workflow functions (src/Omni.Functions/Workflows), here so they build and
/// are tested with everything else: the Functions code only binds triggers and calls these. They keep the same run
/// records as the offline runner (<see cref="WorkflowRunStore"/>), so the audit API reads both hosts' runs alike.
/// </summary>
public sealed class WorkflowActivities(
    WorkflowStore workflows, WorkflowRunStore runs, WorkflowStepExecutor steps, TimeProvider time, EventStore? events = null,
    ConversationStore? conversations = null)
{
    private readonly ConversationReplies? _replies = events is null ? null : new ConversationReplies(events, conversations);

    /// <summary>
    /// For a new event: creates the run record of every workflow it triggers (idempotent; the orchestration instance id
    /// is the run id, so the caller skips runs whose orchestration exists; a run a higher workflow's gate stops is recorded
    /// as completed, outcome skipped, and never scheduled), and lists the runs waiting for the contact's
    /// reply in its conversation.
    /// </summary>
    public async Task<RunStartPlan> PlanStartAsync(OmniEvent evt, CancellationToken cancellationToken, string? workflowId = null)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var snapshot = await workflows.GetAsync(cancellationToken);
        var planned = new List<PlannedRun>();
        foreach (var (definition, stoppedBy) in WorkflowStarts.Chosen(snapshot.Catalog, evt, workflowId))
        {
            var runId = WorkflowInterpreter.RunIdFor(definition, evt);
            await runs.TryCreateAsync(definition, evt, runId, time.GetUtcNow(), cancellationToken, stoppedBy);
            if (stoppedBy is null)
            {
                planned.Add(new PlannedRun(runId, snapshot.Versions(definition.Id).First(w => w.Definition.Version == definition.Version).Yaml));
            }
        }

        if (workflowId is not null || WorkflowInterpreter.SignalOf(evt) is not { } signal)
        {
            return new RunStartPlan(planned, [], null);
        }

        var waiting = await runs.ReplyWaitsAsync(evt.Instance, evt.ConversationId!, signal, cancellationToken);
        return new RunStartPlan(planned, waiting, WorkflowInterpreter.ContactRepliedPayload(evt), signal);
    }

    /// <summary>After the event's conversation signal was raised to <paramref name="runId"/>: its wait for it is spent.</summary>
    public Task ReplyDeliveredAsync(OmniEvent reply, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return runs.RemoveReplyWaitAsync(reply.Instance, reply.ConversationId!, runId, WorkflowInterpreter.SignalOf(reply)!, cancellationToken);
    }

    /// <summary>The run's conversation state for a condition that reads <c>conversation.*</c>; the orchestrator records it in the history.</summary>
    public Task<JsonElement> ReadConversationAsync(ConversationReadInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (_replies ?? throw new InvalidOperationException("reading a conversation needs the event store")).ReadStateAsync(input.Event, cancellationToken);
    }

    /// <summary>
    /// Runs one action attempt and appends its audit line. Returns the action's output; a failure throws
    /// <see cref="TransientActionException"/> (Durable's retry handler retries those, per the step's policy) or
    /// <see cref="PermanentActionException"/>.
    /// </summary>
    public async Task<JsonElement> RunActionAsync(ActionActivityInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var instance = input.Event.Instance;
        var row = await runs.FindAsync(instance, input.RunId, cancellationToken);
        var failedBefore = row is null ? 0 : FailedAttemptsInARow(WorkflowRunStore.ReadAudit(row), input.Call);
        var attempt = await steps.ExecuteAsync(input.WorkflowId, input.RunId, input.Event, input.Call, failedBefore, input.Earlier, cancellationToken);
        await runs.AppendAuditAsync(instance, input.RunId, attempt.Audit, cancellationToken);
        return attempt.Entry switch
        {
            ActivityCompleted completed => completed.Output,
            _ when attempt.Transient => throw new TransientActionException(WorkflowStepExecutor.WithRetryAfter(attempt.Audit.Error ?? "the action failed", attempt.RetryAfter)),
            _ => throw new PermanentActionException(attempt.Audit.Error ?? "the action failed"),
        };
    }

    /// <summary>
    /// Shows the run as waiting (a timer or an external event), and registers its wait for conversation signals
    /// (<c>contact_replied</c>, <c>we_replied</c>) in its conversation. Returns the signal when the conversation already
    /// holds a message that raises one, newer than the run's event (nobody will raise it then): the orchestrator takes it as received.
    /// </summary>
    public async Task<ConversationSignal?> WaitingAsync(RunWaitInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var signals = input.Names.Where(WorkflowInterpreter.IsSignal).ToList();
        if (signals.Count > 0 && input.ConversationId is { } conversation)
        {
            await runs.AddReplyWaitAsync(input.Instance, conversation, input.RunId, signals, cancellationToken);
        }

        await runs.MarkWaitingAsync(input.Instance, input.RunId, input.StepId, input.EventName is null ? null : string.Join(',', input.Names), input.Until, cancellationToken);
        return signals.Count > 0 && input.Event is { } evt && _replies is not null
            ? (await _replies.FindSignalAfterAsync(evt, signals, cancellationToken)).Signal
            : null;
    }

    /// <summary>Records the run's outcome, summary and step outcomes.</summary>
    public Task CompleteAsync(RunCompleteInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return runs.CompleteAsync(input.Instance, input.RunId, input.Done, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>How many attempts of this call failed just before (Durable retries an activity with the same input).</summary>
    private static int FailedAttemptsInARow(IReadOnlyList<StepAudit> audit, CallActivity call)
    {
        var failed = 0;
        for (var i = audit.Count - 1; i >= 0 && audit[i].StepId == call.StepId && audit[i].Provider == call.Provider && audit[i].Status == "failed"; i--)
        {
            failed++;
        }

        return failed;
    }
}
