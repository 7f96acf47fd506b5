using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Services.Actions;

/// <summary>How long an execution waits for a concurrent one of the same side effect before calling it unknown.</summary>
public sealed record EffectOnceOptions
{
    /// <summary>A <c>pending</c> row older than this is taken as an execution that died: the effect becomes <c>unknown</c>.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a waiting execution re-reads a <c>pending</c> row.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Makes a side-effect action happen at most once per (run id, step id), whatever retries, duplicate events, replays or
/// concurrent executions do. Around the inner executor:
/// <list type="number">
/// <item>Claim: add a <c>pending</c> row to the <see cref="EffectLedger"/> BEFORE dispatching. Only the first writer dispatches.</item>
/// <item>Dispatch, then record <c>sent</c> with the outcome (its <see cref="ActionOutcome.Effect"/> is <see cref="EffectState.Sent"/>).</item>
/// <item>The provider answered with a transient error (5xx, 429: it says it did nothing): the claim is released and the
/// exception rethrown, so the retry sends. A permanent error (4xx): recorded <c>failed</c> and rethrown; a duplicate
/// fails the same way without calling.</item>
/// <item>No answer (timeout, dropped connection): it may have been sent. Recorded <c>unknown</c>, not resent.</item>
/// </list>
/// Anyone who finds the row already there: <c>sent</c> → the recorded outcome, <see cref="EffectState.AlreadySent"/>, no call;
/// <c>failed</c> → the recorded <see cref="PermanentActionException"/>; <c>pending</c> → another execution is dispatching:
/// wait (polling) for its result up to <see cref="EffectOnceOptions.Lease"/> after its claim; a <c>pending</c> row older
/// than that is one whose execution died between record and send (or between send and record). Whether the message went
/// out cannot be known (Evolution has no lookup by our key), so it is marked <c>unknown</c> and NOT resent: at most once,
/// as the action engine promises ("never sends twice"); the outcome says <see cref="EffectState.Unknown"/> for the audit log.
/// </summary>
public sealed class EffectOnceExecutor(IActionExecutor inner, EffectLedger ledger, ActionDelays delays, TimeProvider time, EffectOnceOptions? options = null)
    : IActionExecutor
{
    private readonly EffectOnceOptions _options = options ?? new EffectOnceOptions();

    public string ActionId => inner.ActionId;

    public bool IsSideEffect => true;

    public IActionExecutor Inner => inner;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        try
        {
            return await ExecuteOnceAsync(invocation, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            // The ledger is unreachable: retry later. Before the claim nothing was sent; after it the row stays pending and
            // a later execution reports it unknown rather than sending again.
            throw new TransientActionException($"{invocation.ActionId} {invocation.EffectKey}: effect ledger: {ex.Message}", null,
                mayHaveTakenEffect: true, statusCode: null, innerException: ex);
        }
    }

    private async Task<ActionOutcome> ExecuteOnceAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        var polls = 0;
        var maxPolls = Math.Max(1, (int)Math.Ceiling(_options.Lease / _options.PollInterval));
        while (true)
        {
            var (claimed, record) = await ledger.TryClaimAsync(invocation, owner, cancellationToken);
            if (claimed)
            {
                return await DispatchAsync(invocation, record, cancellationToken);
            }

            while (true)
            {
                switch (record.Status)
                {
                    case EffectStatus.Sent:
                        return (record.Outcome ?? new ActionOutcome { Output = ActionInvocation.EmptyObject }) with
                        {
                            Effect = EffectState.AlreadySent,
                            Summary = $"already sent by an earlier execution: {record.Outcome?.Summary}",
                        };
                    case EffectStatus.Failed:
                        throw new PermanentActionException($"{invocation.ActionId}: an earlier execution failed for good: {record.Error}");
                    case EffectStatus.Unknown:
                        return Unknown(invocation, record.Error);
                }

                // pending: someone else is dispatching, or died doing it.
                var expired = time.GetUtcNow() - record.ClaimedAt >= _options.Lease || polls >= maxPolls;
                if (expired)
                {
                    var reason = $"recorded at {record.ClaimedAt:O} and never completed: the execution died between recording and sending " +
                                 "or before recording the answer; not resent (at most once)";
                    try
                    {
                        await ledger.MarkUnknownAsync(record, reason, cancellationToken);
                        return Unknown(invocation, reason);
                    }
                    catch (Azure.RequestFailedException ex) when (ex.Status is 404 or 412)
                    {
                        // It completed (or was released) just now: read it again.
                    }
                }
                else
                {
                    polls++;
                    await delays.DelayAsync(_options.PollInterval, cancellationToken);
                }

                var current = await ledger.GetAsync(invocation.RunId, invocation.StepId, cancellationToken);
                if (current is null)
                {
                    break; // released after a transient failure: try to claim it ourselves
                }

                record = current;
            }
        }
    }

    private async Task<ActionOutcome> DispatchAsync(ActionInvocation invocation, EffectRecord claim, CancellationToken cancellationToken)
    {
        ActionOutcome outcome;
        try
        {
            outcome = await inner.ExecuteAsync(invocation, cancellationToken);
        }
        catch (TransientActionException ex) when (!ex.MayHaveTakenEffect)
        {
            await ledger.ReleaseAsync(claim, CancellationToken.None);
            throw;
        }
        catch (TransientActionException ex)
        {
            var reason = $"no answer from the provider, it may have been sent: {ex.Message}; not resent (at most once)";
            await ledger.MarkUnknownAsync(claim, reason, CancellationToken.None);
            return Unknown(invocation, reason);
        }
        catch (PermanentActionException ex)
        {
            await ledger.MarkFailedAsync(claim, ex.Message, CancellationToken.None);
            throw;
        }

        // If this write fails the row stays pending and a later execution reports it unknown: never a second send.
        await ledger.MarkSentAsync(claim, outcome, cancellationToken);
        return outcome with { Effect = EffectState.Sent };
    }

    private static ActionOutcome Unknown(ActionInvocation invocation, string? reason) => new()
    {
        Output = JsonSerializer.SerializeToElement(new JsonObject { ["effect"] = "unknown", ["reason"] = reason }),
        Effect = EffectState.Unknown,
        Attempts = 0,
        Summary = $"{invocation.ActionId} {invocation.EffectKey}: outcome unknown, not resent: {reason}",
    };
}
