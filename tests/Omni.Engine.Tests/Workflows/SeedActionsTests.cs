using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// The seed actions' place in the language: their parameter checks, where validate and workflow steps may stand, and a
/// validate step that blocks the route step after it.
/// </summary>
public class SeedActionsTests
{
    private const string Head = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\nsteps:";

    // Head is 5 lines: steps start on line 6.
    private static string Steps(params string[] lines) => Head + "\n" + string.Join("\n", lines) + "\n";

    private const string GatedReply = """
        id: safe-reply
        version: 1
        trigger:
          event_kinds: [message]
        steps:
          - id: ask-agent
            action: route.agent.default
          - id: safety
            action: validate.safety
            with: { text: "{{ steps.ask-agent.output.text }}" }
          - id: reply
            action: route.reply
            with: { text: "{{ steps.ask-agent.output.text }}" }
          - id: log
            action: meta.analytics.log
            with: { name: replied }
        """;

    private static WorkflowError Only(string yaml, string code)
    {
        var errors = Errors(yaml);
        Assert.True(errors.Count == 1 && errors[0].Code == code, $"expected one {code}, got:\n{string.Join("\n", errors)}");
        return errors[0];
    }

    [Fact]
    public void Registry_SeedActions_DeclareParametersAndOutputs()
    {
        foreach (var id in new[] { "transform.translate", "transform.describe.video", "validate.safety", "workflow.smart_decision" })
        {
            var action = ActionRegistry.Default.Resolve(id)!.Descriptor;
            Assert.NotEmpty(action.Parameters);
            Assert.Contains(action.Outputs, o => o.Name == "provider");
        }

        Assert.Equal(ActionCategory.Workflow, BuiltInActions.WorkflowSmartDecision.Category);
        Assert.Equal("workflow", ActionCategories.Name(ActionCategory.Workflow));
    }

    [Fact]
    public void Parse_ValidateBeforeRoute_AcceptedSoItCanGateTheSend()
    {
        Load(GatedReply);
    }

    [Fact]
    public void Parse_RouteAfterPersist_StillOutOfOrder()
    {
        var error = Only(Steps(
            "  - id: tag",
            "    action: persist.tagging",
            "    with: { tags: [a] }",
            "  - id: safety",
            "    action: validate.safety",
            "    with: { text: hi }"), WorkflowErrorCodes.OutOfOrder);
        Assert.Equal((10, 13), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_SmartDecisionAnywhere_BranchesStillOrdered()
    {
        // A decision after a route step, choosing between a transform and a reply: the decision itself has no position,
        // but the transform after the route is still out of order.
        var errors = Errors(Steps(
            "  - id: ask",
            "    action: route.agent.default",
            "  - id: decide",
            "    action: workflow.smart_decision",
            "    with: { branches: [reply, translate], fallback: reply }",
            "  - id: which",
            "    if: \"steps.decide.output.branch == 'translate'\"",
            "    then:",
            "      - id: translate",
            "        action: transform.translate",
            "        with: { to: en }",
            "    else:",
            "      - id: reply",
            "        action: route.reply",
            "        with: { text: \"{{ steps.ask.output.text }}\" }"));
        var error = Assert.Single(errors);
        Assert.Equal(WorkflowErrorCodes.OutOfOrder, error.Code);
        Assert.Contains("'translate'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SmartDecisionBeforeGuard_Accepted()
    {
        Load(Steps(
            "  - id: decide",
            "    action: workflow.smart_decision",
            "    with: { branches: [\"vip: the sender is a customer\", \"other\"], fallback: other }",
            "  - id: limit",
            "    action: guard.rate_limit",
            "    when: \"steps.decide.output.branch == 'other'\"",
            "    with: { limit: 5, window: 1h }"));
    }

    [Fact]
    public void Parse_SmartDecisionFallbackNotABranch_InvalidParameterAtTheFallback()
    {
        var error = Only(Steps(
            "  - id: decide",
            "    action: workflow.smart_decision",
            "    with:",
            "      branches: [reply, escalate]",
            "      fallback: ignore"), WorkflowErrorCodes.InvalidParameter);
        Assert.Equal((10, 17), (error.Line, error.Column));
        Assert.Contains("fallback 'ignore' is not one of the branches (reply, escalate)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[reply]", "between 2 and 20 branches")]
    [InlineData("[reply, reply]", "branch 'reply' is declared twice")]
    [InlineData("[\"Reply: answer it\", other]", "branch 'Reply' must be a name")]
    public void Parse_SmartDecisionBadBranches_InvalidParameterAtTheBranches(string branches, string expected)
    {
        var error = Only(Steps(
            "  - id: decide",
            "    action: workflow.smart_decision",
            "    with:",
            $"      branches: {branches}",
            "      fallback: reply"), WorkflowErrorCodes.InvalidParameter);
        Assert.Equal((9, 17), (error.Line, error.Column));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SmartDecisionTemplatedFallback_LeftToRunTime()
    {
        Load(Steps(
            "  - id: decide",
            "    action: workflow.smart_decision",
            "    with: { branches: [a, b], fallback: \"{{ sender_name }}\" }"));
    }

    [Theory]
    [InlineData("transform.translate", "to: english", "to")]
    [InlineData("transform.translate", "{ to: en, from: PT }", "from")]
    [InlineData("transform.describe.video", "language: pt-BR", "language")]
    public void Parse_LanguageNotIso6391_InvalidParameter(string action, string with, string parameter)
    {
        var error = Only(Steps(
            "  - id: step",
            $"    action: {action}",
            $"    with: {{ {with.Trim('{', '}', ' ')} }}"), WorkflowErrorCodes.InvalidParameter);
        Assert.Contains($"parameter '{parameter}' must be an ISO 639-1 language code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TranslateToTemplate_Accepted()
    {
        Load(Steps(
            "  - id: translate",
            "    action: transform.translate",
            "    with: { to: \"{{ reaction_emoji }}\" }"));
    }

    [Fact]
    public void Decide_SafetyBlocks_RunStopsBeforeTheReplyAndRecordsTheCategories()
    {
        var flagged = ToJson(new
        {
            verdict = "stop",
            reason = "blocked by validate.safety (openai): flagged for harassment, violence",
            flagged = true,
            categories = new[] { "harassment", "violence" },
            provider = "openai",
        });
        var run = Recording.Drive(Load(GatedReply), Message(text: "hi"),
            new Script().Complete("ask-agent", new { text = "something nasty" }).Output("safety", flagged, provider: "openai"));

        Assert.Equal(["ask-agent", "safety"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Equal("blocked by validate.safety (openai): flagged for harassment, violence", run.Result.Reason);
        var safety = run.Result.Steps.Single(s => s.StepId == "safety");
        Assert.Equal(StepStatuses.Stopped, safety.Status);
        Assert.Equal("blocked by validate.safety (openai): flagged for harassment, violence", safety.Detail);
    }

    [Fact]
    public void Decide_SafetyBlocksWithoutReason_ReasonNamesTheAction()
    {
        var run = Recording.Drive(Load(GatedReply), Message(text: "hi"),
            new Script().Complete("ask-agent", new { text = "something nasty" }).Output("safety", ToJson(new { verdict = "stop" })));

        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Equal("blocked by validate.safety", run.Result.Reason);
        Assert.Equal("blocked by validate.safety", run.Result.Steps.Single(s => s.StepId == "safety").Detail);
    }

    [Fact]
    public void Decide_SafetyPasses_ReplySent()
    {
        var passed = ToJson(new { verdict = "continue", flagged = false, categories = Array.Empty<string>(), provider = "openai" });
        var run = Recording.Drive(Load(GatedReply), Message(text: "hi"),
            new Script().Complete("ask-agent", new { text = "Hello!" }).Output("safety", passed, provider: "openai"));

        Assert.Equal(["ask-agent", "safety", "reply", "log"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }
}
