using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Workflows.Explaining;

/// <summary>
/// Why a workflow's trigger did or did not match an event, with what it saw: each filter with its list and the event's
/// value, and the <c>when</c> expression with every name it read and the value it got (and the contact lists it looked in).
/// Pure: the same check <see cref="WorkflowCatalog.Triggers"/> makes, written down.
/// </summary>
public sealed record TriggerCheck
{
    public required bool Matched { get; init; }

    /// <summary>The trigger's <c>event_kinds</c> (empty: any).</summary>
    public required IReadOnlyList<string> EventKinds { get; init; }

    public required string EventKind { get; init; }

    /// <summary>Null when the trigger has no kind filter.</summary>
    public bool? EventKindMatched { get; init; }

    /// <summary>The trigger's <c>content_types</c> (empty: any).</summary>
    public required IReadOnlyList<string> ContentTypes { get; init; }

    public required string ContentType { get; init; }

    /// <summary>Null when the trigger has no content type filter.</summary>
    public bool? ContentTypeMatched { get; init; }

    /// <summary>The <c>when</c> expression as written; null when the trigger has none.</summary>
    public string? When { get; init; }

    /// <summary>Null when there is no <c>when</c>, or the filters already failed (it was not evaluated).</summary>
    public bool? WhenHeld { get; init; }

    /// <summary>The names <c>when</c> read, in order, with the values it saw (JSON).</summary>
    public IReadOnlyDictionary<string, JsonElement>? WhenValues { get; init; }

    /// <summary>The contact lists <c>when</c> looked in (<c>list('vip')</c>) with their entries.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? WhenLists { get; init; }

    /// <summary>Set when <c>when</c> failed to evaluate (the trigger then does not match).</summary>
    public string? WhenError { get; init; }

    /// <summary>Checks <paramref name="definition"/>'s trigger against <paramref name="evt"/> (agrees with <see cref="WorkflowCatalog.Triggers"/>).</summary>
    public static TriggerCheck Of(WorkflowDefinition definition, OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(evt);
        var trigger = definition.Trigger;
        bool? kind = trigger.EventKinds.Count > 0 ? trigger.EventKinds.Contains(evt.EventKind) : null;
        bool? content = trigger.ContentTypes.Count > 0 ? trigger.ContentTypes.Contains(evt.ContentType) : null;
        var check = new TriggerCheck
        {
            Matched = false,
            EventKinds = trigger.EventKinds,
            EventKind = evt.EventKind,
            EventKindMatched = kind,
            ContentTypes = trigger.ContentTypes,
            ContentType = evt.ContentType,
            ContentTypeMatched = content,
            When = trigger.When?.Source,
        };
        if (kind == false || content == false)
        {
            return check;
        }

        if (trigger.When is null)
        {
            return check with { Matched = true };
        }

        var seen = new RecordingContext(definition, evt);
        try
        {
            var held = trigger.When.Evaluate(seen);
            return check with { Matched = held, WhenHeld = held, WhenValues = seen.Values, WhenLists = seen.Lists };
        }
        catch (ExpressionException e)
        {
            return check with { WhenHeld = false, WhenValues = seen.Values, WhenLists = seen.Lists, WhenError = e.Message };
        }
    }

    /// <summary>The event's fields and the workflow's lists, noting each one read.</summary>
    private sealed class RecordingContext(WorkflowDefinition definition, OmniEvent evt) : IExpressionContext
    {
        public Dictionary<string, JsonElement> Values { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IReadOnlyList<string>> Lists { get; } = new(StringComparer.Ordinal);

        public bool TryResolve(string name, out object? value)
        {
            var found = EventFields.TryRead(evt, name, out value);
            if (found)
            {
                Values.TryAdd(name, ToJson(value));
            }

            return found;
        }

        public IReadOnlyList<string>? ResolveList(string name)
        {
            var list = definition.Lists.GetValueOrDefault(name);
            if (list is not null)
            {
                Lists.TryAdd(name, list);
            }

            return list;
        }

        private static JsonElement ToJson(object? value) => value switch
        {
            JsonElement element => element.Clone(),
            _ => JsonSerializer.SerializeToElement(value, Json.OmniJson.Options),
        };
    }
}
