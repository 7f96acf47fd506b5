using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Storage;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.rate_limit</c>: at most <c>limit</c> runs per key (<c>per: sender</c> — the sender handle, else the
/// conversation — or <c>per: instance</c>) in fixed windows of <c>window</c> aligned to the epoch. Counters live in the
/// table <c>Guards</c> (PK = <c>rate|{instance}|{per}|{key}</c>, RK = the window's start ticks), incremented with ETags so
/// concurrent runs never both take the last slot. Each run is counted once per window: the increment and a marker row
/// (RK = <c>{window ticks}|run|{run id}</c>) are written in one entity group transaction, and a run that finds its marker
/// (a retried step, a duplicate delivery of the activity) continues without counting again. Over the limit the verdict is
/// <c>stop</c> (skipped) or, with <c>on_exceed: defer</c>, <c>defer</c> until the window ends: the run waits on a timer
/// and asks again — deferred, not failed — and is then counted once in the new window.
/// </summary>
public sealed class RateLimitGuard(GuardsTable guards, TimeProvider time) : IActionExecutor
{
    public const string Id = "guard.rate_limit";
    private const int MaxConflicts = 20;

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var limitText = invocation.GetString("limit") ?? throw new PermanentActionException($"{Id}: the parameter 'limit' is required.");
        if (!long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
        {
            throw new PermanentActionException($"{Id}: limit must be a whole number ≥ 1, not '{limitText}'.");
        }

        var windowText = invocation.RequireString("window");
        if (!WorkflowDuration.TryParse(windowText, out var window) || window <= TimeSpan.Zero)
        {
            throw new PermanentActionException($"{Id}: window must be a duration such as 1h, not '{windowText}'.");
        }

        var per = invocation.GetString("per") ?? "sender";
        var evt = invocation.Event;
        var key = per == "instance" ? "*" : evt.SenderHandle ?? evt.ConversationId ?? "unknown";
        var defer = invocation.GetString("on_exceed") == "defer";

        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        var end = start + window;
        var partition = TableKeys.Part($"rate|{evt.Instance}|{per}|{key}", TableLimits.MaxKeyChars);
        var row = start.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var marker = $"{row}|run|{TableKeys.Escape(invocation.RunId)}";
        await guards.EnsureCreatedAsync(cancellationToken);
        JsonElement Read(long count, bool counted) => GuardOutput.State(
            ("rule", $"at most {limit} per {windowText} per {per}"), ("limit", limit), ("window", windowText), ("per", per), ("key", key),
            ("window_start", start), ("window_end", end), ("count", count), ("counted", counted), ("on_exceed", defer ? "defer" : "stop"));

        for (var conflict = 0; conflict < MaxConflicts; conflict++)
        {
            if ((await guards.Table.GetEntityIfExistsAsync<TableEntity>(partition, marker, ["RowKey"], cancellationToken)).HasValue)
            {
                var counted = await guards.Table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
                return new ActionOutcome
                {
                    Output = GuardVerdict.Continue(),
                    Summary = "this run is already counted in the window",
                    State = Read(counted.HasValue ? counted.Value!.GetInt64("Count") ?? 0 : 0, counted: true),
                };
            }

            var existing = await guards.Table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            var count = existing.HasValue ? existing.Value!.GetInt64("Count") ?? 0 : 0;
            if (count >= limit)
            {
                var reason = $"rate limit: {limit} per {windowText} per {per} reached";
                return new ActionOutcome
                {
                    Output = defer ? GuardVerdict.Defer(end, reason) : GuardVerdict.Stop(reason),
                    Summary = defer ? $"{reason}; deferred until {end:O}" : reason,
                    State = Read(count, counted: false),
                };
            }

            TableTransactionAction counter;
            if (existing.HasValue)
            {
                var entity = existing.Value!;
                entity["Count"] = count + 1;
                counter = new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, entity.ETag);
            }
            else
            {
                counter = new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, row) { ["Count"] = 1L, ["WindowEnd"] = end });
            }

            try
            {
                await guards.Table.SubmitTransactionAsync(
                    [counter, new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, marker) { ["WindowEnd"] = end })],
                    cancellationToken);
                return new ActionOutcome { Output = GuardVerdict.Continue(), Summary = $"{count + 1} of {limit} in the window", State = Read(count + 1, counted: true) };
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another run took a slot meanwhile, or this run was counted by a concurrent execution: read again.
            }
        }

        throw new TransientActionException($"{Id}: the counter stayed contended after {MaxConflicts} tries.");
    }
}
