using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Omni.Engine.Workflows.Expressions;

/// <summary>What names mean while an expression is evaluated.</summary>
public interface IExpressionContext
{
    /// <summary>Resolves a bare name (event field, <c>steps</c>, <c>output</c>, <c>replied</c>).</summary>
    bool TryResolve(string name, out object? value);

    /// <summary>The workflow's named list for <c>list('name')</c>, or null.</summary>
    IReadOnlyList<string>? ResolveList(string name);
}

/// <summary>
/// Evaluates parsed expressions. Values are null, bool, double, string, lists (<see cref="IReadOnlyList{T}"/> of values),
/// maps (<see cref="IReadOnlyDictionary{TKey,TValue}"/>) and <see cref="JsonElement"/> (step outputs and event payloads).
/// Member access on null or on a missing member is null. Comparisons never coerce types.
/// </summary>
public static class ExpressionEvaluator
{
    /// <summary>
    /// <c>matches</c> uses the linear-time non-backtracking regex engine, so a match is bounded by the input length;
    /// this timeout is a second fence that should never be reached.
    /// </summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    public const RegexOptions RegexFlags = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    public static object? Evaluate(ExpressionNode node, IExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        return Eval(node, context);
    }

    public static bool EvaluateCondition(ExpressionNode node, IExpressionContext context) => IsTruthy(Evaluate(node, context));

    /// <summary>false, null, 0, "" and empty lists are false; everything else is true.</summary>
    public static bool IsTruthy(object? value) => Normalize(value) switch
    {
        null => false,
        bool b => b,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        JsonElement { ValueKind: JsonValueKind.Array } array => array.GetArrayLength() > 0,
        _ => true,
    };

    /// <summary>How a value is written into a template: null is empty, numbers are invariant, JSON is compact JSON.</summary>
    public static string ToText(object? value) => Normalize(value) switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        // Stryker disable once String : equivalent, on .NET Core 3.0+ "R" and the default format both give the shortest round-trip text
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        JsonElement element => element.GetRawText(),
        IReadOnlyList<object?> list => string.Join(", ", list.Select(ToText)),
        var other => other.ToString() ?? string.Empty,
    };

    private static object? Eval(ExpressionNode node, IExpressionContext context)
    {
        switch (node)
        {
            case LiteralNode literal:
                return literal.Value;
            case NameNode name:
                return context.TryResolve(name.Name, out var value)
                    ? Normalize(value)
                    : throw new ExpressionException($"unknown name '{name.Name}'", name.Offset);
            case MemberNode member:
                return Member(Eval(member.Target, context), member.Member);
            case IndexNode index:
                return Index(Eval(index.Target, context), Eval(index.Index, context));
            case NotNode not:
                return !IsTruthy(Eval(not.Operand, context));
            case ListNode list:
                return list.Items.Select(item => Eval(item, context)).ToList();
            case CallNode call when call.Function == "list" && call.Arguments is [LiteralNode { Value: string listName }]:
                return context.ResolveList(listName)?.Cast<object?>().ToList()
                    ?? throw new ExpressionException($"unknown list '{listName}'", call.Offset);
            case CallNode call:
                throw new ExpressionException($"unknown function '{call.Function}' (the only function is list('name'))", call.Offset);
            case BinaryNode { Operator: BinaryOperator.And } and:
                return IsTruthy(Eval(and.Left, context)) && IsTruthy(Eval(and.Right, context));
            case BinaryNode { Operator: BinaryOperator.Or } or:
                return IsTruthy(Eval(or.Left, context)) || IsTruthy(Eval(or.Right, context));
            case BinaryNode binary:
                return Compare(binary, Eval(binary.Left, context), Eval(binary.Right, context));
            default:
                throw new ExpressionException($"unsupported expression node {node.GetType().Name}", node.Offset);
        }
    }

    private static bool Compare(BinaryNode node, object? left, object? right)
    {
        switch (node.Operator)
        {
            case BinaryOperator.Equal:
                return ValuesEqual(left, right);
            case BinaryOperator.NotEqual:
                return !ValuesEqual(left, right);
            case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
            {
                int? order = (left, right) switch
                {
                    (double a, double b) => a.CompareTo(b),
                    (string a, string b) => string.CompareOrdinal(a, b),
                    _ => null,
                };
                return order is { } o && node.Operator switch
                {
                    BinaryOperator.Less => o < 0,
                    BinaryOperator.LessOrEqual => o <= 0,
                    BinaryOperator.Greater => o > 0,
                    _ => o >= 0,
                };
            }

            case BinaryOperator.In:
                return Items(right)?.Any(item => ValuesEqual(left, item)) ?? false;
            case BinaryOperator.Contains:
                return left switch
                {
                    string text => right is string part && text.Contains(part, StringComparison.Ordinal),
                    _ => Items(left)?.Any(item => ValuesEqual(item, right)) ?? false,
                };
            case BinaryOperator.StartsWith:
                return left is string s1 && right is string p1 && s1.StartsWith(p1, StringComparison.Ordinal);
            case BinaryOperator.EndsWith:
                return left is string s2 && right is string p2 && s2.EndsWith(p2, StringComparison.Ordinal);
            case BinaryOperator.Matches:
                if (left is not string input)
                {
                    return false;
                }

                if (right is not string pattern)
                {
                    throw new ExpressionException("'matches' needs a string pattern on its right", node.Offset);
                }

                try
                {
                    return Regex.IsMatch(input, pattern, RegexFlags, RegexTimeout);
                }
                catch (ArgumentException e)
                {
                    throw new ExpressionException($"invalid regular expression: {e.Message}", node.Offset);
                }
                catch (NotSupportedException e)
                {
                    throw new ExpressionException($"unsupported regular expression: {e.Message}", node.Offset);
                }
                catch (RegexMatchTimeoutException)
                {
                    throw new ExpressionException($"the regular expression timed out after {RegexTimeout.TotalSeconds} s", node.Offset);
                }

            default:
                throw new ExpressionException($"unsupported operator {node.Operator}", node.Offset);
        }
    }

    private static List<object?>? Items(object? value) => value switch
    {
        IReadOnlyList<object?> list => [.. list],
        JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(e => Normalize(e))],
        _ => null,
    };

    private static bool ValuesEqual(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (double a, double b) => a.Equals(b),
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (bool a, bool b) => a == b,
        (JsonElement a, JsonElement b) => JsonElement.DeepEquals(a, b),
        _ when Items(left) is { } l && Items(right) is { } r => l.Count == r.Count && l.Zip(r).All(pair => ValuesEqual(pair.First, pair.Second)),
        _ => false,
    };

    private static object? Member(object? target, string member) => target switch
    {
        IReadOnlyDictionary<string, object?> map => map.TryGetValue(member, out var value) ? Normalize(value) : null,
        JsonElement { ValueKind: JsonValueKind.Object } element => element.TryGetProperty(member, out var property) ? Normalize(property) : null,
        _ => null,
    };

    private static object? Index(object? target, object? index) => (target, index) switch
    {
        (_, string name) => Member(target, name),
        (IReadOnlyList<object?> list, double i) when i >= 0 && i < list.Count && i == Math.Floor(i) => list[(int)i],
        (JsonElement { ValueKind: JsonValueKind.Array } array, double i) when i >= 0 && i < array.GetArrayLength() && i == Math.Floor(i) => Normalize(array[(int)i]),
        _ => null,
    };

    /// <summary>Maps CLR and JSON scalars onto the language's value types.</summary>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        JsonElement element => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => element,
        },
        int i => (double)i,
        long l => (double)l,
        float f => (double)f,
        decimal m => (double)m,
        DateTimeOffset time => Json.OmniJson.FormatTime(time),
        IEnumerable<string> strings when value is not string => strings.Cast<object?>().ToList(),
        _ => value,
    };
}
