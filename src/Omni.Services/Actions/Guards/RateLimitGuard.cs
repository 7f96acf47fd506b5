using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Storage;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.rate_limit</c>: at most <c>limit</c> runs per key (<c>per: sender</c> — the sender handle, else the
/// conversation — or <c>per: instance</c>) in fixed windows of <c>window</c> aligned to the epoch. Counters live in the
/// table <c>Guards</c> (PK = <c>rate|{instance}|{key}</c>, RK = the window's start ticks), incremented with ETags so
/// concurrent runs never both take the last slot. Over the limit the verdict is <c>stop</c> (skipped) or, with
/// <c>on_exceed: defer</c>, <c>defer</c> until the window ends: the run waits on a timer and asks again — deferred, not failed.
/// A step retried after a counted attempt may count twice (an over-count, never an under-count).
/// </summary>
public sealed class RateLimitGuard(OmniStorage storage, TimeProvider time) : IActionExecutor
{
    public const string Id = "guard.rate_limit";
    private const int MaxConflicts = 20;
    private readonly TableClient _table = storage.Tables.GetTableClient(storage.Names.GuardsTable);
    private volatile bool _tableReady;

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
        var partition = TableKeys.Escape($"rate|{evt.Instance}|{per}|{key}");
        var row = start.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        await EnsureTableAsync(cancellationToken);

        for (var conflict = 0; conflict < MaxConflicts; conflict++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            var count = existing.HasValue ? existing.Value!.GetInt64("Count") ?? 0 : 0;
            if (count >= limit)
            {
                var reason = $"rate limit: {limit} per {windowText} per {per} reached";
                return new ActionOutcome
                {
                    Output = defer ? GuardVerdict.Defer(end, reason) : GuardVerdict.Stop(reason),
                    Summary = defer ? $"{reason}; deferred until {end:O}" : reason,
                };
            }

            try
            {
                if (existing.HasValue)
                {
                    var entity = existing.Value!;
                    entity["Count"] = count + 1;
                    await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await _table.AddEntityAsync(new TableEntity(partition, row) { ["Count"] = 1L, ["WindowEnd"] = end }, cancellationToken);
                }

                return new ActionOutcome { Output = GuardVerdict.Continue(), Summary = $"{count + 1} of {limit} in the window" };
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another run took a slot meanwhile: read again.
            }
        }

        throw new TransientActionException($"{Id}: the counter stayed contended after {MaxConflicts} tries.");
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }
    }
}
