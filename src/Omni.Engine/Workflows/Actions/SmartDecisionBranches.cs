using System.Text.Json;
using System.Text.RegularExpressions;

namespace Omni.Engine.Workflows.Actions;

/// <summary>One branch <c>workflow.smart_decision</c> may pick: its name and, when given, when to take it.</summary>
public sealed record DecisionBranch(string Name, string? Description);

/// <summary>
/// The <c>branches</c> of <c>workflow.smart_decision</c>: entries <c>name</c> or <c>name: when to take it</c>. One parser
/// for the validator (problems at load time) and the executor (the enum it sends to the model).
/// </summary>
public static partial class SmartDecisionBranches
{
    public const int MaxBranches = 20;

    /// <summary>The branches, or the problems that make the list unusable.</summary>
    public static (IReadOnlyList<DecisionBranch> Branches, IReadOnlyList<string> Problems) Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var branches = new List<DecisionBranch>();
        var problems = new List<string>();
        foreach (var entry in entries)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? entry : entry[..colon]).Trim();
            var description = colon < 0 ? null : entry[(colon + 1)..].Trim();
            if (!NamePattern().IsMatch(name))
            {
                problems.Add($"branch '{name}' must be a name of lower-case letters, digits, '_' or '-' starting with a letter (at most 64), optionally followed by ': description'");
            }
            else if (branches.Any(b => b.Name == name))
            {
                problems.Add($"branch '{name}' is declared twice");
            }
            else
            {
                branches.Add(new DecisionBranch(name, string.IsNullOrEmpty(description) ? null : description));
            }
        }

        if (problems.Count == 0 && branches.Count is < 2 or > MaxBranches)
        {
            problems.Add($"'branches' must declare between 2 and {MaxBranches} branches, not {branches.Count}");
        }

        return (branches, problems);
    }

    /// <summary>The validator's check (<see cref="ActionDescriptor.CheckParameters"/>): usable branches, and a literal fallback among them.</summary>
    public static IEnumerable<ParameterProblem> Check(IReadOnlyList<ParameterValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.FirstOrDefault(v => v.Name == "branches") is not { Value.ValueKind: JsonValueKind.Array } given)
        {
            yield break;
        }

        var (branches, problems) = Parse(given.Value.EnumerateArray().Select(e => e.GetString() ?? ""));
        foreach (var problem in problems)
        {
            yield return new ParameterProblem("branches", problem);
        }

        if (problems.Count == 0 && values.FirstOrDefault(v => v.Name == "fallback") is { } fallback && ParameterLiterals.Text(fallback) is { } name
            && branches.All(b => b.Name != name))
        {
            yield return new ParameterProblem("fallback", $"fallback '{name}' is not one of the branches ({string.Join(", ", branches.Select(b => b.Name))})");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
