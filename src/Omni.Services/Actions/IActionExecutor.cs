using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Services.Actions;

/// <summary>
/// Runs one registry action (<c>route.reply</c>, <c>transform.stt.audio</c>, ...) against the real world: the I/O side of
/// a workflow step, called by an activity. Succeeds with an <see cref="ActionOutcome"/>; fails by throwing
/// <see cref="TransientActionException"/> (retry later) or <see cref="PermanentActionException"/> (retrying cannot help).
/// Custom actions implement this and register it in DI (<c>services.AddSingleton&lt;IActionExecutor, MyAction&gt;()</c>).
/// </summary>
public interface IActionExecutor
{
    /// <summary>The registry id this executor runs, e.g. <c>route.reply</c>.</summary>
    string ActionId { get; }

    /// <summary>True when running it changes the world (sends, notifies): the registry wraps it in <see cref="EffectOnceExecutor"/>.</summary>
    bool IsSideEffect => false;

    Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>One execution request: which step of which run, the event that triggered the run, and the rendered parameters.</summary>
public sealed record ActionInvocation
{
    public required string RunId { get; init; }

    public required string StepId { get; init; }

    public required string ActionId { get; init; }

    /// <summary>The workflow the run belongs to (its id, not the version), when a workflow host calls; guards that keep state per workflow (debounce) key by it.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The event that started the run.</summary>
    public required OmniEvent Event { get; init; }

    /// <summary>The step's parameters, templates already rendered by the interpreter: a JSON object (snake_case names).</summary>
    public JsonElement Parameters { get; init; } = EmptyObject;

    /// <summary>The provider to use (one link of the step's chain: <c>groq</c>, <c>openai</c>, ...); null for actions without providers.</summary>
    public string? Provider { get; init; }

    /// <summary>The (run, step) key that makes a side effect happen once: <c>{run_id}/{step_id}</c>.</summary>
    public string EffectKey => $"{RunId}/{StepId}";

    public static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    public ActionInvocation WithProvider(string? provider) => this with { Provider = provider };

    /// <summary>A string parameter, or null when absent, null or blank.</summary>
    public string? GetString(string name) =>
        Parameters.ValueKind == JsonValueKind.Object && Parameters.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;

    public string RequireString(string name) =>
        GetString(name) ?? throw new PermanentActionException($"{ActionId}: the parameter '{name}' is required.");

    public bool GetBool(string name, bool defaultValue = false) =>
        Parameters.ValueKind == JsonValueKind.Object && Parameters.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => defaultValue,
        } : defaultValue;

    /// <summary>The raw parameter value (object, array, string, ...), or null when absent.</summary>
    public JsonElement? GetElement(string name) =>
        Parameters.ValueKind == JsonValueKind.Object && Parameters.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;
}

/// <summary>
/// What an action did. <see cref="Output"/> is a snake_case JSON object later steps read (<c>steps.&lt;id&gt;.output</c>);
/// <see cref="Summary"/> is one line for the audit log.
/// </summary>
public sealed record ActionOutcome
{
    public required JsonElement Output { get; init; }

    /// <summary>The provider that produced the result; null for actions without providers.</summary>
    public string? Provider { get; init; }

    /// <summary>Calls made to get this result (chain: across all providers tried).</summary>
    public int Attempts { get; init; } = 1;

    public string Summary { get; init; } = "";

    /// <summary>
    /// What the action read to decide, for the audit and <c>GET /api/events/{id}/explain</c>: a guard's rule and the state it
    /// saw (a rate limit's count and window, debounce's latest event, the list and the keys looked up). Null when nothing worth showing.
    /// </summary>
    public JsonElement? State { get; init; }

    /// <summary>For side effects: whether this execution sent it, found it already sent, or cannot know (see <see cref="EffectOnceExecutor"/>).</summary>
    public EffectState? Effect { get; init; }

    /// <summary>For chains: each provider tried, in order, with its attempts and why it was passed over.</summary>
    public IReadOnlyList<ProviderAttempt>? Chain { get; init; }

    /// <summary>A string property of <see cref="Output"/>, or null.</summary>
    public string? OutputString(string name) =>
        Output.ValueKind == JsonValueKind.Object && Output.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>How a side effect stands after an execution.</summary>
public enum EffectState
{
    /// <summary>This execution dispatched it.</summary>
    Sent,

    /// <summary>An earlier execution of the same (run, step) dispatched it; its recorded outcome is returned, nothing was sent.</summary>
    AlreadySent,

    /// <summary>An earlier execution recorded it and died before recording the result: it may or may not have been sent. Not resent (at most once).</summary>
    Unknown,
}

/// <summary>One provider of a chain: how many calls it got and, when it was passed over, why.</summary>
public sealed record ProviderAttempt(string Provider, int Attempts, bool Succeeded, string? Error);
