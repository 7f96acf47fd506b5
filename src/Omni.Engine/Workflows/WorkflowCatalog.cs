using Omni.Engine.Events;
using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Workflows;

/// <summary>
/// All stored workflow definitions and the two questions hosts ask of them: which workflows are in effect for an
/// instance (an instance-scoped workflow overrides the <c>*</c> default with the same id; within a scope the highest
/// version wins), and which of those an event triggers. Pure; rebuild it when definitions change (reload without restart).
/// </summary>
public sealed class WorkflowCatalog
{
    public WorkflowCatalog(IEnumerable<WorkflowDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        Definitions = [.. definitions];
        var duplicate = Definitions
            .GroupBy(d => (d.Id, d.Scope, d.Version))
            .FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"workflow '{duplicate.Key.Id}' version {duplicate.Key.Version} (scope {duplicate.Key.Scope}) is stored twice; stored versions are immutable", nameof(definitions));
        }
    }

    public IReadOnlyList<WorkflowDefinition> Definitions { get; }

    /// <summary>The effective workflows for <paramref name="instance"/>, one per id, ordered by id.</summary>
    public IReadOnlyList<WorkflowDefinition> EffectiveFor(string instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return [.. Definitions
            .Where(d => d.Scope == instance || d.Scope == WorkflowDefinition.AnyInstance)
            .GroupBy(d => d.Id, StringComparer.Ordinal)
            .Select(group => group
                .OrderByDescending(d => d.Scope == instance ? 1 : 0)
                .ThenByDescending(d => d.Version)
                .First())
            .OrderBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>The effective workflows of the event's instance whose trigger matches the event, in precedence order (<see cref="WorkflowPrecedence.Order"/>).</summary>
    public IReadOnlyList<WorkflowDefinition> Match(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return WorkflowPrecedence.Order(EffectiveFor(evt.Instance).Where(d => Triggers(d, evt)));
    }

    /// <summary>
    /// What the event's runs are: every workflow it triggers, in precedence order, each with the higher workflow's gate
    /// that stops it for this event, if any (<see cref="WorkflowPrecedence.Plan"/>).
    /// </summary>
    public IReadOnlyList<WorkflowStart> Plan(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return WorkflowPrecedence.Plan(Match(evt), evt);
    }

    /// <summary>
    /// True when the event's kind and content type are in the trigger's lists (an empty list allows any) and its
    /// <c>when</c> holds. A <c>when</c> that fails to evaluate does not match.
    /// </summary>
    public static bool Triggers(WorkflowDefinition definition, OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(evt);
        var trigger = definition.Trigger;
        if ((trigger.EventKinds.Count > 0 && !trigger.EventKinds.Contains(evt.EventKind))
            || (trigger.ContentTypes.Count > 0 && !trigger.ContentTypes.Contains(evt.ContentType)))
        {
            return false;
        }

        try
        {
            return trigger.When is null || trigger.When.Evaluate(new WorkflowPrecedence.EventContext(definition, evt));
        }
        catch (ExpressionException)
        {
            return false;
        }
    }
}
