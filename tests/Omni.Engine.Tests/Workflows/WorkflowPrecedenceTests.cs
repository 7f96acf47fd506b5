using Omni.Engine.Workflows;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>The order of an instance's workflows and the <c>stop_lower</c> gate: pure, decided from the event alone.</summary>
public class WorkflowPrecedenceTests
{
    private const string Gate = """
        id: ignore-unmentioned-groups
        version: 1
        precedence: 100
        trigger:
          event_kinds: [message]
          when: "is_group && !mentions_me"
        steps:
          - id: ignore
            stop: group message without a mention
            stop_lower: true
        """;

    private static WorkflowDefinition Act(string id, int precedence = 0) =>
        Load($"id: {id}\nversion: 1\nprecedence: {precedence}\ntrigger: {{ event_kinds: [message] }}\nsteps:\n  - id: reply\n    action: route.reply\n    with: {{ text: hi }}\n");

    [Fact]
    public void Plan_GroupWithoutMention_GateStopsEveryLowerWorkflowWithItsRule()
    {
        var catalog = new WorkflowCatalog([Act("b-log"), Act("a-answer", 5), Load(Gate)]);
        var plan = catalog.Plan(Message() with { IsGroup = true });

        Assert.Equal(["ignore-unmentioned-groups", "a-answer", "b-log"], plan.Select(s => s.Definition.Id));
        Assert.Null(plan[0].StoppedBy);
        Assert.All(plan.Skip(1), s => Assert.Equal(new StoppedBy("ignore-unmentioned-groups", 1, "ignore", "group message without a mention"), s.StoppedBy));
    }

    [Fact]
    public void Plan_GroupMentioningMeOrDirect_NothingStopped()
    {
        var catalog = new WorkflowCatalog([Act("b-log"), Act("a-answer", 5), Load(Gate)]);

        Assert.All(catalog.Plan(Message() with { IsGroup = true, Mentions = ["5511988880000@s.whatsapp.net"], MentionsMe = true }), s => Assert.Null(s.StoppedBy));
        Assert.All(catalog.Plan(Message()), s => Assert.Null(s.StoppedBy));
        Assert.Equal(["a-answer", "b-log"], catalog.Plan(Message()).Select(s => s.Definition.Id));
    }

    [Fact]
    public void Plan_SamePrecedenceAsTheGate_NotStopped()
    {
        var plan = new WorkflowCatalog([Act("peer", 100), Act("lower", 99), Load(Gate)]).Plan(Message() with { IsGroup = true });

        Assert.Null(plan.Single(s => s.Definition.Id == "peer").StoppedBy);
        Assert.NotNull(plan.Single(s => s.Definition.Id == "lower").StoppedBy);
    }

    [Fact]
    public void Plan_EarlierStopWithoutStopLowerEndsTheRun_NotAGate()
    {
        var yaml = Gate.Replace("steps:\n", "steps:\n  - id: first\n    stop: anything\n    when: \"is_group\"\n", StringComparison.Ordinal);
        var plan = new WorkflowCatalog([Load(yaml), Act("lower")]).Plan(Message() with { IsGroup = true });
        Assert.All(plan, s => Assert.Null(s.StoppedBy));
    }

    [Fact]
    public void Parse_StopLowerAfterAnAction_RejectedWithPosition()
    {
        var errors = Errors("""
            id: late-gate
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: reply
                action: route.reply
                with: { text: hi }
              - id: ignore
                stop: too late
                stop_lower: true
            """);

        var error = Assert.Single(errors);
        Assert.Equal("invalid_step", error.Code);
        Assert.Equal(8, error.Line);
    }

    [Fact]
    public void Parse_StopLowerReadingSteps_Rejected()
    {
        var errors = Errors("""
            id: gate
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: first
                stop: first
                when: "is_group"
              - id: ignore
                stop: group
                when: "steps.first.status == 'skipped'"
                stop_lower: true
            """);

        Assert.Contains(errors, e => e.Code == "unknown_name" && e.Message.Contains("stop_lower", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("precedence: high", "precedence must be an integer")]
    [InlineData("precedence: 5000", "precedence must be an integer")]
    public void Parse_BadPrecedence_Rejected(string line, string message)
    {
        var errors = Errors($"id: p\nversion: 1\n{line}\ntrigger: {{ event_kinds: [message] }}\nsteps:\n  - id: s\n    stop: x\n");
        Assert.Contains(errors, e => e.Code == "invalid_value" && e.Message.StartsWith(message, StringComparison.Ordinal) && e.Line == 3);
    }
}
