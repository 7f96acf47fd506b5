using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Events;
using Omni.Services.Storage;

namespace Omni.Services.Workflows;

/// <summary>
/// The offline host's driver of <see cref="WorkflowInterpreter"/> (docs/workflows.md, "Offline host"). Run rows are
/// <see cref="WorkflowRunStore"/>'s, plus the history as JSON, saved with ETags after every step, so a host killed
/// mid-run resumes from the last saved entry and never re-runs a completed step (side effects are effect-once anyway).
/// A run is created under its deterministic id, so a duplicate event never starts a second run. Timers are rows
/// (PK <c>timer</c>, RK = due ticks | instance | run | step) that <see cref="FireDueTimersAsync"/> fires by the injected clock.
/// </summary>
public sealed class WorkflowRunner(
    WorkflowStore workflows, ActionExecutorRegistry executors, OmniStorage storage, TimeProvider time, EventStore? events = null,
    Conversations.ConversationStore? conversations = null)
    : IWorkflowEventRaiser
{
    public const string TimerPartition = "timer";
    private const int MaxSteps = 200;
    private readonly WorkflowRunStore _runs = new(storage);
    private readonly WorkflowStepExecutor _steps = new(executors, time, events);
    private readonly ConversationReplies? _replies = events is null ? null : new ConversationReplies(events, conversations);

    private TableClient Table => _runs.Table;

    /// <summary>
    /// Starts a run of every effective workflow the event triggers (idempotent; runs a higher workflow's gate stops are
    /// recorded skipped), and raises the event's conversation signal (<c>contact_replied</c>, <c>we_replied</c>) to runs
    /// waiting for it in its conversation. Returns the runs it created (none for a redelivered event). With
    /// <paramref name="workflowId"/>: only that workflow, whatever its trigger, and no reply is raised (<c>start_workflow</c>).
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync(OmniEvent evt, CancellationToken cancellationToken, string? workflowId = null)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var snapshot = await workflows.GetAsync(cancellationToken);
        var runIds = new List<string>();
        var started = new List<string>();
        foreach (var (definition, stoppedBy) in WorkflowStarts.Chosen(snapshot.Catalog, evt, workflowId))
        {
            var runId = WorkflowInterpreter.RunIdFor(definition, evt);
            if (await _runs.TryCreateAsync(definition, evt, runId, time.GetUtcNow(), cancellationToken, stoppedBy))
            {
                started.Add(runId);
            }

            runIds.Add(runId);
        }

        if (workflowId is null && WorkflowInterpreter.SignalOf(evt) is { } signal)
        {
            foreach (var waiting in await _runs.ReplyWaitsAsync(evt.Instance, evt.ConversationId!, signal, cancellationToken))
            {
                await RaiseAsync(evt.Instance, waiting, signal, WorkflowInterpreter.ContactRepliedPayload(evt), cancellationToken);
                // Delivered, or it had moved on. A run that took the signal and waits on for the other one has registered
                // a wait without it, which stays.
                await _runs.RemoveReplyWaitAsync(evt.Instance, evt.ConversationId!, waiting, signal, cancellationToken);
            }
        }

        // Advancing a run that exists already (a redelivered event) is harmless: a run that is waiting or completed is
        // left alone, and one whose host died mid-step goes on from its last saved entry.
        foreach (var runId in runIds)
        {
            await AdvanceAsync(evt.Instance, runId, cancellationToken);
        }

        return started;
    }

    /// <summary>Decides and acts until the run completes or waits (a timer or an external event).</summary>
    public async Task AdvanceAsync(string instance, string runId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxSteps; i++)
        {
            if (await _runs.FindAsync(instance, runId, cancellationToken) is not { } row || row.GetString("Status") != RunStatuses.Running)
            {
                return;
            }

            var (definition, evt, history, audit) = await LoadAsync(row, cancellationToken);
            switch (WorkflowInterpreter.Decide(definition, evt, history))
            {
                case CallActivity call:
                    var attempt = await _steps.ExecuteAsync(definition.Id, runId, evt, call, row.GetInt32("Attempts") ?? 0,
                        WorkflowStepExecutor.EarlierProviders(history, call.StepId), cancellationToken);
                    if (attempt.Entry is null)
                    {
                        // A transient failure with attempts left: retry on a timer, per the step's policy (or later, if the provider asked).
                        row["Attempts"] = attempt.Audit.Attempts;
                        TableText.Write(row, "Audit", JsonSerializer.Serialize<IReadOnlyList<StepAudit>>([.. audit, attempt.Audit], OmniJson.Options));
                        await ScheduleAsync(row, call.StepId, time.GetUtcNow() + WorkflowStepExecutor.RetryDelay(call.Retry, attempt.Audit.Attempts, attempt.RetryAfter), "retry", cancellationToken);
                        return;
                    }

                    row.Remove("Attempts");
                    await SaveAsync(row, history.Append(attempt.Entry), [.. audit, attempt.Audit], cancellationToken);
                    break;
                case StartTimer timer when timer.FireAt <= time.GetUtcNow():
                    await SaveAsync(row, history.Append(new TimerFired(timer.StepId, time.GetUtcNow())), audit, cancellationToken);
                    break;
                case StartTimer timer:
                    await ScheduleAsync(row, timer.StepId, timer.FireAt, timer.Purpose, cancellationToken);
                    return;
                case ReadConversation read:
                    var state = await (_replies ?? throw new InvalidOperationException("reading a conversation needs the event store"))
                        .ReadStateAsync(evt, cancellationToken);
                    await SaveAsync(row, history.Append(new ConversationRead(read.StepId, time.GetUtcNow(), state)), audit, cancellationToken);
                    break;
                case WaitForExternalEvent wait:
                    row["WaitingFor"] = string.Join(',', wait.Names);
                    var signals = wait.Names.Where(WorkflowInterpreter.IsSignal).ToList();
                    if (signals.Count > 0 && row.GetString("ConversationId") is { } conversation)
                    {
                        await _runs.AddReplyWaitAsync(instance, conversation, runId, signals, cancellationToken);
                    }

                    await ScheduleAsync(row, wait.StepId, wait.Deadline, "wait", cancellationToken);
                    if (signals.Count > 0 && _replies is not null
                        && (await _replies.FindSignalAfterAsync(evt, signals, cancellationToken)).Signal is { } earlier)
                    {
                        // The message came before this wait existed, so nobody raised it: raise it now.
                        await RaiseAsync(instance, runId, earlier.Name, earlier.Payload, cancellationToken);
                    }

                    return;
                case Complete done:
                    WorkflowRunStore.Complete(row, done, time.GetUtcNow());
                    await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                    return;
            }
        }

        throw new InvalidOperationException($"run {runId} made more than {MaxSteps} decisions in one advance");
    }

    /// <summary>Fires every timer due by the injected clock: the run's timer (or retry) ends and the run advances. Returns how many fired.</summary>
    public async Task<int> FireDueTimersAsync(CancellationToken cancellationToken)
    {
        await _runs.EnsureCreatedAsync(cancellationToken);
        var due = TicksKey(time.GetUtcNow()) + "~";
        var fired = 0;
        await foreach (var timer in Table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == TimerPartition && e.RowKey.CompareTo(due) < 0, cancellationToken: cancellationToken))
        {
            var parts = timer.RowKey.Split('|');
            var (instance, runId, stepId) = (parts[1], parts[2], parts[3]);
            var row = await _runs.FindAsync(instance, runId, cancellationToken);
            if (row is not null && row.GetString("Status") == RunStatuses.Waiting && row.GetString("WaitingStep") == stepId
                && row.GetString("TimerKey") == timer.RowKey)
            {
                var (_, _, history, audit) = await LoadAsync(row, cancellationToken);
                var retry = row.GetString("WaitingPurpose") == "retry";
                try
                {
                    await ResumeAsync(row, retry ? history : history.Append(new TimerFired(stepId, time.GetUtcNow())), audit, timer.RowKey, cancellationToken);
                    await AdvanceAsync(instance, runId, cancellationToken);
                    fired++;
                }
                catch (RequestFailedException e) when (e.Status == 412)
                {
                    // An external event resumed the run first.
                }
            }
            else if (row is not null && row.GetString("Status") == RunStatuses.Running && row.GetString("ResumedBy") == timer.RowKey)
            {
                // This timer resumed the run, then the host died before the run went on: go on now.
                await AdvanceAsync(instance, runId, cancellationToken);
                fired++;
            }

            // Deleted only after the run went on, so a host that dies in between fires it again (the branch above).
            await Table.DeleteEntityAsync(TimerPartition, timer.RowKey, ETag.All, cancellationToken);
        }

        return fired;
    }

    /// <summary>Delivers an external event to a run waiting for it; ignored otherwise.</summary>
    public async Task<RaiseResult> RaiseAsync(string instance, string runId, string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        var row = await _runs.FindAsync(instance, runId, cancellationToken);
        if (row is null)
        {
            return RaiseResult.NotFound;
        }

        if (row.GetString("Status") != RunStatuses.Waiting || !WorkflowRunStore.WaitsFor(row.GetString("WaitingFor"), name))
        {
            return RaiseResult.NotWaiting;
        }

        var (_, _, history, audit) = await LoadAsync(row, cancellationToken);
        var stepId = row.GetString("WaitingStep")!;
        try
        {
            await ResumeAsync(row, history.Append(new ExternalEventReceived(stepId, time.GetUtcNow(), name, payload)), audit, null, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return RaiseResult.NotWaiting; // the deadline fired first
        }

        await AdvanceAsync(instance, runId, cancellationToken);
        return RaiseResult.Delivered;
    }

    /// <summary>A stored run, or null.</summary>
    public Task<WorkflowRunView?> GetAsync(string instance, string runId, CancellationToken cancellationToken) =>
        _runs.GetAsync(instance, runId, cancellationToken);

    /// <summary>Every run the event started, oldest first.</summary>
    public Task<IReadOnlyList<WorkflowRunView>> ListForEventAsync(string instance, string eventId, CancellationToken cancellationToken) =>
        _runs.ListForEventAsync(instance, eventId, cancellationToken);

    private async Task ScheduleAsync(TableEntity row, string stepId, DateTimeOffset fireAt, string purpose, CancellationToken cancellationToken)
    {
        var key = $"{TicksKey(fireAt)}|{row.PartitionKey}|{row.RowKey}|{stepId}";
        await Table.UpsertEntityAsync(new TableEntity(TimerPartition, key) { ["FireAt"] = fireAt }, TableUpdateMode.Replace, cancellationToken);
        row["Status"] = RunStatuses.Waiting;
        row["WaitingStep"] = stepId;
        row["WaitingPurpose"] = purpose;
        row["TimerKey"] = key;
        row["FireAt"] = fireAt;
        await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task ResumeAsync(TableEntity row, RunHistory history, IReadOnlyList<StepAudit> audit, string? timerKey, CancellationToken cancellationToken)
    {
        WorkflowRunStore.MarkRunning(row);
        if (timerKey is not null)
        {
            row["ResumedBy"] = timerKey;
        }
        await SaveAsync(row, history, audit, cancellationToken);
    }

    private async Task SaveAsync(TableEntity row, RunHistory history, IReadOnlyList<StepAudit> audit, CancellationToken cancellationToken)
    {
        TableText.Write(row, "History", JsonSerializer.Serialize(history.Entries, OmniJson.Options));
        TableText.Write(row, "Audit", JsonSerializer.Serialize(audit, OmniJson.Options));
        await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task<(WorkflowDefinition Definition, OmniEvent Event, RunHistory History, IReadOnlyList<StepAudit> Audit)> LoadAsync(
        TableEntity row, CancellationToken cancellationToken)
    {
        var id = row.GetString("WorkflowId")!;
        var version = row.GetInt32("Version") ?? 0;
        var snapshot = await workflows.GetAsync(cancellationToken);
        var definition = snapshot.Versions(id).FirstOrDefault(w => w.Definition.Version == version)?.Definition
                         ?? throw new InvalidOperationException($"workflow {id} version {version} is no longer stored");
        return (definition, WorkflowRunStore.ReadEvent(row), WorkflowRunStore.ReadHistory(row), WorkflowRunStore.ReadAudit(row));
    }

    private static string TicksKey(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}
