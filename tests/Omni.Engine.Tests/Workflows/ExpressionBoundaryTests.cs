using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Expressions;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// The expression language at its edges: every comparison at equality and on both sides of it, values of different
/// types, truthiness of every value type, indexes at and beyond the bounds, and the CLR values names resolve to.
/// </summary>
public class ExpressionBoundaryTests
{
    private sealed class Context(Dictionary<string, object?> names) : IExpressionContext
    {
        public bool TryResolve(string name, out object? value) =>
            names.TryGetValue(name, out value) || EventFields.TryRead(Message(text: "Hello World"), name, out value);

        public IReadOnlyList<string>? ResolveList(string name) => name == "vip" ? ["a", "b"] : null;
    }

    private static readonly Dictionary<string, object?> Names = new()
    {
        ["xs"] = new List<object?> { 10.0, 20.0, 30.0 },
        ["arr"] = ToJson(new[] { 1, 2 }),
        ["empty_arr"] = ToJson(Array.Empty<int>()),
        ["obj"] = ToJson(new { k = 1 }),
        ["same_obj"] = ToJson(new { k = 1 }),
        ["other_obj"] = ToJson(new { k = 2 }),
        ["empty_map"] = new Dictionary<string, object?>(),
        ["map"] = new Dictionary<string, object?> { ["k"] = 1 },
        ["i"] = 5,
        ["l"] = 5L,
        ["f"] = 2.5f,
        ["m"] = 2.5m,
        ["t"] = new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.FromHours(-3)),
        ["tags"] = new[] { "a", "b" },
        ["word"] = "abc",
        ["nothing"] = null,
        ["set"] = new HashSet<string> { "a" },
    };

    private static bool Eval(string source) => WorkflowExpression.Parse(source).Evaluate(new Context(Names));

    [Theory]
    [InlineData("1 < 1", false)]
    [InlineData("1 < 2", true)]
    [InlineData("2 < 1", false)]
    [InlineData("1 <= 1", true)]
    [InlineData("1 <= 2", true)]
    [InlineData("2 <= 1", false)]
    [InlineData("1 > 1", false)]
    [InlineData("2 > 1", true)]
    [InlineData("1 > 2", false)]
    [InlineData("1 >= 1", true)]
    [InlineData("2 >= 1", true)]
    [InlineData("1 >= 2", false)]
    [InlineData("'a' < 'a'", false)]
    [InlineData("'a' < 'b'", true)]
    [InlineData("'a' <= 'a'", true)]
    [InlineData("'b' <= 'a'", false)]
    [InlineData("'a' > 'a'", false)]
    [InlineData("'b' > 'a'", true)]
    [InlineData("'a' >= 'a'", true)]
    [InlineData("'a' >= 'b'", false)]
    [InlineData("'B' < 'a'", true)]
    public void Compare_AtAndAroundEquality(string source, bool expected) => Assert.Equal(expected, Eval(source));

    [Theory]
    [InlineData("1 < '2'")]
    [InlineData("1 <= '1'")]
    [InlineData("'1' >= 1")]
    [InlineData("'2' > 1")]
    [InlineData("null < 1")]
    [InlineData("true >= true")]
    public void Compare_DifferentOrUnorderedTypes_IsFalseEitherWay(string source) => Assert.False(Eval(source));

    [Theory]
    [InlineData("null == null", true)]
    [InlineData("null != null", false)]
    [InlineData("nothing == null", true)]
    [InlineData("null == 0", false)]
    [InlineData("0 == null", false)]
    [InlineData("'' == null", false)]
    [InlineData("null != ''", true)]
    [InlineData("true == true", true)]
    [InlineData("true == false", false)]
    [InlineData("true != false", true)]
    [InlineData("1 == 1.0", true)]
    [InlineData("1 == 2", false)]
    [InlineData("'a' == 'A'", false)]
    [InlineData("true == 1", false)]
    [InlineData("[1, 2] == [1, 2]", true)]
    [InlineData("[1, 2] == [1]", false)]
    [InlineData("[1] == [1, 2]", false)]
    [InlineData("[1, 2] == [2, 1]", false)]
    [InlineData("[1] == 1", false)]
    [InlineData("arr == [1, 2]", true)]
    [InlineData("arr == [1, 3]", false)]
    [InlineData("obj == same_obj", true)]
    [InlineData("obj == other_obj", false)]
    [InlineData("obj != other_obj", true)]
    public void Equality_ByValueAndType(string source, bool expected) => Assert.Equal(expected, Eval(source));

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("-1", true)]
    [InlineData("''", false)]
    [InlineData("' '", true)]
    [InlineData("[]", false)]
    [InlineData("[0]", true)]
    [InlineData("null", false)]
    [InlineData("nothing", false)]
    [InlineData("empty_map", false)]
    [InlineData("map", true)]
    [InlineData("empty_arr", false)]
    [InlineData("arr", true)]
    [InlineData("obj", true)]
    [InlineData("!0", true)]
    [InlineData("!''", true)]
    [InlineData("!arr", false)]
    [InlineData("0 || ''", false)]
    [InlineData("1 && 'x'", true)]
    [InlineData("1 && ''", false)]
    public void Truthiness_OfEveryValueType(string source, bool expected) => Assert.Equal(expected, Eval(source));

    [Theory]
    [InlineData("xs[0] == 10", true)]
    [InlineData("xs[2] == 30", true)]
    [InlineData("xs[3] == null", true)]
    [InlineData("xs[-1] == null", true)]
    [InlineData("xs[1.5] == null", true)]
    [InlineData("arr[0] == 1", true)]
    [InlineData("arr[1] == 2", true)]
    [InlineData("arr[2] == null", true)]
    [InlineData("arr[-1] == null", true)]
    [InlineData("arr[0.5] == null", true)]
    [InlineData("word[0] == null", true)]
    [InlineData("obj['k'] == 1", true)]
    [InlineData("obj.k == 1", true)]
    [InlineData("obj.missing == null", true)]
    [InlineData("map.k == 1", true)]
    [InlineData("map.missing == null", true)]
    [InlineData("xs.k == null", true)]
    [InlineData("xs['k'] == null", true)]
    [InlineData("arr.k == null", true)]
    public void Index_AtAndBeyondTheBounds(string source, bool expected) => Assert.Equal(expected, Eval(source));

    [Theory]
    [InlineData("i == 5", true)]
    [InlineData("l == 5", true)]
    [InlineData("f == 2.5", true)]
    [InlineData("m == 2.5", true)]
    [InlineData("t == '2026-11-23T20:00:00.000Z'", true)]
    [InlineData("'a' in tags", true)]
    [InlineData("'c' in tags", false)]
    [InlineData("'a' in set", true)]
    [InlineData("'a' in word", false)]
    [InlineData("2 in arr", true)]
    [InlineData("3 in arr", false)]
    [InlineData("'a' in list('vip')", true)]
    [InlineData("arr contains 2", true)]
    [InlineData("arr contains 3", false)]
    [InlineData("word contains 'bc'", true)]
    [InlineData("word contains 1", false)]
    [InlineData("1 contains 1", false)]
    [InlineData("word starts_with 'ab'", true)]
    [InlineData("word starts_with 'bc'", false)]
    [InlineData("1 starts_with '1'", false)]
    [InlineData("word starts_with 1", false)]
    [InlineData("word ends_with 'bc'", true)]
    [InlineData("word ends_with 'ab'", false)]
    [InlineData("1 ends_with '1'", false)]
    [InlineData("word ends_with 1", false)]
    [InlineData("1 matches 'x'", false)]
    public void Values_ResolveToTheLanguagesTypes(string source, bool expected) => Assert.Equal(expected, Eval(source));

    [Theory]
    [InlineData("word matches 1", "'matches' needs a string pattern on its right")]
    [InlineData("word matches '('", "invalid regular expression")]
    [InlineData("word matches '(a)\\1'", "unsupported regular expression")]
    [InlineData("list('nope') == null", "unknown list 'nope'")]
    [InlineData("list(word) == null", "unknown function 'list' (the only function is list('name'))")]
    [InlineData("upper(word) == 'ABC'", "unknown function 'upper'")]
    public void Evaluate_Errors_SayWhatIsWrong(string source, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => Eval(source));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    [InlineData(0.1, "0.1")]
    [InlineData("x", "x")]
    public void ToText_Scalars(object? value, string expected) => Assert.Equal(expected, ExpressionEvaluator.ToText(value));

    [Fact]
    public void ToText_ListsJoinedAndJsonCompact()
    {
        Assert.Equal("a, 1, true", ExpressionEvaluator.ToText(new List<object?> { "a", 1.0, true }));
        Assert.Equal("""{"k":1}""", ExpressionEvaluator.ToText(Names["obj"]));
        Assert.Equal("2026-11-23T20:00:00.000Z", ExpressionEvaluator.ToText(Names["t"]));
    }

    private sealed record UnknownNode(int Offset) : ExpressionNode(Offset);

    [Fact]
    public void Evaluate_NodesAndOperatorsItDoesNotKnow_Refused()
    {
        var context = new Context(Names);
        Assert.Equal("unsupported expression node UnknownNode",
            Assert.Throws<ExpressionException>(() => ExpressionEvaluator.Evaluate(new UnknownNode(0), context)).Message);
        var odd = new BinaryNode((BinaryOperator)99, new LiteralNode(1.0, 0), new LiteralNode(1.0, 0), 0);
        Assert.Equal("unsupported operator 99", Assert.Throws<ExpressionException>(() => ExpressionEvaluator.Evaluate(odd, context)).Message);
    }

    [Fact]
    public void ToText_OtherValues_TheirOwnText() =>
        Assert.Equal("https://a.example/", ExpressionEvaluator.ToText(new Uri("https://a.example/")));

    [Fact]
    public void Evaluate_NullArguments_Refused()
    {
        var context = new Context(Names);
        Assert.Throws<ArgumentNullException>(() => ExpressionEvaluator.Evaluate(null!, context));
        Assert.Throws<ArgumentNullException>(() => ExpressionEvaluator.Evaluate(new LiteralNode(true, 0), null!));
    }

    [Fact]
    public void AndOr_ShortCircuit_RightSideNotEvaluated()
    {
        Assert.False(Eval("false && unknown_name"));
        Assert.True(Eval("true || unknown_name"));
    }
}
