using System.Diagnostics;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Events;
using Omni.Services.Telemetry;

namespace Omni.Services.Workflows;

/// <summary>One attempt at a <see cref="CallActivity"/>: its history entry (null when a transient failure should be retried) and its audit line.</summary>
/// <param name="RetryAfter">How long the provider asked us to wait before trying again (<c>Retry-After</c>, Discord's
/// <c>retry_after</c>), when a transient failure said so: the next attempt waits at least that (<see cref="WorkflowStepExecutor.RetryDelay"/>).</param>
public sealed record StepAttempt(HistoryEntry? Entry, StepAudit Audit, bool Transient, TimeSpan? RetryAfter = null);

/// <summary>
/// Runs one interpreter decision <see cref="CallActivity"/> through its executor (effect-once for side effects) and
/// describes the attempt for the audit log, with its span and metric. Both hosts call it: the offline runner from
/// <see cref="WorkflowRunner"/>, the Durable host from its action activity.
/// <para>A run carries its event as the event's row stores it (<see cref="EventStore.GetStoredAsync"/>): a large event's
/// bounded view. Actions get the whole event: a bounded one is read whole from the event store here, per attempt.</para>
/// </summary>
public sealed class WorkflowStepExecutor(ActionExecutorRegistry executors, TimeProvider time, EventStore? events = null)
{
    /// <param name="failedBefore">Failed attempts of this call so far (the attempt count continues from it).</param>
    /// <param name="earlier">For a provider chain: the providers this step called before (<see cref="EarlierProviders"/>); null otherwise.</param>
    public async Task<StepAttempt> ExecuteAsync(
        string workflowId, string runId, OmniEvent evt, CallActivity call, int failedBefore, IReadOnlyList<ProviderAttempt>? earlier,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(call);
        earlier = call.Provider is null ? null : earlier ?? [];
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var span = OmniTelemetry.StartWorkflowStep(workflowId, call.StepId, call.ActionId, evt.EventId);
        try
        {
            var invocation = new ActionInvocation
            {
                RunId = runId,
                StepId = call.StepId,
                ActionId = call.ActionId,
                WorkflowId = workflowId,
                Event = await WholeAsync(evt, cancellationToken),
                Parameters = call.Parameters,
                Provider = call.Provider,
            };
            var outcome = await executors.ExecuteAsync(invocation, cancellationToken: cancellationToken);
            OmniTelemetry.RecordActionOutcome(call.ActionId, outcome.Provider ?? call.Provider ?? "none", "completed");
            var attempts = failedBefore + outcome.Attempts;
            return new StepAttempt(
                new ActivityCompleted(call.StepId, time.GetUtcNow(), call.Provider, outcome.Output, attempts),
                new StepAudit(call.StepId, call.ActionId, "completed", outcome.Provider ?? call.Provider, attempts, started, clock.Elapsed.TotalMilliseconds, outcome.Summary, null,
                    earlier is null ? null : [.. earlier, new ProviderAttempt(call.Provider!, attempts, Succeeded: true, Error: null)], outcome.State),
                Transient: false);
        }
        catch (Exception e) when (e is TransientActionException or PermanentActionException)
        {
            var attempts = failedBefore + 1;
            var transient = e is TransientActionException;
            OmniTelemetry.RecordActionOutcome(call.ActionId, call.Provider ?? "none", transient ? "transient" : "failed");
            var line = new StepAudit(call.StepId, call.ActionId, "failed", call.Provider, attempts, started, clock.Elapsed.TotalMilliseconds, null, e.Message,
                earlier is null ? null : [.. earlier, new ProviderAttempt(call.Provider!, attempts, Succeeded: false, Error: e.Message)]);
            var retryAfter = (e as TransientActionException)?.RetryAfter;
            return transient && attempts < call.Retry.MaxAttempts
                ? new StepAttempt(null, line, Transient: true, retryAfter)
                : new StepAttempt(new ActivityFailed(call.StepId, time.GetUtcNow(), call.Provider, e.Message, attempts), line, transient, retryAfter);
        }
    }

    /// <summary>
    /// The whole event for the action: the run's event itself, or for a bounded view the event from the store (its
    /// oversize blob). A storage failure there is a transient failure of the step (retried per its policy).
    /// </summary>
    private async Task<OmniEvent> WholeAsync(OmniEvent evt, CancellationToken cancellationToken)
    {
        if (!evt.IsTruncated || events is null)
        {
            return evt;
        }

        try
        {
            return await events.GetAsync(evt.EventId, cancellationToken) ?? evt;
        }
        catch (Azure.RequestFailedException e)
        {
            throw new TransientActionException($"{evt.EventId}: reading the whole event failed: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// The providers step <paramref name="stepId"/> called before the current one, from the run's history: a failure
    /// carries its error; a result the interpreter moved on from failed the step's check. Pure: the Durable orchestrator
    /// computes it from its replayed history and hands it to the activity.
    /// </summary>
    public static IReadOnlyList<ProviderAttempt> EarlierProviders(RunHistory history, string stepId)
    {
        ArgumentNullException.ThrowIfNull(history);
        return
        [
            .. history.Entries.Where(entry => entry.StepId == stepId).Select(entry => entry switch
            {
                ActivityFailed { Provider: { } provider } failed => new ProviderAttempt(provider, failed.Attempts, Succeeded: false, failed.Error),
                ActivityCompleted { Provider: { } provider } completed => new ProviderAttempt(provider, completed.Attempts, Succeeded: false, "result failed the check"),
                _ => null,
            }).OfType<ProviderAttempt>(),
        ];
    }

    /// <summary>The longest <c>Retry-After</c> a provider can impose on a step: beyond it, the step's own policy decides.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// The wait before retry number <paramref name="failedAttempts"/> + 1: the step's <see cref="Backoff"/>, or the
    /// provider's <paramref name="retryAfter"/> when it asked for longer (up to <see cref="MaxRetryAfter"/>): retrying a
    /// rate-limited call sooner only spends an attempt on another 429.
    /// </summary>
    public static TimeSpan RetryDelay(Omni.Engine.Workflows.RetryPolicy retry, int failedAttempts, TimeSpan? retryAfter)
    {
        var backoff = Backoff(retry, failedAttempts);
        return retryAfter is { } asked && asked > backoff ? (asked < MaxRetryAfter ? asked : MaxRetryAfter) : backoff;
    }

    private const string RetryAfterMarker = " [retry after ";

    /// <summary>
    /// The message of the exception an activity throws for a transient failure: Durable carries only the type and the
    /// message to the orchestrator's retry handler, so the provider's wait rides at the end (<see cref="RetryAfterIn"/>).
    /// </summary>
    public static string WithRetryAfter(string message, TimeSpan? retryAfter) =>
        retryAfter is { } wait ? $"{message}{RetryAfterMarker}{(long)Math.Ceiling(wait.TotalMilliseconds)} ms]" : message;

    /// <summary>The provider's wait carried by <see cref="WithRetryAfter"/>, and the message without it.</summary>
    public static (string Message, TimeSpan? RetryAfter) RetryAfterIn(string? message)
    {
        message ??= "";
        var at = message.LastIndexOf(RetryAfterMarker, StringComparison.Ordinal);
        if (at < 0 || !message.EndsWith(" ms]", StringComparison.Ordinal) ||
            !long.TryParse(message.AsSpan(at + RetryAfterMarker.Length, message.Length - at - RetryAfterMarker.Length - 4), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            return (message, null);
        }

        return (message[..at], TimeSpan.FromMilliseconds(ms));
    }

    /// <summary>The delay before retry number <paramref name="failedAttempts"/> + 1: first_delay × backoff^(n-1), capped at max_delay.</summary>
    public static TimeSpan Backoff(Omni.Engine.Workflows.RetryPolicy retry, int failedAttempts)
    {
        ArgumentNullException.ThrowIfNull(retry);
        var delay = retry.FirstDelay.TotalMilliseconds * Math.Pow(retry.Backoff, Math.Max(0, failedAttempts - 1));
        return TimeSpan.FromMilliseconds(Math.Min(delay, retry.MaxDelay.TotalMilliseconds));
    }
}
