using System.Text.Json;
using Omni.Engine.Workflows.Explaining;

namespace Omni.Services.Workflows.Explain;

/// <summary>
/// <c>GET /api/events/{event_id}/explain</c>: why Omni did, or did not, act on one event. <see cref="Verdict"/> is
/// <c>acted</c> (a step with a side effect ran: a reply, a notification), <c>waiting</c> (a run is still running or waits on
/// a timer) or <c>did_not_act</c>; <see cref="Workflows"/> is the ordered trace, <see cref="Sentences"/> the same in words.
/// </summary>
public sealed record EventExplanation(
    string EventId,
    string Instance,
    string EventKind,
    string ContentType,
    bool FromMe,
    string? SenderHandle,
    string? ConversationId,
    string Verdict,
    IReadOnlyList<WorkflowExplanation> Workflows,
    IReadOnlyList<RecordedOutcome> Recorded,
    IReadOnlyList<string> Sentences)
{
    public const string Acted = "acted";
    public const string Waiting = "waiting";
    public const string DidNotAct = "did_not_act";
}

/// <summary>
/// One workflow version considered: the one in effect for the instance now (<see cref="InEffect"/>), or an older version
/// that ran for the event. Its trigger check with the values it saw, and the runs it made for the event.
/// </summary>
public sealed record WorkflowExplanation(
    string WorkflowId, int Version, string Scope, bool InEffect, TriggerCheck Trigger, IReadOnlyList<RunExplanation> Runs);

/// <summary>One run: how it ended (or where it waits), each step planned against what was executed, its pending timers.</summary>
public sealed record RunExplanation(
    string RunId,
    string Status,
    string? Outcome,
    string? Summary,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<StepExplanation> Steps,
    IReadOnlyList<PendingTimer> PendingTimers,
    IReadOnlyList<RecordedOutcome> Recorded);

/// <summary>
/// One step of the workflow (planned) and what became of it: <see cref="Status"/> is the interpreter's (completed,
/// skipped, stopped, failed, timed_out), <c>pending</c> while the run waits at it, or <c>not_reached</c>.
/// <see cref="Executed"/> is true when its action was called.
/// </summary>
public sealed record StepExplanation(
    string StepId,
    string Type,
    string? ActionId,
    string? When,
    bool Executed,
    string Status,
    string? Detail,
    string? Provider,
    int Attempts,
    string? Summary,
    string? Error,
    GuardExplanation? Guard,
    string? RepliedByEventId)
{
    public const string Pending = "pending";
    public const string NotReached = "not_reached";
}

/// <summary>A guard's verdict (continue, stop, defer), its reason, the rule it applied and the state it read (from its audit line).</summary>
public sealed record GuardExplanation(string Verdict, string? Reason, string? Rule, JsonElement? State);

/// <summary>A timer a waiting run holds: a follow-up delay, a guard's deferral, or the deadline of a wait for an external event.</summary>
public sealed record PendingTimer(string StepId, string Purpose, string? WaitingFor, DateTimeOffset FireAt);

/// <summary>
/// Something recorded about the event that is not one planned step: a run's outcome, an audit line of no step of the
/// workflow (a decision the host made around the steps), or an entry from an <see cref="IRecordedOutcomeSource"/>.
/// </summary>
public sealed record RecordedOutcome(string Source, string? WorkflowId, string? RunId, string? StepId, string Outcome, string? Detail, DateTimeOffset? At);

/// <summary>
/// More recorded outcomes for the explain trace: a feature that decides about an event outside a run's steps (e.g. a
/// run stopped because a higher-precedence workflow acted) registers one (<c>services.AddSingleton&lt;IRecordedOutcomeSource, …&gt;()</c>)
/// and its entries are shown, in words too.
/// </summary>
public interface IRecordedOutcomeSource
{
    Task<IReadOnlyList<RecordedOutcome>> ListAsync(Omni.Engine.Events.OmniEvent evt, CancellationToken cancellationToken);
}
