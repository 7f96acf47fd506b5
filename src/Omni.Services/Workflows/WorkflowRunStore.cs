using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Storage;

namespace Omni.Services.Workflows;

/// <summary>Run statuses as stored and served: running, waiting (a timer or an external event), completed.</summary>
public static class RunStatuses
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Completed = "completed";
}

/// <summary>
/// The run records both hosts keep in the table <c>WorkflowRuns</c> (PK = instance): the run row (RK = run id: workflow
/// version, event, status, audit, outcome), the event's index (RK <c>evt|{event id}|{run id}</c>) and the waits for
/// <c>contact_replied</c> (RK <c>wait|{conversation}|{run id}</c>). The offline runner adds its history and timers to the
/// same rows; the Durable host's history lives in its task hub, and its activities write the audit here, so
/// <c>GET /api/events/{id}/actions</c> and <c>GET /api/runs/{id}</c> read the same thing on both hosts.
/// </summary>
public sealed class WorkflowRunStore(OmniStorage storage)
{
    private const int MaxEventChars = 30_000;
    private const string SignalsColumn = "Signals";
    private const int MaxConcurrencyRetries = 8;
    private volatile bool _ready;

    public TableClient Table { get; } = storage.Tables.GetTableClient(storage.Names.WorkflowRunsTable);

    /// <summary>
    /// Creates the run row of <paramref name="runId"/> (status running) unless it exists. The event's index row is
    /// written first, so a crash in between leaves nothing unfindable. False when the run existed already. A run that a
    /// higher workflow's gate stops (<paramref name="stoppedBy"/>) is created completed: outcome skipped, the gate in its
    /// reason and in <c>stopped_by</c>, so the audit shows which workflow and which rule kept it from running.
    /// </summary>
    public async Task<bool> TryCreateAsync(
        WorkflowDefinition definition, OmniEvent evt, string runId, DateTimeOffset now, CancellationToken cancellationToken, StoppedBy? stoppedBy = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(evt);
        await EnsureCreatedAsync(cancellationToken);
        await Table.UpsertEntityAsync(new TableEntity(evt.Instance, EventIndexKey(evt.EventId, runId)), TableUpdateMode.Replace, cancellationToken);
        var row = new TableEntity(evt.Instance, runId)
        {
            ["WorkflowId"] = definition.Id,
            ["Version"] = definition.Version,
            ["EventId"] = evt.EventId,
            ["ConversationId"] = evt.ConversationId,
            ["Status"] = RunStatuses.Running,
            ["History"] = "[]",
            ["Audit"] = "[]",
            ["CreatedAt"] = now,
        };
        TableText.Write(row, "Event", EventJson(evt)); // a long text message spans columns
        if (stoppedBy is not null)
        {
            var reason = stoppedBy.Describe();
            Complete(row, new Complete(RunOutcomes.Skipped, reason, $"{RunOutcomes.Skipped}: {reason}", []), now);
            row["StoppedBy"] = JsonSerializer.Serialize(stoppedBy, OmniJson.Options);
        }

        try
        {
            await Table.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The run row, or null.</summary>
    public async Task<TableEntity?> FindAsync(string instance, string runId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(instance, runId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>A stored run, or null.</summary>
    public async Task<WorkflowRunView?> GetAsync(string instance, string runId, CancellationToken cancellationToken) =>
        await FindAsync(instance, runId, cancellationToken) is { } row ? View(row) : null;

    /// <summary>Every run the event started, oldest first.</summary>
    public async Task<IReadOnlyList<WorkflowRunView>> ListForEventAsync(string instance, string eventId, CancellationToken cancellationToken)
    {
        var runs = new List<WorkflowRunView>();
        await foreach (var runId in RowKeysAfterAsync(instance, $"evt|{eventId}|", cancellationToken))
        {
            if (await GetAsync(instance, runId, cancellationToken) is { } run)
            {
                runs.Add(run);
            }
        }

        return [.. runs.OrderBy(r => r.CreatedAt)];
    }

    /// <summary>
    /// Records that <paramref name="runId"/> waits in <paramref name="conversationId"/> for the conversation signals
    /// <paramref name="signals"/> (<c>contact_replied</c>, <c>we_replied</c>: <see cref="WorkflowInterpreter.SignalOf"/>).
    /// </summary>
    public async Task AddReplyWaitAsync(string instance, string conversationId, string runId, IReadOnlyList<string> signals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signals);
        await EnsureCreatedAsync(cancellationToken);
        await Table.UpsertEntityAsync(
            new TableEntity(instance, ReplyWaitKey(conversationId, runId)) { [SignalsColumn] = string.Join(',', signals) }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// The runs that registered a wait for <paramref name="signal"/> in the conversation (some may have moved on since).
    /// A wait row without a signal list is from before <c>we_replied</c>: it waits for <c>contact_replied</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplyWaitsAsync(string instance, string conversationId, string signal, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var prefix = ReplyWaitKey(conversationId, string.Empty);
        var end = TableKeys.PrefixEnd(prefix);
        var runs = new List<string>();
        await foreach (var row in Table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == instance && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(end) < 0,
                           select: ["RowKey", SignalsColumn], cancellationToken: cancellationToken))
        {
            if (WaitsFor(row, signal))
            {
                runs.Add(row.RowKey[prefix.Length..]);
            }
        }

        return runs;
    }

    /// <summary>
    /// Drops the run's wait in the conversation once <paramref name="signal"/> was raised to it, unless the run has
    /// registered a new wait meanwhile that no longer lists that signal (it took it, and now waits for the other).
    /// </summary>
    public async Task RemoveReplyWaitAsync(string instance, string conversationId, string runId, string signal, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(instance, ReplyWaitKey(conversationId, runId), cancellationToken: cancellationToken);
        if (!row.HasValue || !WaitsFor(row.Value!, signal))
        {
            return;
        }

        try
        {
            await Table.DeleteEntityAsync(instance, row.Value!.RowKey, row.Value.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Gone, or re-registered by the run since: leave the new wait alone.
        }
    }

    private static bool WaitsFor(TableEntity wait, string signal) =>
        (wait.GetString(SignalsColumn) ?? WorkflowInterpreter.ContactRepliedEvent).Split(',').Contains(signal, StringComparer.Ordinal);

    /// <summary>
    /// Changes a run row with optimistic concurrency: <paramref name="change"/> edits the freshly read row (return false
    /// to leave it alone), which is then replaced if nobody wrote in between; retried on a conflict. False when the run
    /// does not exist or <paramref name="change"/> declined.
    /// </summary>
    public async Task<bool> UpdateAsync(string instance, string runId, Func<TableEntity, bool> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            if (await FindAsync(instance, runId, cancellationToken) is not { } row || !change(row))
            {
                return false;
            }

            try
            {
                await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < MaxConcurrencyRetries)
            {
                // Someone else wrote the row: read it again.
            }
        }
    }

    /// <summary>Appends one audit line (the Durable host's activities; the offline runner saves its audit with its history).</summary>
    public Task<bool> AppendAuditAsync(string instance, string runId, StepAudit line, CancellationToken cancellationToken) =>
        UpdateAsync(instance, runId, row =>
        {
            TableText.Write(row, "Audit", JsonSerializer.Serialize<IReadOnlyList<StepAudit>>([.. ReadAudit(row), line], OmniJson.Options));
            if (row.GetString("Status") == RunStatuses.Waiting)
            {
                MarkRunning(row);
            }

            return true;
        }, cancellationToken);

    /// <summary>Marks the run as waiting until <paramref name="until"/>: for the external event <paramref name="name"/>, or for a timer when it is null.</summary>
    public Task<bool> MarkWaitingAsync(string instance, string runId, string stepId, string? name, DateTimeOffset until, CancellationToken cancellationToken) =>
        UpdateAsync(instance, runId, row =>
        {
            MarkRunning(row);
            row["Status"] = RunStatuses.Waiting;
            row["WaitingStep"] = stepId;
            row["FireAt"] = until;
            if (name is not null)
            {
                row["WaitingFor"] = name;
            }

            return true;
        }, cancellationToken);

    /// <summary>Records the run's end: outcome, summary, the interpreter's step outcomes and when.</summary>
    public Task<bool> CompleteAsync(string instance, string runId, Complete done, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(done);
        return UpdateAsync(instance, runId, row =>
        {
            Complete(row, done, at);
            return true;
        }, cancellationToken);
    }

    /// <summary>Sets the columns of a completed run on <paramref name="row"/> (not saved).</summary>
    public static void Complete(TableEntity row, Complete done, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(done);
        MarkRunning(row);
        row["Status"] = RunStatuses.Completed;
        row["Outcome"] = done.Outcome;
        row["Summary"] = done.Summary;
        TableText.Write(row, "Steps", JsonSerializer.Serialize(done.Steps, OmniJson.Options));
        row["CompletedAt"] = at;
    }

    /// <summary>Clears the waiting columns and marks the run running (not saved).</summary>
    public static void MarkRunning(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        row["Status"] = RunStatuses.Running;
        foreach (var column in new[] { "WaitingStep", "WaitingPurpose", "WaitingFor", "TimerKey", "FireAt", "ResumedBy" })
        {
            row.Remove(column);
        }
    }

    public static IReadOnlyList<StepAudit> ReadAudit(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return JsonSerializer.Deserialize<List<StepAudit>>(TableText.Read(row, "Audit") ?? "[]", OmniJson.Options)!;
    }

    /// <summary>The offline runner's history of the run (empty for a Durable run, whose history lives in its task hub).</summary>
    public static RunHistory ReadHistory(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new RunHistory(JsonSerializer.Deserialize<List<HistoryEntry>>(TableText.Read(row, "History") ?? "[]", OmniJson.Options)!);
    }

    public static OmniEvent ReadEvent(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return JsonSerializer.Deserialize<OmniEvent>(TableText.Read(row, "Event")!, OmniJson.Options)!;
    }

    public static WorkflowRunView View(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new WorkflowRunView(
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
            row.GetString("WaitingFor"),
            row.GetDateTimeOffset("FireAt"),
            ReadAudit(row),
            JsonSerializer.Deserialize<List<StepOutcome>>(TableText.Read(row, "Steps") ?? "[]", OmniJson.Options)!,
            ReadHistory(row).Entries,
            row.GetString("StoppedBy") is { } stoppedBy ? JsonSerializer.Deserialize<StoppedBy>(stoppedBy, OmniJson.Options) : null);
    }

    /// <summary>True when a run's <c>WaitingFor</c> (one name, or several joined with commas) includes <paramref name="name"/>.</summary>
    public static bool WaitsFor(string? waitingFor, string name) =>
        waitingFor is not null && waitingFor.Split(',').Contains(name, StringComparer.Ordinal);

    public static string EventIndexKey(string eventId, string runId) => $"evt|{eventId}|{runId}";

    private static string ReplyWaitKey(string conversationId, string runId) => $"wait|{TableKeys.Part(conversationId)}|{runId}";

    /// <summary>
    /// The run's event as JSON: whole when it fits <see cref="MaxEventChars"/>, else its bounded view
    /// (<see cref="EventLimits.Fit"/>: the text cut, metadata left out...). Callers pass the event as its row stores it,
    /// which always fits; the steps read the whole event from the event store when they need it (<see cref="WorkflowStepExecutor"/>).
    /// </summary>
    private static string EventJson(OmniEvent evt)
    {
        var json = JsonSerializer.Serialize(evt, OmniJson.Options);
        return json.Length <= MaxEventChars
            ? json
            : EventLimits.Fit(evt, MaxEventChars)?.Json ?? throw new StorageLimitException($"event {evt.EventId} does not fit a run row even bounded");
    }

    private async IAsyncEnumerable<string> RowKeysAfterAsync(
        string instance, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var end = TableKeys.PrefixEnd(prefix);
        await foreach (var row in Table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == instance && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(end) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken))
        {
            yield return row.RowKey[prefix.Length..];
        }
    }

    /// <summary>Creates the table on first use (every method here does it itself).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
            _ready = true;
        }
    }
}
