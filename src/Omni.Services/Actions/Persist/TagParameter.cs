using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Services.Actions.Persist;

/// <summary>Reads a list-of-tags parameter (<c>persist.tagging</c>'s and <c>meta.analytics.log</c>'s <c>tags</c>) under <see cref="Tags"/>' rule.</summary>
public static class TagParameter
{
    /// <summary>
    /// The tags, normalized, without repeats, in the order given: a list, or one text of comma-separated tags (what a
    /// template renders). A tag that breaks the rule, or more than <see cref="Tags.MaxPerStep"/>, fail the step for good.
    /// </summary>
    public static IReadOnlyList<string> Read(ActionInvocation invocation, string name, bool required)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        IEnumerable<string?> raw = invocation.GetElement(name) switch
        {
            null => [],
            { ValueKind: JsonValueKind.Array } list => list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()),
            { ValueKind: JsonValueKind.String } text => (text.GetString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            _ => throw new PermanentActionException($"{invocation.ActionId}: {name} must be a list of tags."),
        };
        var tags = new List<string>();
        foreach (var given in raw.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            var tag = Tags.Normalize(given) ?? throw new PermanentActionException(
                $"{invocation.ActionId}: the tag '{(given!.Length > 80 ? given[..80] + "…" : given)}' is not valid: a tag is {Tags.Rule}.");
            if (!tags.Contains(tag, StringComparer.Ordinal))
            {
                tags.Add(tag);
            }
        }

        if (tags.Count > Tags.MaxPerStep)
        {
            throw new PermanentActionException($"{invocation.ActionId}: at most {Tags.MaxPerStep} tags per step ({tags.Count} given).");
        }

        return required && tags.Count == 0
            ? throw new PermanentActionException($"{invocation.ActionId}: the parameter '{name}' needs at least one tag.")
            : tags;
    }
}
