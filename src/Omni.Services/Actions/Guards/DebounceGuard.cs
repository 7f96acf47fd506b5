using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using Omni.Services.Storage;

namespace Omni.Services.Actions.Guards;

/// <summary>
/// <c>guard.debounce</c>: coalesces a burst into one run — the newest event of the burst wins. Every execution first
/// records its event as the key's latest in the table <c>Guards</c> (PK = <c>debounce|{instance}|{workflow}|{step}|{key}|{value}</c>,
/// RK = <c>latest</c>), only when it is newer (by <c>occurred_at</c>, else <c>received_at</c>; then <c>received_at</c>, then the
/// event id), with ETags so concurrent runs never overwrite a newer event. Then:
/// <list type="bullet">
/// <item>before <c>occurred_at + window</c> (by the injected clock): <c>defer</c> until then — the run waits on a timer and asks again;</item>
/// <item>from then on: <c>continue</c> when this event is still the key's latest, else <c>stop</c> (<c>coalesced into &lt;event_id&gt;</c>).</item>
/// </list>
/// Asking again is idempotent (a retried or re-run step records nothing new), so it is safe under the host's retries. The
/// key is per workflow and step, so two workflows debouncing the same sender do not coalesce into each other's events.
/// </summary>
public sealed class DebounceGuard(GuardsTable guards, TimeProvider time) : IActionExecutor
{
    public const string Id = "guard.debounce";
    private const string LatestRow = "latest";
    private const int MaxConflicts = 20;

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var windowText = invocation.RequireString("window");
        if (!WorkflowDuration.TryParse(windowText, out var window) || window <= TimeSpan.Zero)
        {
            throw new PermanentActionException($"{Id}: window must be a duration such as 30s, not '{windowText}'.");
        }

        var key = invocation.GetString("key") ?? "conversation";
        if (key is not ("sender" or "conversation"))
        {
            throw new PermanentActionException($"{Id}: key must be sender or conversation, not '{key}'.");
        }

        var evt = invocation.Event;
        var value = key == "sender" ? evt.SenderHandle ?? evt.ConversationId : evt.ConversationId ?? evt.SenderHandle;
        value = ContactEntries.Canonical(evt.Channel, value) ?? value ?? "unknown";
        var partition = TableKeys.Part($"debounce|{evt.Instance}|{invocation.WorkflowId ?? "-"}|{invocation.StepId}|{key}|{value}", TableLimits.MaxKeyChars);
        var latest = await RecordAsync(partition, evt, cancellationToken);

        var until = GuardOutput.CeilingToMillisecond(Anchor(evt) + window);
        var now = time.GetUtcNow();
        var state = GuardOutput.State(
            ("rule", $"the newest event per {key} within {windowText} wins"), ("window", windowText), ("key", key), ("value", value),
            ("window_start", Anchor(evt)), ("window_end", until), ("checked_at", now), ("latest_event_id", latest));
        if (now < until)
        {
            var reason = $"debounce: waiting {windowText} for newer messages per {key}";
            return new ActionOutcome { Output = GuardVerdict.Defer(until, reason), Summary = $"{reason}; deferred until {until:O}", State = state };
        }

        if (latest == evt.EventId)
        {
            return new ActionOutcome { Output = GuardVerdict.Continue(), Summary = $"newest event per {key} within {windowText}", State = state };
        }

        var coalesced = $"coalesced into {latest}";
        return new ActionOutcome { Output = GuardOutput.With(GuardVerdict.Stop(coalesced), ("latest_event_id", latest)), Summary = coalesced, State = state };
    }

    private static DateTimeOffset Anchor(OmniEvent evt) => evt.OccurredAt ?? evt.ReceivedAt;

    /// <summary>Makes <paramref name="evt"/> the key's latest unless a newer one is recorded; returns the latest event id.</summary>
    private async Task<string> RecordAsync(string partition, OmniEvent evt, CancellationToken cancellationToken)
    {
        await guards.EnsureCreatedAsync(cancellationToken);
        for (var conflict = 0; conflict < MaxConflicts; conflict++)
        {
            var existing = await guards.Table.GetEntityIfExistsAsync<TableEntity>(partition, LatestRow, cancellationToken: cancellationToken);
            var row = new TableEntity(partition, LatestRow)
            {
                ["EventId"] = evt.EventId,
                ["AnchorTicks"] = Anchor(evt).UtcTicks,
                ["ReceivedTicks"] = evt.ReceivedAt.UtcTicks,
                ["OccurredAt"] = Anchor(evt),
            };
            try
            {
                if (!existing.HasValue)
                {
                    await guards.Table.AddEntityAsync(row, cancellationToken);
                    return evt.EventId;
                }

                var stored = existing.Value!;
                var storedId = stored.GetString("EventId") ?? "";
                if (!IsNewer(evt, stored.GetInt64("AnchorTicks") ?? 0, stored.GetInt64("ReceivedTicks") ?? 0, storedId))
                {
                    return storedId;
                }

                await guards.Table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace, cancellationToken);
                return evt.EventId;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another run recorded an event meanwhile: read again.
            }
        }

        throw new TransientActionException($"{Id}: the latest event of the key stayed contended after {MaxConflicts} tries.");
    }

    private static bool IsNewer(OmniEvent evt, long anchorTicks, long receivedTicks, string eventId)
    {
        var byAnchor = Anchor(evt).UtcTicks.CompareTo(anchorTicks);
        if (byAnchor != 0)
        {
            return byAnchor > 0;
        }

        var byReceived = evt.ReceivedAt.UtcTicks.CompareTo(receivedTicks);
        return byReceived != 0 ? byReceived > 0 : string.CompareOrdinal(evt.EventId, eventId) > 0;
    }
}
