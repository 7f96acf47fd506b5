using Omni.Engine.Workflows;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// Name binding is checked inside every expression position (trigger <c>when</c>, a branch's <c>if</c>, a stop's
/// <c>when</c>, an action's <c>when</c>, <c>check</c>, <c>unless</c>, templates) and inside every kind of
/// sub-expression (<c>!</c>, list literals, members, indexes, both sides of an operator, calls), each rejection on
/// the line of the offending expression.
/// </summary>
public class WorkflowValidatorPositionTests
{
    private const string Head = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\nsteps:\n";

    private static WorkflowError Rejected(string yaml, string code, int line, string message)
    {
        var errors = Errors(yaml);
        var error = Assert.Single(errors);
        Assert.True(error.Code == code && error.Line == line && error.Message.Contains(message, StringComparison.Ordinal),
            $"expected {code} on line {line} containing \"{message}\", got: {error}");
        return error;
    }

    private static string Step(string lines) => Head + lines.Replace("|", "\n", StringComparison.Ordinal) + "\n";

    public static TheoryData<string, int> Positions => new()
    {
        // steps (lines separated by '|', starting on line 6) with the placeholder EXPR, and the line EXPR is on
        { "  - id: b|    if: \"EXPR\"|    then:|      - id: a|        action: meta.analytics.log|        with: { name: x }", 7 },
        { "  - id: s|    stop: done|    when: \"EXPR\"", 8 },
        { "  - id: a|    action: meta.analytics.log|    when: \"EXPR\"|    with: { name: x }", 8 },
        { "  - id: t|    action: transform.stt.audio|    check: \"EXPR\"", 8 },
        { "  - id: r|    action: meta.notify.webhook|    after: 1h|    unless: \"EXPR\"|    with: { url: \"https://example.com\", body: b }", 9 },
        { "  - id: a|    action: meta.analytics.log|    with: { name: \"{{ EXPR }}\" }", 8 },
    };

    [Theory]
    [MemberData(nameof(Positions))]
    public void UnknownName_RejectedInEveryPosition(string steps, int line)
    {
        Rejected(Step(steps.Replace("EXPR", "nope == 1", StringComparison.Ordinal)), WorkflowErrorCodes.UnknownName, line, "unknown name 'nope'");
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void InvalidRegex_RejectedInEveryPosition(string steps, int line)
    {
        Rejected(Step(steps.Replace("EXPR", "text matches '('", StringComparison.Ordinal)), WorkflowErrorCodes.InvalidRegex, line, "invalid regular expression");
    }

    [Theory]
    [MemberData(nameof(Positions))]
    public void UnknownList_RejectedInEveryPosition(string steps, int line)
    {
        Rejected(Step(steps.Replace("EXPR", "sender in list('vips')", StringComparison.Ordinal)), WorkflowErrorCodes.UnknownList, line, "unknown list 'vips'; declare it under 'lists:'");
    }

    [Fact]
    public void UnknownName_RejectedInTheTriggerWhen()
    {
        var yaml = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\n  when: \"nope\"\nsteps:\n  - id: a\n    action: meta.analytics.log\n    with: { name: x }\n";
        Rejected(yaml, WorkflowErrorCodes.UnknownName, 5, "unknown name 'nope'");
    }

    [Fact]
    public void StepReference_RejectedInTheTriggerWhen()
    {
        var yaml = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\n  when: \"steps.a.status == 'x'\"\nsteps:\n  - id: a\n    action: meta.analytics.log\n    with: { name: x }\n";
        Rejected(yaml, WorkflowErrorCodes.UnknownName, 5, "a trigger cannot read steps: nothing has run yet");
    }

    [Theory]
    [InlineData("!nope", "unknown name 'nope'")]
    [InlineData("['a', nope] contains 'a'", "unknown name 'nope'")]
    [InlineData("nope.member == 1", "unknown name 'nope'")]
    [InlineData("nope[0] == 1", "unknown name 'nope'")]
    [InlineData("text[nope] == 1", "unknown name 'nope'")]
    [InlineData("nope == 1", "unknown name 'nope'")]
    [InlineData("1 == nope", "unknown name 'nope'")]
    [InlineData("true && nope", "unknown name 'nope'")]
    [InlineData("nope || true", "unknown name 'nope'")]
    [InlineData("upper(text) == 'A'", "unknown function 'upper'; the only function is list('name')")]
    [InlineData("sender in list(text)", "list() takes one quoted list name")]
    [InlineData("sender in list('vip', 'vip')", "list() takes one quoted list name")]
    [InlineData("steps == 1", "'steps' must be followed by a step id")]
    [InlineData("output.text == 1", "'output' is only available in a step's 'check'")]
    [InlineData("replied", "'replied' is only available in a follow-up's 'unless'")]
    [InlineData("steps.first.nope == 1", "a step reference has no 'nope'; expected one of: output, status, provider, attempts, error, event, timed_out")]
    [InlineData("steps['first'].nope == 1", "a step reference has no 'nope'")]
    [InlineData("steps[text].output == 1", "a step reference needs a literal step id")]
    [InlineData("steps[text] == 1", "a step reference needs a literal step id")]
    public void UnknownName_RejectedInsideEverySubExpression(string expression, string message)
    {
        var yaml = Step("  - id: first|    action: meta.analytics.log|    with: { name: x }|  - id: a|    action: meta.analytics.log|    when: \"EXPR\"|    with: { name: x }")
            .Replace("EXPR", expression, StringComparison.Ordinal);
        Rejected(yaml, WorkflowErrorCodes.UnknownName, 11, message);
    }

    [Theory]
    [InlineData("steps.first.status == 'completed'")]
    [InlineData("steps['first'].output.name != ''")]
    [InlineData("steps.first != null")]
    [InlineData("steps['first'] != null")]
    [InlineData("sender in list('vip') && text matches '^a'")]
    public void References_ThatCanBeBound_Accepted(string expression)
    {
        var yaml = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\nlists: { vip: [a] }\nsteps:\n"
                   + $"  - id: first\n    action: meta.analytics.log\n    with: {{ name: x }}\n  - id: a\n    action: meta.analytics.log\n    when: \"{expression}\"\n    with: {{ name: x }}\n";
        Load(yaml);
    }

    [Fact]
    public void UnknownList_NamesTheDeclaredLists()
    {
        var yaml = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\nlists: { vip: [a], team: [b] }\nsteps:\n"
                   + "  - id: a\n    action: meta.analytics.log\n    when: \"sender in list('vips')\"\n    with: { name: x }\n";
        Rejected(yaml, WorkflowErrorCodes.UnknownList, 9, "unknown list 'vips'; declare it under 'lists:' (declared: vip, team)");
    }

    [Theory]
    [InlineData("    check: \"steps.t.output.text != ''\"", "step 't' cannot read its own result here; use 'output' in a check")]
    [InlineData("    when: \"steps.t.status == 'x'\"", "step 't' cannot read its own result")]
    public void OwnResult_Rejected(string line, string message)
    {
        var error = Rejected(Step($"  - id: t|    action: transform.stt.audio|{line}"), WorkflowErrorCodes.UseBeforeDefinition, 8, message);
        Assert.DoesNotContain("cannot have run", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("output.text != ''", "check")]
    [InlineData("replied && !(text matches '^a')", "unless")]
    public void ContextNames_AcceptedInTheirContext(string expression, string key)
    {
        var steps = key == "check"
            ? $"  - id: t\n    action: transform.stt.audio\n    check: \"{expression}\"\n"
            : $"  - id: r\n    action: meta.notify.webhook\n    after: 1h\n    unless: \"{expression}\"\n    with: {{ url: \"https://example.com\", body: b }}\n";
        Load(Head + steps);
    }

    [Fact]
    public void BacktrackingRegex_UnsupportedNamesTheForbiddenConstructs()
    {
        Rejected(Step("  - id: a|    action: meta.analytics.log|    when: \"text matches '(a)\\\\1'\"|    with: { name: x }"),
            WorkflowErrorCodes.InvalidRegex, 8, "unsupported regular expression (backreferences, lookarounds and atomic groups are not allowed)");
    }
}
