using Omni.Engine.Events;
using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Workflows;

/// <summary>A workflow an event triggers, and whether a higher-precedence workflow's gate stopped it (<see cref="StoppedBy"/>).</summary>
public sealed record WorkflowStart(WorkflowDefinition Definition, StoppedBy? StoppedBy = null);

/// <summary>The gate that kept a workflow from running for an event: the higher workflow, its <c>stop_lower</c> step and reason.</summary>
public sealed record StoppedBy(string WorkflowId, int Version, string StepId, string Reason)
{
    /// <summary>The stopped run's reason, as its record and the audit show it.</summary>
    public string Describe() => $"stopped by workflow '{WorkflowId}' v{Version}, step '{StepId}': {Reason}";
}

/// <summary>
/// The order of an instance's workflows and the gates between them (docs/workflows.md, "Precedence"). Pure: which
/// workflows run for an event is a function of the event and the effective definitions, so every delivery of the event,
/// on either host and after any crash, decides the same.
/// <para>Order: <see cref="WorkflowDefinition.Precedence"/> descending, then id. A workflow whose leading stop steps end
/// its run at a <c>stop_lower</c> stop (its <c>when</c> reads the event and lists only, so it is known before anything
/// runs) is a gate: every triggered workflow of strictly lower precedence is stopped for that event. Workflows of the
/// same precedence are not stopped by each other. A gate that is itself stopped by a higher one stops nothing.</para>
/// </summary>
public static class WorkflowPrecedence
{
    /// <summary><paramref name="definitions"/> in their instance's order: precedence descending, then id (ordinal).</summary>
    public static IReadOnlyList<WorkflowDefinition> Order(IEnumerable<WorkflowDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return [.. definitions.OrderByDescending(d => d.Precedence).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The triggered workflows (<paramref name="triggered"/>, any order) in order, each with the gate that stopped it, if any.
    /// </summary>
    public static IReadOnlyList<WorkflowStart> Plan(IEnumerable<WorkflowDefinition> triggered, OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(triggered);
        ArgumentNullException.ThrowIfNull(evt);
        var plan = new List<WorkflowStart>();
        (StoppedBy By, int Precedence)? gate = null;
        foreach (var definition in Order(triggered))
        {
            if (gate is { } closed && definition.Precedence < closed.Precedence)
            {
                plan.Add(new WorkflowStart(definition, closed.By));
                continue;
            }

            plan.Add(new WorkflowStart(definition));
            if (gate is null && Gate(definition, evt) is { } stop)
            {
                gate = (new StoppedBy(definition.Id, definition.Version, stop.Id, stop.Reason), definition.Precedence);
            }
        }

        return plan;
    }

    /// <summary>
    /// The <c>stop_lower</c> stop that ends a run of <paramref name="definition"/> on <paramref name="evt"/> before anything
    /// runs, or null: the leading stop steps are evaluated in order, as the interpreter will; the first that holds ends the
    /// run, and it is a gate when it has <c>stop_lower</c>. A condition that fails to evaluate does not stop.
    /// </summary>
    public static StopStep? Gate(WorkflowDefinition definition, OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(evt);
        var context = new EventContext(definition, evt);
        foreach (var step in definition.Steps)
        {
            if (step is not StopStep stop)
            {
                return null;
            }

            bool holds;
            try
            {
                holds = stop.When is null || stop.When.Evaluate(context);
            }
            catch (ExpressionException)
            {
                return null;
            }

            if (holds)
            {
                return stop.StopsLower ? stop : null;
            }
        }

        return null;
    }

    /// <summary>Event fields and the workflow's lists: what a trigger and a gate may read.</summary>
    internal sealed class EventContext(WorkflowDefinition definition, OmniEvent evt) : IExpressionContext
    {
        public bool TryResolve(string name, out object? value) => EventFields.TryRead(evt, name, out value);

        public IReadOnlyList<string>? ResolveList(string name) => definition.Lists.GetValueOrDefault(name);
    }
}
