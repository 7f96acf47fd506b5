using System.Text.Json;
using System.Text.Json.Serialization;

namespace Omni.Engine.Workflows.Running;

/// <summary>What the host must do next for a run. Exactly one per <see cref="WorkflowInterpreter.Decide"/> call.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CallActivity), "call_activity")]
[JsonDerivedType(typeof(StartTimer), "start_timer")]
[JsonDerivedType(typeof(WaitForExternalEvent), "wait_for_external_event")]
[JsonDerivedType(typeof(ReadConversation), "read_conversation")]
[JsonDerivedType(typeof(Complete), "complete")]
public abstract record Decision;

/// <summary>
/// Run the step's action once with <see cref="Provider"/> (null when the action has no providers), retrying
/// transient failures per <see cref="Retry"/>; then append <see cref="ActivityCompleted"/> or <see cref="ActivityFailed"/>.
/// <see cref="FallbackProviders"/> are the ones the interpreter will ask for next if this one fails or its result fails the check.
/// </summary>
public sealed record CallActivity(
    string StepId,
    string ActionId,
    JsonElement Parameters,
    string? Provider,
    IReadOnlyList<string> FallbackProviders,
    RetryPolicy Retry,
    bool IsSideEffect,
    string? EffectKey) : Decision;

/// <summary>Start a durable timer for <see cref="FireAt"/>; when it fires append <see cref="TimerFired"/>.</summary>
public sealed record StartTimer(string StepId, DateTimeOffset FireAt, string Purpose) : Decision
{
    public const string FollowUp = "follow_up";
    public const string GuardDefer = "guard_defer";
}

/// <summary>
/// Wait for the external event <see cref="Name"/>, raced against a durable timer for <see cref="Deadline"/>: append
/// <see cref="ExternalEventReceived"/> if the event wins, <see cref="TimerFired"/> if the deadline does (cancel the loser).
/// </summary>
public sealed record WaitForExternalEvent(string StepId, string Name, DateTimeOffset Deadline) : Decision
{
    /// <summary>More events that end the wait as well (a follow-up waiting for <c>contact_replied</c> and <c>we_replied</c>); null for one.</summary>
    public IReadOnlyList<string>? AlsoNames { get; init; }

    /// <summary><see cref="Name"/> and <see cref="AlsoNames"/>: the first of them to arrive ends the wait.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Names => AlsoNames is { Count: > 0 } also ? [Name, .. also] : [Name];
}

/// <summary>
/// Read the run's conversation state (<see cref="Conversations.ConversationState"/>) now, for a condition of
/// <see cref="StepId"/> that reads <c>conversation</c>; then append <see cref="ConversationRead"/> with it.
/// </summary>
public sealed record ReadConversation(string StepId) : Decision;

/// <summary>The run is over. <see cref="Steps"/> is the audit trail: every step reached, in order.</summary>
public sealed record Complete(string Outcome, string? Reason, string Summary, IReadOnlyList<StepOutcome> Steps) : Decision;

/// <summary>Run outcomes: completed, skipped (a guard or stop step ended it on purpose), failed.</summary>
public static class RunOutcomes
{
    public const string Completed = "completed";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}

/// <summary>Step statuses, also readable in conditions as <c>steps.&lt;id&gt;.status</c>.</summary>
public static class StepStatuses
{
    public const string Completed = "completed";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
    public const string Stopped = "stopped";
    public const string TimedOut = "timed_out";
}

/// <summary>One line of the audit log: which provider served the step, after how many attempts, which providers were tried.</summary>
public sealed record StepOutcome(
    string StepId,
    string? ActionId,
    string Status,
    string? Provider,
    int Attempts,
    IReadOnlyList<string> ProvidersTried,
    string? Detail);

/// <summary>
/// A guard action's result: <c>{"verdict":"continue"}</c>, <c>{"verdict":"stop","reason":"..."}</c> or
/// <c>{"verdict":"defer","until":"2026-01-01T00:00:00Z","reason":"..."}</c>.
/// </summary>
public sealed record GuardVerdict(string Verdict, string? Reason = null, DateTimeOffset? Until = null)
{
    public const string ContinueVerdict = "continue";
    public const string StopVerdict = "stop";
    public const string DeferVerdict = "defer";

    public static JsonElement Continue() => ToJson(new GuardVerdict(ContinueVerdict));

    public static JsonElement Stop(string reason) => ToJson(new GuardVerdict(StopVerdict, reason));

    public static JsonElement Defer(DateTimeOffset until, string? reason = null) => ToJson(new GuardVerdict(DeferVerdict, reason, until));

    /// <summary>Reads a guard's output; null when it is not a verdict (the step then fails).</summary>
    public static GuardVerdict? Parse(JsonElement output)
    {
        try
        {
            var verdict = output.Deserialize<GuardVerdict>(Json.OmniJson.Options);
            return verdict?.Verdict switch
            {
                ContinueVerdict or StopVerdict => verdict,
                DeferVerdict when verdict.Until is not null => verdict,
                _ => null,
            };
        }
        // Stryker disable once Block : equivalent, without the block the method returns default (null) all the same
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement ToJson(GuardVerdict verdict) => JsonSerializer.SerializeToElement(verdict, Json.OmniJson.Options);
}
