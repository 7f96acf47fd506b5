using System.Globalization;

namespace Omni.Engine.Workflows.Shadow;

/// <summary>A side-effect step: what the live version performed, or what the candidate would perform.</summary>
public sealed record ShadowAction(string StepId, string ActionId);

/// <summary>What the live version did for one event: its run (null when it had none), outcome and the side effects it performed.</summary>
public sealed record ShadowLive(string? RunId, int? Version, string? Outcome, IReadOnlyList<ShadowAction> Performed)
{
    public static ShadowLive None { get; } = new(null, null, null, []);
}

/// <summary>What the candidate would do for one event: its outcome (<c>not_triggered</c> when its trigger does not match) and planned side effects.</summary>
public sealed record ShadowPlanned(string Outcome, string? Reason, IReadOnlyList<ShadowAction> Planned)
{
    public const string NotTriggered = "not_triggered";

    public static ShadowPlanned Untriggered { get; } = new(NotTriggered, null, []);
}

/// <summary>
/// One event of the window where the live version and the candidate differ in the side effects they perform:
/// <see cref="Added"/> (the candidate would, the live version did not) and <see cref="Removed"/> (the reverse), as action
/// ids. <see cref="Notes"/> say where an output was assumed rather than recorded or evaluated.
/// </summary>
public sealed record ShadowEventChange(
    string EventId,
    DateTimeOffset At,
    string? SenderHandle,
    ShadowLive Live,
    ShadowPlanned Shadow,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Notes);

/// <summary>Per action id over the window: side effects performed live, planned by the candidate, and the difference both ways.</summary>
public sealed record ShadowTotal(string ActionId, int Performed, int Planned, int Added, int Removed);

/// <summary>
/// The pure half of shadow replay: compares what the live version performed with what the candidate plans, per event,
/// and sums it up. Side effects are compared as multisets of action ids (which step performs them does not matter).
/// </summary>
public static class ShadowDiff
{
    /// <summary>What <paramref name="shadow"/> adds to and removes from <paramref name="live"/>, in action id order.</summary>
    public static (IReadOnlyList<string> Added, IReadOnlyList<string> Removed) Compare(ShadowLive live, ShadowPlanned shadow)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(shadow);
        var performed = live.Performed.Select(a => a.ActionId).ToList();
        var planned = shadow.Planned.Select(a => a.ActionId).ToList();
        return (Minus(planned, performed), Minus(performed, planned));
    }

    /// <summary>Adds one event's comparison to <paramref name="totals"/> (keyed by action id).</summary>
    public static void Tally(IDictionary<string, ShadowTotal> totals, ShadowLive live, ShadowPlanned shadow)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var (added, removed) = Compare(live, shadow);
        var ids = live.Performed.Select(a => a.ActionId).Concat(shadow.Planned.Select(a => a.ActionId)).Distinct(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var t = totals.TryGetValue(id, out var found) ? found : new ShadowTotal(id, 0, 0, 0, 0);
            totals[id] = t with
            {
                Performed = t.Performed + live.Performed.Count(a => a.ActionId == id),
                Planned = t.Planned + shadow.Planned.Count(a => a.ActionId == id),
                Added = t.Added + added.Count(a => a == id),
                Removed = t.Removed + removed.Count(a => a == id),
            };
        }
    }

    /// <summary>One line for people: <c>+42 replies, −3 escalations</c>; <c>no change</c> when nothing differs.</summary>
    public static string Summary(IEnumerable<ShadowTotal> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var parts = new List<string>();
        foreach (var t in totals.OrderBy(t => t.ActionId, StringComparer.Ordinal))
        {
            if (t.Added > 0)
            {
                parts.Add($"+{t.Added.ToString(CultureInfo.InvariantCulture)} {Noun(t.ActionId, t.Added)}");
            }

            if (t.Removed > 0)
            {
                parts.Add($"\u2212{t.Removed.ToString(CultureInfo.InvariantCulture)} {Noun(t.ActionId, t.Removed)}");
            }
        }

        return parts.Count == 0 ? "no change" : string.Join(", ", parts);
    }

    /// <summary>What people call a side effect of <paramref name="actionId"/>, in the plural unless one; the id itself for others.</summary>
    public static string Noun(string actionId, int count)
    {
        ArgumentNullException.ThrowIfNull(actionId);
        var (one, many) = actionId switch
        {
            "route.reply" => ("reply", "replies"),
            "route.escalate.human" => ("escalation", "escalations"),
            "route.forward.cross_channel" => ("forward", "forwards"),
            "meta.notify.webhook" => ("notification", "notifications"),
            _ => (actionId, actionId),
        };
        return count == 1 ? one : many;
    }

    private static List<string> Minus(List<string> left, List<string> right)
    {
        var rest = right.ToList();
        var result = new List<string>();
        foreach (var item in left)
        {
            if (!rest.Remove(item))
            {
                result.Add(item);
            }
        }

        return [.. result.Order(StringComparer.Ordinal)];
    }
}
