using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Storage;
using Omni.Services.Telemetry;

namespace Omni.Services.Workflows;

/// <summary>One audit line: a step's action, provider, attempts, duration, output summary and error.</summary>
public sealed record StepAudit(
    string StepId, string ActionId, string Status, string? Provider, int Attempts, DateTimeOffset StartedAt, double DurationMs, string? Summary, string? Error);

/// <summary>A run as stored: its workflow version, event, status, history and audit.</summary>
public sealed record WorkflowRunView(
    string RunId, string Instance, string WorkflowId, int Version, string EventId, string Status, string? Outcome, string? Summary,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<StepAudit> Audit, IReadOnlyList<StepOutcome> Steps, IReadOnlyList<HistoryEntry> History);

/// <summary>
/// The offline host's driver of <see cref="WorkflowInterpreter"/> (docs/workflows.md, "Offline host"): run state in the
/// table <c>WorkflowRuns</c> (PK = instance, RK = run id; the history as JSON, saved with ETags after every step, so a
/// host killed mid-run resumes from the last saved entry and never re-runs a completed step; side effects are
/// effect-once anyway). A run is created with <c>AddEntity</c> under its deterministic id, so a duplicate event never
/// starts a second run. Timers are rows (PK <c>timer</c>, RK = due ticks | instance | run | step) that
/// <see cref="FireDueTimersAsync"/> fires by the injected clock.
/// </summary>
public sealed class WorkflowRunner(WorkflowStore workflows, ActionExecutorRegistry executors, OmniStorage storage, TimeProvider time)
{
    public const string TimerPartition = "timer";
    private const int MaxSteps = 200;
    private const int MaxEventChars = 30_000;
    private readonly TableClient _table = storage.Tables.GetTableClient(storage.Names.WorkflowRunsTable);
    private volatile bool _tableReady;

    /// <summary>Starts a run of every effective workflow the event triggers (idempotent), and raises <c>contact_replied</c> to runs waiting in its conversation.</summary>
    public async Task<IReadOnlyList<string>> StartAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        await EnsureTableAsync(cancellationToken);
        var started = new List<string>();
        var snapshot = await workflows.GetAsync(cancellationToken);
        foreach (var definition in snapshot.Catalog.Match(evt))
        {
            var runId = WorkflowInterpreter.RunIdFor(definition, evt);
            var row = new TableEntity(evt.Instance, runId)
            {
                ["WorkflowId"] = definition.Id,
                ["Version"] = definition.Version,
                ["EventId"] = evt.EventId,
                ["ConversationId"] = evt.ConversationId,
                ["Event"] = EventJson(evt),
                ["Status"] = "running",
                ["History"] = "[]",
                ["Audit"] = "[]",
                ["CreatedAt"] = time.GetUtcNow(),
            };
            try
            {
                await _table.AddEntityAsync(row, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                continue; // the same event again: its run exists already
            }

            await _table.UpsertEntityAsync(new TableEntity(evt.Instance, $"evt|{evt.EventId}|{runId}"), TableUpdateMode.Replace, cancellationToken);
            started.Add(runId);
        }

        if (!evt.FromMe && evt.ConversationId is { } conversation)
        {
            var prefix = $"wait|{TableKeys.Escape(conversation)}|";
            await foreach (var wait in _table.QueryAsync<TableEntity>(
                               e => e.PartitionKey == evt.Instance && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(TableKeys.PrefixEnd(prefix)) < 0,
                               cancellationToken: cancellationToken))
            {
                await RaiseAsync(evt.Instance, wait.RowKey[prefix.Length..], WorkflowInterpreter.ContactRepliedEvent,
                    JsonSerializer.SerializeToElement(new { event_id = evt.EventId }, OmniJson.Options), cancellationToken);
            }
        }

        foreach (var runId in started)
        {
            await AdvanceAsync(evt.Instance, runId, cancellationToken);
        }

        return started;
    }

    /// <summary>Decides and acts until the run completes or waits (a timer or an external event).</summary>
    public async Task AdvanceAsync(string instance, string runId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        for (var i = 0; i < MaxSteps; i++)
        {
            var row = (await _table.GetEntityAsync<TableEntity>(instance, runId, cancellationToken: cancellationToken)).Value;
            if (row.GetString("Status") != "running")
            {
                return;
            }

            var (definition, evt, history, audit) = await LoadAsync(row, cancellationToken);
            var decision = WorkflowInterpreter.Decide(definition, evt, history);
            switch (decision)
            {
                case CallActivity call:
                    var (entry, line) = await CallAsync(definition, evt, runId, call, row.GetInt32("Attempts") ?? 0, cancellationToken);
                    if (entry is null)
                    {
                        // A transient failure with attempts left: retry on a timer, per the step's policy.
                        row["Attempts"] = line.Attempts;
                        row["Audit"] = JsonSerializer.Serialize<IReadOnlyList<StepAudit>>([.. audit, line], OmniJson.Options);
                        await ScheduleAsync(row, call.StepId, time.GetUtcNow() + Backoff(call.Retry, line.Attempts), "retry", cancellationToken);
                        return;
                    }

                    row.Remove("Attempts");
                    await SaveAsync(row, history.Append(entry), [.. audit, line], cancellationToken);
                    break;
                case StartTimer timer when timer.FireAt <= time.GetUtcNow():
                    await SaveAsync(row, history.Append(new TimerFired(timer.StepId, time.GetUtcNow())), audit, cancellationToken);
                    break;
                case StartTimer timer:
                    await ScheduleAsync(row, timer.StepId, timer.FireAt, timer.Purpose, cancellationToken);
                    return;
                case WaitForExternalEvent wait:
                    row["WaitingFor"] = wait.Name;
                    if (wait.Name == WorkflowInterpreter.ContactRepliedEvent && row.GetString("ConversationId") is { } conversation)
                    {
                        await _table.UpsertEntityAsync(new TableEntity(instance, $"wait|{TableKeys.Escape(conversation)}|{runId}"), TableUpdateMode.Replace, cancellationToken);
                    }

                    await ScheduleAsync(row, wait.StepId, wait.Deadline, "wait", cancellationToken);
                    return;
                case Complete done:
                    row["Status"] = "completed";
                    row["Outcome"] = done.Outcome;
                    row["Summary"] = done.Summary;
                    row["Steps"] = JsonSerializer.Serialize(done.Steps, OmniJson.Options);
                    row["CompletedAt"] = time.GetUtcNow();
                    await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                    return;
            }
        }

        throw new InvalidOperationException($"run {runId} made more than {MaxSteps} decisions in one advance");
    }

    /// <summary>Fires every timer due by the injected clock: the run's timer (or retry) ends and the run advances. Returns how many fired.</summary>
    public async Task<int> FireDueTimersAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var due = TicksKey(time.GetUtcNow()) + "~";
        var fired = 0;
        await foreach (var timer in _table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == TimerPartition && e.RowKey.CompareTo(due) < 0, cancellationToken: cancellationToken))
        {
            var parts = timer.RowKey.Split('|');
            var (instance, runId, stepId) = (parts[1], parts[2], parts[3]);
            await _table.DeleteEntityAsync(TimerPartition, timer.RowKey, ETag.All, cancellationToken);
            var row = await FindAsync(instance, runId, cancellationToken);
            if (row is null || row.GetString("Status") != "waiting" || row.GetString("WaitingStep") != stepId || row.GetString("TimerKey") != timer.RowKey)
            {
                continue; // stale: the run moved on (an external event won the race)
            }

            var (_, _, history, audit) = await LoadAsync(row, cancellationToken);
            var retry = row.GetString("WaitingPurpose") == "retry";
            await ResumeAsync(row, retry ? history : history.Append(new TimerFired(stepId, time.GetUtcNow())), audit, cancellationToken);
            await AdvanceAsync(instance, runId, cancellationToken);
            fired++;
        }

        return fired;
    }

    /// <summary>Delivers an external event to a run waiting for it; ignored otherwise. True when delivered.</summary>
    public async Task<bool> RaiseAsync(string instance, string runId, string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await FindAsync(instance, runId, cancellationToken);
        if (row is null || row.GetString("Status") != "waiting" || row.GetString("WaitingFor") != name)
        {
            return false;
        }

        var (_, _, history, audit) = await LoadAsync(row, cancellationToken);
        var stepId = row.GetString("WaitingStep")!;
        try
        {
            await ResumeAsync(row, history.Append(new ExternalEventReceived(stepId, time.GetUtcNow(), name, payload)), audit, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false; // the deadline fired first
        }

        await AdvanceAsync(instance, runId, cancellationToken);
        return true;
    }

    /// <summary>A stored run, or null.</summary>
    public async Task<WorkflowRunView?> GetAsync(string instance, string runId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await FindAsync(instance, runId, cancellationToken);
        return row is null ? null : View(row);
    }

    /// <summary>Every run the event started, oldest first.</summary>
    public async Task<IReadOnlyList<WorkflowRunView>> ListForEventAsync(string instance, string eventId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var prefix = $"evt|{eventId}|";
        var runs = new List<WorkflowRunView>();
        await foreach (var index in _table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == instance && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(TableKeys.PrefixEnd(prefix)) < 0,
                           cancellationToken: cancellationToken))
        {
            if (await GetAsync(instance, index.RowKey[prefix.Length..], cancellationToken) is { } run)
            {
                runs.Add(run);
            }
        }

        return [.. runs.OrderBy(r => r.CreatedAt)];
    }

    private async Task<(HistoryEntry? Entry, StepAudit Line)> CallAsync(
        WorkflowDefinition definition, OmniEvent evt, string runId, CallActivity call, int failedBefore, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var span = OmniTelemetry.StartWorkflowStep(definition.Id, call.StepId, call.ActionId, evt.EventId);
        var invocation = new ActionInvocation
        {
            RunId = runId,
            StepId = call.StepId,
            ActionId = call.ActionId,
            WorkflowId = definition.Id,
            Event = evt,
            Parameters = call.Parameters,
            Provider = call.Provider,
        };
        try
        {
            var outcome = await executors.ExecuteAsync(invocation, cancellationToken: cancellationToken);
            OmniTelemetry.RecordActionOutcome(call.ActionId, outcome.Provider ?? call.Provider ?? "none", "completed");
            var attempts = failedBefore + outcome.Attempts;
            return (new ActivityCompleted(call.StepId, time.GetUtcNow(), call.Provider, outcome.Output, attempts),
                new StepAudit(call.StepId, call.ActionId, "completed", outcome.Provider ?? call.Provider, attempts, started, clock.Elapsed.TotalMilliseconds, outcome.Summary, null));
        }
        catch (Exception e) when (e is TransientActionException or PermanentActionException)
        {
            var attempts = failedBefore + 1;
            var transient = e is TransientActionException;
            OmniTelemetry.RecordActionOutcome(call.ActionId, call.Provider ?? "none", transient ? "transient" : "failed");
            var line = new StepAudit(call.StepId, call.ActionId, "failed", call.Provider, attempts, started, clock.Elapsed.TotalMilliseconds, null, e.Message);
            return transient && attempts < call.Retry.MaxAttempts
                ? (null, line)
                : (new ActivityFailed(call.StepId, time.GetUtcNow(), call.Provider, e.Message, attempts), line);
        }
    }

    private static TimeSpan Backoff(RetryPolicy retry, int failedAttempts)
    {
        var delay = retry.FirstDelay.TotalMilliseconds * Math.Pow(retry.Backoff, Math.Max(0, failedAttempts - 1));
        return TimeSpan.FromMilliseconds(Math.Min(delay, retry.MaxDelay.TotalMilliseconds));
    }

    private async Task ScheduleAsync(TableEntity row, string stepId, DateTimeOffset fireAt, string purpose, CancellationToken cancellationToken)
    {
        var key = $"{TicksKey(fireAt)}|{row.PartitionKey}|{row.RowKey}|{stepId}";
        await _table.UpsertEntityAsync(new TableEntity(TimerPartition, key) { ["FireAt"] = fireAt }, TableUpdateMode.Replace, cancellationToken);
        row["Status"] = "waiting";
        row["WaitingStep"] = stepId;
        row["WaitingPurpose"] = purpose;
        row["TimerKey"] = key;
        row["FireAt"] = fireAt;
        await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task ResumeAsync(TableEntity row, RunHistory history, IReadOnlyList<StepAudit> audit, CancellationToken cancellationToken)
    {
        row["Status"] = "running";
        foreach (var column in new[] { "WaitingStep", "WaitingPurpose", "WaitingFor", "TimerKey", "FireAt" })
        {
            row.Remove(column);
        }

        await SaveAsync(row, history, audit, cancellationToken);
    }

    private async Task SaveAsync(TableEntity row, RunHistory history, IReadOnlyList<StepAudit> audit, CancellationToken cancellationToken)
    {
        row["History"] = JsonSerializer.Serialize(history.Entries, OmniJson.Options);
        row["Audit"] = JsonSerializer.Serialize(audit, OmniJson.Options);
        await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task<(WorkflowDefinition Definition, OmniEvent Event, RunHistory History, IReadOnlyList<StepAudit> Audit)> LoadAsync(
        TableEntity row, CancellationToken cancellationToken)
    {
        var id = row.GetString("WorkflowId")!;
        var version = row.GetInt32("Version") ?? 0;
        var snapshot = await workflows.GetAsync(cancellationToken);
        var definition = snapshot.Versions(id).FirstOrDefault(w => w.Definition.Version == version)?.Definition
                         ?? throw new InvalidOperationException($"workflow {id} version {version} is no longer stored");
        var evt = JsonSerializer.Deserialize<OmniEvent>(row.GetString("Event")!, OmniJson.Options)!;
        var history = new RunHistory(JsonSerializer.Deserialize<List<HistoryEntry>>(row.GetString("History") ?? "[]", OmniJson.Options)!);
        var audit = JsonSerializer.Deserialize<List<StepAudit>>(row.GetString("Audit") ?? "[]", OmniJson.Options)!;
        return (definition, evt, history, audit);
    }

    private static WorkflowRunView View(TableEntity row) => new(
        row.RowKey,
        row.PartitionKey,
        row.GetString("WorkflowId") ?? "",
        row.GetInt32("Version") ?? 0,
        row.GetString("EventId") ?? "",
        row.GetString("Status") ?? "",
        row.GetString("Outcome"),
        row.GetString("Summary"),
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("CompletedAt"),
        JsonSerializer.Deserialize<List<StepAudit>>(row.GetString("Audit") ?? "[]", OmniJson.Options)!,
        JsonSerializer.Deserialize<List<StepOutcome>>(row.GetString("Steps") ?? "[]", OmniJson.Options)!,
        JsonSerializer.Deserialize<List<HistoryEntry>>(row.GetString("History") ?? "[]", OmniJson.Options)!);

    private static string EventJson(OmniEvent evt)
    {
        var json = JsonSerializer.Serialize(evt, OmniJson.Options);
        return json.Length <= MaxEventChars ? json : JsonSerializer.Serialize(evt with { ProviderMetadata = null }, OmniJson.Options);
    }

    private async Task<TableEntity?> FindAsync(string instance, string runId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(instance, runId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private static string TicksKey(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }
    }
}
