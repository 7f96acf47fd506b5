using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Omni.Engine.Workflows.Running;

/// <summary>
/// One completed thing in a run, appended by the host in the order it happened. <see cref="At"/> is the host's
/// deterministic orchestration time when it recorded the entry (Durable: <c>context.CurrentUtcDateTime</c>); the
/// interpreter computes timer deadlines only from these times and the event's.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ActivityCompleted), "activity_completed")]
[JsonDerivedType(typeof(ActivityFailed), "activity_failed")]
[JsonDerivedType(typeof(TimerFired), "timer_fired")]
[JsonDerivedType(typeof(ExternalEventReceived), "external_event_received")]
[JsonDerivedType(typeof(ConversationRead), "conversation_read")]
public abstract record HistoryEntry(string StepId, DateTimeOffset At);

/// <summary>The step's action returned <see cref="Output"/> from <see cref="Provider"/> after <see cref="Attempts"/> attempts.</summary>
public sealed record ActivityCompleted(string StepId, DateTimeOffset At, string? Provider, JsonElement Output, int Attempts = 1)
    : HistoryEntry(StepId, At);

/// <summary>The step's action failed permanently with <see cref="Provider"/> (retries exhausted or a non-transient error).</summary>
public sealed record ActivityFailed(string StepId, DateTimeOffset At, string? Provider, string Error, int Attempts = 1)
    : HistoryEntry(StepId, At);

/// <summary>The step's timer (follow-up delay, guard deferral, or a wait's deadline) fired.</summary>
public sealed record TimerFired(string StepId, DateTimeOffset At) : HistoryEntry(StepId, At);

/// <summary>The external event the step was waiting for arrived.</summary>
public sealed record ExternalEventReceived(string StepId, DateTimeOffset At, string Name, JsonElement? Payload = null)
    : HistoryEntry(StepId, At);

/// <summary>The conversation's state as the host read it for a condition of the step (<see cref="ReadConversation"/>), recorded so replays decide the same.</summary>
public sealed record ConversationRead(string StepId, DateTimeOffset At, JsonElement State) : HistoryEntry(StepId, At);

/// <summary>The ordered history of one run. Immutable: <see cref="Append"/> returns a new history.</summary>
public sealed class RunHistory
{
    public RunHistory(IEnumerable<HistoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries];
    }

    public static RunHistory Empty { get; } = new([]);

    public IReadOnlyList<HistoryEntry> Entries { get; }

    public int Count => Entries.Count;

    public RunHistory Append(HistoryEntry entry) => new(Entries.Append(entry));

    /// <summary>The first <paramref name="count"/> entries.</summary>
    public RunHistory Prefix(int count) => new(Entries.Take(count));
}

/// <summary>Run identity: the Durable instance id and the prefix of effect keys.</summary>
public static class WorkflowRunId
{
    /// <summary><c>wf_</c> + 32 hex chars of SHA-256(event id, workflow id, version): one run per event and workflow version, idempotent on redelivery.</summary>
    public static string For(string eventId, string workflowId, int version)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(workflowId);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId.Length}:{eventId}\n{workflowId.Length}:{workflowId}\n{version}"));
        return "wf_" + Convert.ToHexStringLower(bytes.AsSpan(0, 16));
    }

    /// <summary>The key a host uses to perform a side effect at most once: <c>{runId}/{stepId}</c>.</summary>
    public static string EffectKey(string runId, string stepId) => $"{runId}/{stepId}";
}

/// <summary>A history that does not fit the workflow: a nondeterminism bug in the host, or a definition changed under a running instance.</summary>
public sealed class WorkflowHistoryMismatchException : Exception
{
    public WorkflowHistoryMismatchException()
    {
    }

    public WorkflowHistoryMismatchException(string message)
        : base(message)
    {
    }

    public WorkflowHistoryMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
