using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// Typed outputs: a read of <c>steps.&lt;id&gt;.output.&lt;field&gt;</c> must name a field the step's action declares
/// (<see cref="ActionDescriptor.Outputs"/>), in every position an expression can stand, reported at the field's own
/// line and column.
/// </summary>
public class WorkflowOutputFieldTests
{
    // Lines 1-11 are the same in every test; the step under test starts on line 12.
    private const string Head = """
        id: vip-answer
        version: 1
        description: Answer with the support agent
        trigger:
          event_kinds: [message]
          content_types: [text]
        lists:
          vip: ["5511999990001@s.whatsapp.net"]
        steps:
          - id: ask-agent
            action: route.agent.default
        """;

    private static string Workflow(params string[] lines) => Head + "\n" + string.Join("\n", lines) + "\n";

    private static WorkflowError OnlyError(string yaml)
    {
        var errors = Errors(yaml);
        Assert.True(errors.Count == 1, $"expected one error, got:\n{string.Join("\n", errors)}");
        return errors[0];
    }

    private static void At(WorkflowError error, int line, int column) =>
        Assert.True(error.Line == line && error.Column == column, $"expected {line}:{column}, got {error}");

    [Fact]
    public void Typo_InTemplate_RejectedAtTheFieldWithSuggestionAndDeclaredFields()
    {
        var error = OnlyError(Workflow(
            "  - id: reply",
            "    action: route.reply",
            "    with:",
            "      text: \"{{ steps.ask-agent.output.txet }}\""));

        Assert.Equal(WorkflowErrorCodes.UnknownOutputField, error.Code);
        At(error, 15, 40);
        Assert.Contains("step 'ask-agent' (route.agent.default) has no output field 'txet'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(did you mean 'text'?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("its output fields: text, agent, model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typo_InTemplateAmongText_PointsAtTheField()
    {
        // A plain scalar with text around the placeholder: the column counts the characters before it.
        var error = OnlyError(Workflow(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"Our answer: {{ steps.ask-agent.output.txet }}\" }"));
        At(error, 14, 58);
    }

    [Theory]
    [InlineData("when", "    when: \"steps.ask-agent.output.txet != ''\"", 14, 35)]
    [InlineData("index form", "    when: \"steps['ask-agent'].output['txet'] != ''\"", 14, 38)]
    [InlineData("unless", "    after: 1h\n    unless: \"steps.ask-agent.output.txet == ''\"", 15, 37)]
    [InlineData("check", "    check: \"output.statsu == 'sent'\"", 14, 20)]
    public void Typo_InEveryConditionPosition_Rejected(string position, string line, int expectedLine, int expectedColumn)
    {
        var error = OnlyError(Workflow(
            "  - id: reply",
            "    action: route.reply",
            line,
            "    with: { text: hi }"));
        Assert.True(error.Code == WorkflowErrorCodes.UnknownOutputField, $"{position}: {error}");
        At(error, expectedLine, expectedColumn);
    }

    [Fact]
    public void Typo_InIfCondition_Rejected()
    {
        var error = OnlyError(Workflow(
            "  - id: long",
            "    if: \"steps.ask-agent.output.modle == 'gpt'\"",
            "    then:",
            "      - id: reply",
            "        action: route.reply",
            "        with: { text: hi }"));
        Assert.Equal(WorkflowErrorCodes.UnknownOutputField, error.Code);
        At(error, 13, 33);
        Assert.Contains("(did you mean 'model'?)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReadsTheStepsOwnAction()
    {
        // 'output' in a check is the step's own result: route.reply declares status, not text.
        var error = OnlyError(Workflow(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: hi }",
            "    check: \"output.text != ''\""));
        Assert.Equal(WorkflowErrorCodes.UnknownOutputField, error.Code);
        Assert.Contains("step 'reply' (route.reply)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclaredFields_Accepted()
    {
        var definition = Load("""
            id: typed
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: vip
                action: guard.contact_override.vip
                with: { handles: ["5511999990001@s.whatsapp.net"], agent: concierge }
              - id: ask-agent
                action: route.agent.default
                with: { agent: "{{ steps.vip.output.agent }}" }
              - id: long
                if: "steps.ask-agent.output.model == 'gpt' && steps.vip.output.applies"
                then:
                  - id: reply
                    action: route.reply
                    with: { text: "{{ steps['ask-agent'].output['text'] }}" }
                    check: "output.status == 'sent' || output.effect == 'unknown'"
              - id: tell
                action: meta.notify.webhook
                when: "steps.long.output.branch == 'then' && steps.ask-agent.output != null"
                with: { url: "https://example.com/hook", body: "{{ steps.reply.output.message_id }} {{ steps.vip.output.verdict }}" }
            """);
        Assert.Equal(5, definition.AllSteps.Count());
    }

    [Fact]
    public void ActionWithoutOutput_NamesThat()
    {
        var registry = ActionRegistry.Default.With(new ActionDescriptor { Id = "meta.count.runs", Description = "Counts runs." });
        var errors = Errors(Workflow(
            "  - id: count",
            "    action: meta.count.runs",
            "  - id: tell",
            "    action: meta.notify.webhook",
            "    with: { url: \"https://example.com/hook\", body: \"{{ steps.count.output.total }}\" }"), registry);
        var error = Assert.Single(errors);
        Assert.Contains("step 'count' (meta.count.runs) has no readable output, so it has no field 'total'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BranchOutput_OnlyBranch()
    {
        var error = OnlyError(Workflow(
            "  - id: long",
            "    if: \"text != ''\"",
            "    then:",
            "      - id: reply",
            "        action: route.reply",
            "        with: { text: hi }",
            "  - id: tell",
            "    action: route.reply",
            "    with: { text: \"{{ steps.long.output.taken }}\" }"));
        Assert.Equal(WorkflowErrorCodes.UnknownOutputField, error.Code);
        Assert.Contains("its output fields: branch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LaterStep_ReportedAsUseBeforeDefinition()
    {
        var errors = Errors(Workflow(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"{{ steps.later.output.text }}\" }",
            "  - id: later",
            "    action: route.agent.default"));
        var error = Assert.Single(errors);
        Assert.Equal(WorkflowErrorCodes.UseBeforeDefinition, error.Code);
        At(error, 14, 29);
    }

    [Fact]
    public void MissingStep_ReportedAsUnknownStep()
    {
        var error = OnlyError(Workflow(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"{{ steps.ask_agent.output.text }}\" }"));
        Assert.Equal(WorkflowErrorCodes.UnknownStep, error.Code);
        At(error, 14, 29);
    }

    [Theory]
    [InlineData("steps.ask-agent.output.txet", " (did you mean 'text'?); its output fields")]
    [InlineData("steps.ask-agent.output.agnet", " (did you mean 'agent'?); its output fields")]
    [InlineData("steps.ask-agent.output.answer", "; its output fields")]
    [InlineData("steps.ask-agent.output.x", "; its output fields")]
    public void Suggestion_OnlyForNearNames(string reference, string expected)
    {
        var error = OnlyError(Workflow(
            "  - id: reply",
            "    action: route.reply",
            $"    with: {{ text: \"{{{{ {reference} }}}}\" }}"));
        var field = reference[(reference.LastIndexOf('.') + 1)..];
        Assert.Contains($"has no output field '{field}'{expected}", error.Message, StringComparison.Ordinal);
    }
}
