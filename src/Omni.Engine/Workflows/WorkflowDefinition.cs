using System.Text.Json;
using Omni.Engine.Workflows.Actions;

namespace Omni.Engine.Workflows;

/// <summary>
/// A validated workflow. Get one from <see cref="WorkflowParser.Parse"/>; a definition with errors is never handed out.
/// Stored versions are immutable: a change is a new <see cref="Version"/>.
/// </summary>
public sealed record WorkflowDefinition
{
    /// <summary>The scope value that makes a workflow the default for every instance.</summary>
    public const string AnyInstance = "*";

    public required string Id { get; init; }

    public required int Version { get; init; }

    /// <summary>An instance name, or <c>*</c>: the default an instance-scoped workflow with the same id overrides.</summary>
    public string Scope { get; init; } = AnyInstance;

    public string? Description { get; init; }

    /// <summary>Lowest and highest <see cref="Precedence"/>.</summary>
    public const int MinPrecedence = -1000;

    /// <inheritdoc cref="MinPrecedence"/>
    public const int MaxPrecedence = 1000;

    /// <summary>
    /// The workflow's place in its instance's order (<see cref="WorkflowPrecedence"/>): higher first, ties by id. A
    /// <see cref="StopStep.StopsLower"/> stop that ends its run keeps every workflow of lower precedence from running for the event.
    /// </summary>
    public int Precedence { get; init; }

    public required WorkflowTrigger Trigger { get; init; }

    /// <summary>Named contact lists usable in conditions as <c>list('name')</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public required IReadOnlyList<WorkflowStep> Steps { get; init; }

    /// <summary>Every step, nested ones included, in document order.</summary>
    public IEnumerable<WorkflowStep> AllSteps => Flatten(Steps);

    public WorkflowStep? FindStep(string id) => AllSteps.FirstOrDefault(s => s.Id == id);

    private static IEnumerable<WorkflowStep> Flatten(IEnumerable<WorkflowStep> steps)
    {
        foreach (var step in steps)
        {
            yield return step;
            if (step is BranchStep branch)
            {
                foreach (var inner in Flatten(branch.Then).Concat(Flatten(branch.Else)))
                {
                    yield return inner;
                }
            }
        }
    }
}

/// <summary>Which events start the workflow: all lists must match (an empty list matches anything), then <see cref="When"/>.</summary>
public sealed record WorkflowTrigger
{
    public IReadOnlyList<string> EventKinds { get; init; } = [];

    public IReadOnlyList<string> ContentTypes { get; init; } = [];

    public WorkflowExpression? When { get; init; }
}

/// <summary>A step: an action call, an if/then/else branch, or a stop.</summary>
public abstract record WorkflowStep
{
    public required string Id { get; init; }

    /// <summary>Where the step's id is written.</summary>
    public SourcePosition Position { get; init; }

    /// <summary>Skips the step (status skipped) when false. Not on branch steps (they have <c>if</c>).</summary>
    public WorkflowExpression? When { get; init; }

    /// <summary>Where to continue after this step ran (a forward jump; loops are rejected).</summary>
    public string? Next { get; init; }

    public SourcePosition NextPosition { get; init; }
}

/// <summary>Calls an action: optional delay (<see cref="After"/>/<see cref="Unless"/>), the call with retries and fallback providers, optional wait.</summary>
public sealed record ActionStep : WorkflowStep
{
    /// <summary>The action id as written (may be the dotted <c>guard.contact_override.vip</c> form).</summary>
    public required string Action { get; init; }

    public SourcePosition ActionPosition { get; init; }

    /// <summary>Null only while a workflow with errors is being validated.</summary>
    public ResolvedAction? Resolved { get; init; }

    public IReadOnlyList<ParameterValue> With { get; init; } = [];

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>The fallback chain for this step: the step's own <c>providers</c>, else the action's default chain; empty when the action has none.</summary>
    public IReadOnlyList<string> Providers { get; init; } = [];

    /// <summary>A condition over <c>output</c>; a result that fails it counts as a failure of that provider.</summary>
    public WorkflowExpression? Check { get; init; }

    /// <summary>Delay before the call, from the time the step is reached.</summary>
    public TimeSpan? After { get; init; }

    /// <summary>Evaluated when the delay ends (or when the contact replies first); true skips the step.</summary>
    public WorkflowExpression? Unless { get; init; }

    /// <summary>After the call, wait for an external event, bounded by a timeout.</summary>
    public WaitFor? WaitFor { get; init; }

    /// <summary>When true a permanently failed step does not fail the run.</summary>
    public bool ContinueOnError { get; init; }

    public ActionCategory? Category => Resolved?.Descriptor.Category;

    public bool IsGuard => Category == ActionCategory.Guard;
}

/// <summary>Runs <see cref="Then"/> when <see cref="If"/> holds, else <see cref="Else"/>, then continues after the branch.</summary>
public sealed record BranchStep : WorkflowStep
{
    public required WorkflowExpression If { get; init; }

    public IReadOnlyList<WorkflowStep> Then { get; init; } = [];

    public IReadOnlyList<WorkflowStep> Else { get; init; } = [];
}

/// <summary>Ends the run with outcome skipped and the reason (conditionally, with <c>when</c>).</summary>
public sealed record StopStep : WorkflowStep
{
    public required string Reason { get; init; }

    /// <summary>
    /// <c>stop_lower: true</c>: when this stop ends the run, the workflows of lower precedence do not run for the event
    /// (a gate). Allowed only on the leading stop steps of a workflow, so it is decided from the event alone.
    /// </summary>
    public bool StopsLower { get; init; }
}

/// <summary>A parameter value: JSON, and for string parameters the parsed template.</summary>
public sealed record ParameterValue(string Name, JsonElement Value, Template? Template, SourcePosition Position);

/// <summary>Wait for the external event <see cref="Event"/>, at most <see cref="Timeout"/>.</summary>
public sealed record WaitFor(string Event, TimeSpan Timeout);

/// <summary>Per-step retry policy for transient failures, applied by the host per provider (Durable RetryPolicy).</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan FirstDelay, double Backoff, TimeSpan MaxDelay)
{
    /// <summary>3 attempts, 5 s first delay, doubling, at most 1 min.</summary>
    public static RetryPolicy Default { get; } = new(3, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(1));
}
