using System.Text.RegularExpressions;

namespace Omni.Engine.Workflows.Actions;

/// <summary>An action id resolved against the registry: the descriptor and, for the dotted form, its label.</summary>
public sealed record ResolvedAction(ActionDescriptor Descriptor, string? Label);

/// <summary>The actions workflows may use. Immutable; build one from descriptors (the built-ins plus any custom ones).</summary>
public sealed partial class ActionRegistry
{
    private readonly Dictionary<string, ActionDescriptor> _byId;

    public ActionRegistry(IEnumerable<ActionDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        _byId = new Dictionary<string, ActionDescriptor>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            if (!IdPattern().IsMatch(descriptor.Id) || !ActionCategories.TryFromActionId(descriptor.Id, out _))
            {
                throw new ArgumentException($"'{descriptor.Id}' is not a valid action id (<category>.<name>[.<name>...], lower case).", nameof(descriptors));
            }

            if (!_byId.TryAdd(descriptor.Id, descriptor))
            {
                throw new ArgumentException($"action '{descriptor.Id}' is registered twice", nameof(descriptors));
            }
        }

        Actions = [.. _byId.Values.OrderBy(d => d.Category).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>The built-in actions (see <see cref="BuiltInActions"/>).</summary>
    public static ActionRegistry Default { get; } = new(BuiltInActions.All);

    /// <summary>All descriptors, by category then id.</summary>
    public IReadOnlyList<ActionDescriptor> Actions { get; }

    /// <summary>A new registry with more descriptors (custom actions).</summary>
    public ActionRegistry With(params ActionDescriptor[] descriptors) => new(Actions.Concat(descriptors));

    /// <summary>Resolves <c>route.reply</c> or the dotted form <c>guard.contact_override.vip</c>.</summary>
    public ResolvedAction? Resolve(string actionId)
    {
        ArgumentNullException.ThrowIfNull(actionId);
        if (_byId.TryGetValue(actionId, out var exact))
        {
            return new ResolvedAction(exact, null);
        }

        var dot = actionId.LastIndexOf('.');
        if (dot > 0 && _byId.TryGetValue(actionId[..dot], out var labelled) && labelled.LabelParameter is not null && LabelPattern().IsMatch(actionId[(dot + 1)..]))
        {
            return new ResolvedAction(labelled, actionId[(dot + 1)..]);
        }

        return null;
    }

    [GeneratedRegex("^[a-z]+(\\.[a-z0-9_]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9_-]+$", RegexOptions.CultureInvariant)]
    internal static partial Regex LabelPattern();
}
