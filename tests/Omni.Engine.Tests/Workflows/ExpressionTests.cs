using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Expressions;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

public class ExpressionTests
{
    private sealed class Context(OmniEvent evt, Dictionary<string, object?>? extra = null) : IExpressionContext
    {
        public bool TryResolve(string name, out object? value)
        {
            if (extra is not null && extra.TryGetValue(name, out value))
            {
                return true;
            }

            return EventFields.TryRead(evt, name, out value);
        }

        public IReadOnlyList<string>? ResolveList(string name) =>
            name == "vip" ? ["5511999990001@s.whatsapp.net", "5511999990002@s.whatsapp.net"] : null;
    }

    private static readonly OmniEvent Event = Message(text: "Hello World") with { IsForwarded = true, MediaSizeBytes = 2048 };

    private static bool Eval(string source, Dictionary<string, object?>? extra = null) =>
        WorkflowExpression.Parse(source).Evaluate(new Context(Event, extra));

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("!from_me", true)]
    [InlineData("from_me", false)]
    [InlineData("is_forwarded && !is_group", true)]
    [InlineData("is_group || is_forwarded", true)]
    [InlineData("!(is_group || is_forwarded)", false)]
    [InlineData("channel == 'whatsapp'", true)]
    [InlineData("channel == \"whatsapp\"", true)]
    [InlineData("channel != 'discord'", true)]
    [InlineData("event_kind == 'message' && content_type == 'text'", true)]
    [InlineData("media_size_bytes > 1000", true)]
    [InlineData("media_size_bytes >= 2048", true)]
    [InlineData("media_size_bytes < 2048", false)]
    [InlineData("media_size_bytes <= 2048.0", true)]
    [InlineData("media_duration_seconds == null", true)]
    [InlineData("media_duration_seconds > 1", false)]
    [InlineData("'b' > 'a'", true)]
    [InlineData("1 == '1'", false)]
    [InlineData("text contains 'World'", true)]
    [InlineData("text contains 'world'", false)]
    [InlineData("text starts_with 'Hello'", true)]
    [InlineData("text ends_with 'World'", true)]
    [InlineData("text matches '(?i)^hello\\s+world$'", true)]
    [InlineData("text matches '^World'", false)]
    [InlineData("channel in ['discord', 'whatsapp']", true)]
    [InlineData("channel in ['discord', 'slack']", false)]
    [InlineData("sender in list('vip')", true)]
    [InlineData("sender_handle in list('vip') && !from_me", true)]
    [InlineData("['a', 'b'] contains 'b'", true)]
    [InlineData("sender_name == 'Ana'", true)]
    [InlineData("identity_id == null", true)]
    [InlineData("occurred_at starts_with '2026-11-23T17:00'", true)]
    [InlineData("text", true)]
    [InlineData("reaction_emoji", false)]
    [InlineData("-1 < 0", true)]
    [InlineData("true && false || true", true)]
    [InlineData("true && (false || false)", false)]
    public void Evaluate_ConditionTable_Expected(string source, bool expected)
    {
        Assert.Equal(expected, Eval(source));
    }

    [Theory]
    [InlineData("steps.ask-agent.output.text == 'hi'", true)]
    [InlineData("steps['ask-agent'].output.text == 'hi'", true)]
    [InlineData("steps['ask-agent'].output['text'] != ''", true)]
    [InlineData("steps.ask-agent.output.items[1] == 2", true)]
    [InlineData("steps.ask-agent.output.missing == null", true)]
    [InlineData("steps.never-ran.output.text == null", true)]
    [InlineData("steps.ask-agent.status == 'completed'", true)]
    public void Evaluate_StepReferences_ReadEarlierOutputs(string source, bool expected)
    {
        var steps = new Dictionary<string, object?>
        {
            ["ask-agent"] = new Dictionary<string, object?>
            {
                ["status"] = "completed",
                ["output"] = ToJson(new { text = "hi", items = new[] { 1, 2 } }),
            },
        };
        Assert.Equal(expected, Eval(source, new() { ["steps"] = steps }));
    }

    [Theory]
    [InlineData("a ==", 4, "expected a value")]
    [InlineData("(a == b", 7, "expected ')'")]
    [InlineData("a = b", 2, "did you mean '=='")]
    [InlineData("a & b", 2, "did you mean '&&'")]
    [InlineData("a and b", 2, "use '&&'")]
    [InlineData("a == b == c", 7, "comparisons do not chain")]
    [InlineData("'open", 0, "closing '")]
    [InlineData("steps.", 6, "expected a name after '.'")]
    [InlineData("[1, 2", 5, "expected ',' or ']'")]
    [InlineData("", 0, "expected an expression")]
    [InlineData("a # b", 2, "unexpected character '#'")]
    public void Parse_SyntaxError_ReportsOffsetAndExpectation(string source, int offset, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(source));
        Assert.Equal(offset, error.Offset);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Precedence_AndBindsTighterThanOr()
    {
        var node = Assert.IsType<BinaryNode>(ExpressionParser.Parse("a || b && c"));
        Assert.Equal(BinaryOperator.Or, node.Operator);
        Assert.Equal(BinaryOperator.And, Assert.IsType<BinaryNode>(node.Right).Operator);
    }

    [Fact]
    public void Evaluate_PathologicalRegex_LinearTimeEngineAnswers()
    {
        // (a+)+$ against many a's and a trailing b backtracks exponentially in a backtracking engine.
        var extra = new Dictionary<string, object?> { ["text"] = new string('a', 5000) + "b" };
        Assert.False(Eval("text matches '^(a+)+$'", extra));
    }

    [Fact]
    public void Evaluate_UnknownName_Throws()
    {
        var error = Assert.Throws<ExpressionException>(() => Eval("nope == 1"));
        Assert.Contains("unknown name 'nope'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hi {{ sender_name }}!", "Hi Ana!")]
    [InlineData("{{text}}", "Hello World")]
    [InlineData("no placeholders", "no placeholders")]
    [InlineData("size={{ media_size_bytes }} fwd={{ is_forwarded }} none=[{{ identity_id }}]", "size=2048 fwd=true none=[]")]
    [InlineData("{{ steps.ask-agent.output.text }} / {{ steps['ask-agent'].output.n }}", "hi / 1.5")]
    [InlineData("{{ '{{' }} literal", "{{ literal")]
    public void Template_Render_SubstitutesValues(string source, string expected)
    {
        var steps = new Dictionary<string, object?>
        {
            ["ask-agent"] = new Dictionary<string, object?> { ["output"] = ToJson(new { text = "hi", n = 1.5 }) },
        };
        Assert.Equal(expected, Template.Parse(source).Render(new Context(Event, new() { ["steps"] = steps })));
    }

    [Theory]
    [InlineData("Hi {{ sender_name", "expected '}}'")]
    [InlineData("Hi {{ }}", "expected an expression")]
    [InlineData("{{ a == }}", "expected a value")]
    public void Template_Parse_BadPlaceholder_Throws(string source, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse(source));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("24h", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("7d", 604800)]
    public void Duration_Parse_Grammar(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), WorkflowDuration.Parse(text));
        Assert.Equal(TimeSpan.FromSeconds(seconds), WorkflowDuration.Parse(WorkflowDuration.Format(TimeSpan.FromSeconds(seconds))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1x")]
    [InlineData("30m1h")]
    [InlineData("-5s")]
    [InlineData("1.5h")]
    public void Duration_TryParse_RejectsOtherForms(string text)
    {
        Assert.False(WorkflowDuration.TryParse(text, out _));
    }
}
