using Omni.Engine.Conversations;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Expressions;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// The validator's control-flow analysis (jumps, loops, unreachable steps and why) and its name checks, each rejection
/// pinned by its exact text and line; and the workflows that look suspicious but are valid.
/// </summary>
public class WorkflowValidatorMessageTests
{
    private const string Head = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\nsteps:\n";

    private const string Log = "    action: meta.analytics.log\n    with: { name: x }\n";

    private static string Yaml(params string[] lines) => Head + string.Join("\n", lines) + "\n";

    private static void Rejected(string yaml, string code, string message, int line)
    {
        var error = Assert.Single(Errors(yaml));
        Assert.Equal((code, message, line), (error.Code, error.Message, error.Line));
    }

    private static void Valid(string yaml) => _ = Load(yaml);

    [Fact]
    public void Next_UnknownStep_Rejected() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    next: nowhere", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownStep, "'next' of step 'a' names unknown step 'nowhere'", 8);

    [Fact]
    public void Next_IntoABranch_Rejected() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    next: inner", "    with: { name: x }",
            "  - id: b", "    if: \"is_group\"", "    then:", "      - id: inner", "        action: meta.analytics.log", "        with: { name: y }"),
        WorkflowErrorCodes.InvalidJump, "'next' of step 'a' can only jump to a step in the same list or an enclosing one, not into 'inner'", 8);

    [Fact]
    public void Unreachable_AfterAnUnconditionalJump_SaysWhichStepJumps() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    next: z", "    with: { name: x }",
            "  - id: m", Log + "  - id: z", Log.TrimEnd('\n')),
        WorkflowErrorCodes.UnreachableStep, "step 'm' can never run: step 'a' always jumps to 'z'", 10);

    [Fact]
    public void Unreachable_AfterAConditionalJumpThatIsAlwaysTaken_NoPathReachesIt() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"true\"", "    next: z", "    with: { name: x }",
            "  - id: m", Log + "  - id: z", Log.TrimEnd('\n')),
        WorkflowErrorCodes.UnreachableStep,
        "step 'm' can never run: no path from the first step reaches it (every path before it stops the run or jumps past it)", 11);

    [Fact]
    public void Unreachable_AfterABranchThatJumps_BothSidesLeaveThroughTheJump() => Rejected(
        Yaml("  - id: b", "    if: \"is_group\"", "    next: z", "    then:", "      - id: t", "        action: meta.analytics.log", "        with: { name: x }",
            "  - id: m", Log + "  - id: z", Log.TrimEnd('\n')),
        WorkflowErrorCodes.UnreachableStep, "step 'm' can never run: step 'b' always jumps to 'z'", 13);

    [Fact]
    public void ConditionalJump_StepAfterItStillReachable() => Valid(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"is_group\"", "    next: z", "    with: { name: x }",
            "  - id: m", Log + "  - id: z", Log.TrimEnd('\n')));

    [Theory]
    [InlineData("true", "e", "the 'if' of step 'b' is always true", 13)]
    [InlineData("false", "t", "the 'if' of step 'b' is always false", 9)]
    [InlineData("1 == 1", "e", "the 'if' of step 'b' is always true", 13)]
    public void Unreachable_SideOfAConstantIf_SaysWhichWayItAlwaysGoes(string condition, string dead, string reason, int line) => Rejected(
        Yaml("  - id: b", $"    if: \"{condition}\"", "    then:", "      - id: t", "        action: meta.analytics.log", "        with: { name: x }",
            "    else:", "      - id: e", "        action: meta.analytics.log", "        with: { name: y }"),
        WorkflowErrorCodes.UnreachableStep, $"step '{dead}' can never run: {reason}", line);

    [Fact]
    public void Unreachable_AfterAnUnconditionalStop_SaysWhichStopEndsTheRun() => Rejected(
        Yaml("  - id: s", "    stop: done", "  - id: m", Log.TrimEnd('\n')),
        WorkflowErrorCodes.UnreachableStep, "step 'm' can never run: it follows step 's', which always stops the run", 8);

    [Fact]
    public void Branch_WithAnEmptyThen_IsValid() => Valid(
        Yaml("  - id: b", "    if: \"is_group\"", "    then: []", "    else:", "      - id: e", "        action: meta.analytics.log", "        with: { name: y }",
            "  - id: z", Log.TrimEnd('\n')));

    [Theory]
    [InlineData("false", 6)]
    [InlineData("1 > 2", 6)]
    [InlineData("!true", 6)]
    public void When_AlwaysFalse_StepNeverRuns(string condition, int line) => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", $"    when: \"{condition}\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnreachableStep, "step 'a' never runs: its 'when' is always false", line);

    [Theory]
    [InlineData("false && is_group")]
    [InlineData("is_group && false")]
    [InlineData("!(true || is_group)")]
    [InlineData("[false][0] && text == 'x'")]
    public void When_ReadingTheEvent_IsNotConstantEvenIfItCouldShortCircuit(string condition) => Valid(
        Yaml("  - id: a", "    action: meta.analytics.log", $"    when: \"{condition}\"", "    with: { name: x }"));

    [Fact]
    public void Loop_ClosedByAFallThrough_ReportedAtTheJumpInTheLoop() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    next: c", "    with: { name: x }",
            "  - id: b", Log + "  - id: c", "    action: meta.analytics.log", "    next: b", "    with: { name: z }"),
        WorkflowErrorCodes.Cycle, "steps form a loop: c → b → c; 'next' may only jump forward so that every run ends", 15);

    [Fact]
    public void Loop_AfterAFinishedSideBranch_NamesOnlyTheStepsOfTheLoop() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"is_group\"", "    next: c", "    with: { name: x }",
            "  - id: b", "    action: meta.analytics.log", "    next: a", "    with: { name: y }",
            "  - id: c", Log.TrimEnd('\n')),
        WorkflowErrorCodes.Cycle, "steps form a loop: a → b → a; 'next' may only jump forward so that every run ends", 13);

    [Fact]
    public void ManyConditionalSteps_ValidatedWithoutRevisitingReachedSteps()
    {
        var steps = Enumerable.Range(0, 60).Select(i => $"  - id: s{i}\n    action: meta.analytics.log\n    when: \"text == '{i}'\"\n    with: {{ name: x }}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Valid(Yaml([.. steps]));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"validation took {watch.Elapsed}");
    }

    [Fact]
    public void OutOfOrder_NamesTheFirstLaterCategoryStepInDocumentOrder()
    {
        var error = Assert.Single(Errors(Yaml("  - id: m1", Log + "  - id: m2", Log + "  - id: t", "    action: transform.stt.audio")));
        Assert.Equal(WorkflowErrorCodes.OutOfOrder, error.Code);
        Assert.StartsWith("step 't' (transform.stt.audio, a transform action) can run after step 'm1' (meta.analytics.log, a meta action); steps run in the order ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StopLower_BelowAnAction_Rejected() => Rejected(
        Yaml("  - id: a", Log + "  - id: s", "    stop: done", "    stop_lower: true"),
        WorkflowErrorCodes.InvalidStep,
        "'stop_lower' of step 's': only a stop step at the top of the workflow, before any action or if step, may stop lower-precedence workflows (it must be decided from the event alone, before anything runs)",
        9);

    [Fact]
    public void Stop_WithoutStopLower_MayReadTheConversationAndEarlierSteps() => Valid(
        Yaml("  - id: a", Log + "  - id: s", "    stop: done", "    when: \"conversation.reply_debt && steps.a.status == 'completed'\""));

    [Theory]
    [InlineData("steps.b.output.name == 'x'")]
    [InlineData("steps.b.status == 'completed'")]
    [InlineData("steps.b.output['name'] == 'x'")]
    [InlineData("steps.b != null")]
    public void ReadingALaterStep_ThroughAnyMember_Rejected(string condition) => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", $"    when: \"{condition}\"", "    with: { name: x }",
            "  - id: b", Log.TrimEnd('\n')),
        WorkflowErrorCodes.UseBeforeDefinition, "step 'a' reads step 'b', which cannot have run before it (it comes later, or on another branch)", 8);

    [Fact]
    public void UnknownStep_Rejected() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"steps.nope.status == 'completed'\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownStep, "unknown step 'nope'", 8);

    [Theory]
    [InlineData("when", "step 't' cannot read its own result")]
    [InlineData("check", "step 't' cannot read its own result here; use 'output' in a check")]
    public void OwnResult_Rejected_WithTheCheckHint(string key, string message) => Rejected(
        Yaml("  - id: t", "    action: transform.stt.audio", $"    {key}: \"steps.t.status == 'completed'\""),
        WorkflowErrorCodes.UseBeforeDefinition, message, 8);

    [Fact]
    public void Conversation_UnknownField_ListsTheFields() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"conversation.nope\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownName, $"the conversation has no 'nope'; expected one of: {string.Join(", ", ConversationState.Fields)}", 8);

    [Fact]
    public void Conversation_WithoutAField_Rejected() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"conversation == null\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownName, $"'conversation' must be followed by a field: conversation.<field>, one of {string.Join(", ", ConversationState.Fields)}", 8);

    [Theory]
    [InlineData("replied")]
    [InlineData("contact_replied")]
    [InlineData("we_replied")]
    public void ReplySignals_OutsideUnless_Rejected(string name) => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", $"    when: \"{name}\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownName, $"'{name}' is only available in a follow-up's 'unless'", 8);

    [Theory]
    [InlineData("replied")]
    [InlineData("contact_replied")]
    [InlineData("we_replied")]
    [InlineData("!conversation.reply_debt")]
    public void ReplySignals_InUnless_Valid(string name) => Valid(
        Yaml("  - id: r", "    action: meta.notify.webhook", "    after: 1h", $"    unless: \"{name}\"", "    with: { url: \"https://example.com\", body: b }"));

    [Fact]
    public void UnknownName_ListsEveryReadableName() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"nope\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownName,
        $"unknown name 'nope'; expected an event field ({string.Join(", ", EventFields.Names)}), steps.<id>.<member>, list('name'), conversation.<field> in when/if/unless, 'output' in a check or 'replied' / 'contact_replied' / 'we_replied' in unless",
        8);

    [Fact]
    public void UnknownList_WithoutLists_NoDeclaredSuffix() => Rejected(
        Yaml("  - id: a", "    action: meta.analytics.log", "    when: \"sender in list('vips')\"", "    with: { name: x }"),
        WorkflowErrorCodes.UnknownList, "unknown list 'vips'; declare it under 'lists:'", 8);

    [Fact]
    public void UnknownList_WithLists_NamesTheDeclaredOnes() => Rejected(
        Head.Replace("steps:\n", "lists:\n  vip: [a]\n  team: [b]\nsteps:\n", StringComparison.Ordinal)
            + "  - id: a\n    action: meta.analytics.log\n    when: \"sender in list('vips')\"\n    with: { name: x }\n",
        WorkflowErrorCodes.UnknownList, "unknown list 'vips'; declare it under 'lists:' (declared: vip, team)", 11);

    [Fact]
    public void BranchOutput_BranchIsReadable_OtherFieldsRejected()
    {
        const string Branch = "  - id: b\n    if: \"is_group\"\n    then:\n      - id: t\n        action: meta.analytics.log\n        with: { name: x }\n";
        Valid(Yaml(Branch + "  - id: a", "    action: meta.analytics.log", "    when: \"steps.b.output.branch == 'then'\"", "    with: { name: y }"));
        Rejected(Yaml(Branch + "  - id: a", "    action: meta.analytics.log", "    when: \"steps.b.output.nope == 'then'\"", "    with: { name: y }"),
            WorkflowErrorCodes.UnknownOutputField, "step 'b' has no output field 'nope'; its output fields: branch", 14);
    }

    [Theory]
    [InlineData("transform.stt.audio", "txet", " (did you mean 'text'?)")]
    [InlineData("transform.stt.audio", "tex", " (did you mean 'text'?)")]
    [InlineData("transform.stt.audio", "texts", " (did you mean 'text'?)")]
    [InlineData("transform.stt.audio", "te", "")]
    [InlineData("transform.stt.audio", "ettx", "")]
    [InlineData("transform.stt.audio", "lnguge", " (did you mean 'language'?)")]
    [InlineData("transform.stt.audio", "languag", " (did you mean 'language'?)")]
    [InlineData("transform.stt.audio", "zzzzzztext", "")]
    [InlineData("meta.analytics.log", "zzzzzz", "")]
    [InlineData("meta.analytics.log", "nmae", " (did you mean 'name'?)")]
    public void UnknownOutputField_SuggestsOnlyANearName(string action, string field, string suggestion)
    {
        var error = Assert.Single(Errors(Yaml("  - id: t", $"    action: {action}", action == "meta.analytics.log" ? "    with: { name: x }" : "    providers: [groq]",
            "  - id: a", "    action: meta.analytics.log", $"    when: \"steps.t.output.{field} == 'x'\"", "    with: { name: y }")));
        var fields = action == "meta.analytics.log" ? "name, recorded, outcome, at" : "text, language";
        Assert.Equal($"step 't' ({action}) has no output field '{field}'{suggestion}; its output fields: {fields}", error.Message);
    }
    [Fact]
    public void UnknownOutputField_TwoNearNames_SuggestsTheNearest()
    {
        var registry = ActionRegistry.Default.With(BuiltInActions.TransformSttAudio with
        {
            Id = "transform.test.fields",
            Outputs = [new OutputField("abcdefxy", OutputType.Text, "Two edits away."), new OutputField("abcdefgh", OutputType.Text, "One edit away.")],
        });
        var error = Assert.Single(Errors(Yaml("  - id: t", "    action: transform.test.fields", "    providers: [groq]",
            "  - id: a", "    action: meta.analytics.log", "    when: \"steps.t.output.abcdefgx == 'x'\"", "    with: { name: y }"), registry));
        Assert.Equal("step 't' (transform.test.fields) has no output field 'abcdefgx' (did you mean 'abcdefgh'?); its output fields: abcdefxy, abcdefgh", error.Message);
    }
    [Fact]
    public void Loop_BesideADeadStretch_OnlyTheLoopIsReported() => Rejected(
        Yaml("  - id: s", "    stop: done", "  - id: a", Log + "  - id: b", "    action: meta.analytics.log", "    next: a", "    with: { name: y }"),
        WorkflowErrorCodes.Cycle, "steps form a loop: a → b → a; 'next' may only jump forward so that every run ends", 13);

    [Fact]
    public void ManyConditionalJumps_EachStepVisitedOnce()
    {
        // 40 diamonds (a conditional jump over one step): revisiting reached steps would walk 2^40 paths.
        var steps = Enumerable.Range(0, 40).SelectMany(i => new[]
        {
            $"  - id: s{2 * i}\n    action: meta.analytics.log\n    when: \"text == '{i}'\"\n    next: s{(2 * i) + 2}\n    with: {{ name: x }}",
            $"  - id: s{(2 * i) + 1}\n    action: meta.analytics.log\n    with: {{ name: y }}",
        }).Append("  - id: s80\n    action: meta.analytics.log\n    with: { name: z }");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Valid(Yaml([.. steps]));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"validation took {watch.Elapsed}");
    }
}
