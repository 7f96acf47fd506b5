using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

public class WorkflowParserTests
{
    private static string Y(params string[] lines) => string.Join("\n", lines) + "\n";

    private const string Head = "id: demo\nversion: 1\ntrigger:\n  event_kinds: [message]\nsteps:";

    // Head is 5 lines: steps start on line 6.
    private static string Steps(params string[] lines) => Head + "\n" + Y(lines);

    private static WorkflowError Single(string yaml, string code)
    {
        var errors = Errors(yaml);
        var matching = errors.Where(e => e.Code == code).ToList();
        Assert.True(matching.Count == 1, $"expected one {code}, got:\n{string.Join("\n", errors)}");
        return matching[0];
    }

    private static void At(WorkflowError error, int line, int column) =>
        Assert.True(error.Line == line && error.Column == column, $"expected {line}:{column}, got {error}");

    [Theory]
    [InlineData("ignore-self")]
    [InlineData("reply-to-direct-text")]
    [InlineData("transcribe-forwarded-voice")]
    [InlineData("describe-view-once-image")]
    [InlineData("remind-if-no-reply")]
    public void Parse_SeedPlaybook_Valid(string name)
    {
        var definition = Seed(name);
        Assert.Equal(name, definition.Id);
        Assert.Equal(WorkflowDefinition.AnyInstance, definition.Scope);
        Assert.NotEmpty(definition.Steps);
    }

    [Fact]
    public void Parse_SeedPlaybooks_AllFilesCovered()
    {
        var files = Directory.GetFiles(WorkflowsDirectory, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToArray();
        Assert.Equal(["describe-view-once-image", "ignore-self", "remind-if-no-reply", "reply-to-direct-text", "transcribe-forwarded-voice"], files);
    }

    [Fact]
    public void Parse_FullSample_BuildsModel()
    {
        var definition = Load(Y(
            "id: reply-to-direct-text",
            "version: 3",
            "scope: demo",
            "description: Reply",
            "trigger:",
            "  event_kinds: [message]",
            "  content_types: [text]",
            "  when: \"!from_me && !is_group && channel == 'whatsapp'\"",
            "lists:",
            "  vip: [\"5511999990001@s.whatsapp.net\"]",
            "steps:",
            "  - id: ignore-self",
            "    action: guard.self_route",
            "    with: { mode: ignore }",
            "  - id: vip",
            "    action: guard.contact_override.vip",
            "    when: \"sender in list('vip')\"",
            "    with: { agent: concierge }",
            "  - id: ask-agent",
            "    action: route.agent.default",
            "    with: { system_prompt: \"You are helpful.\" }",
            "    retry: { max_attempts: 3, first_delay: 2s, backoff: 2.0, max_delay: 1m }",
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"{{ steps.ask-agent.output.text }}\" }",
            "    when: \"steps['ask-agent'].output.text != ''\""));

        Assert.Equal(3, definition.Version);
        Assert.Equal("demo", definition.Scope);
        Assert.Equal([EventKinds.Message], definition.Trigger.EventKinds);
        var vip = Assert.IsType<ActionStep>(definition.Steps[1]);
        Assert.Equal("vip", vip.Resolved!.Label);
        Assert.Equal("vip", vip.With.Single(p => p.Name == "label").Value.GetString());
        var ask = Assert.IsType<ActionStep>(definition.Steps[2]);
        Assert.Equal(new RetryPolicy(3, TimeSpan.FromSeconds(2), 2.0, TimeSpan.FromMinutes(1)), ask.Retry);
        var reply = Assert.IsType<ActionStep>(definition.Steps[3]);
        Assert.True(reply.With.Single().Template!.HasPlaceholders);
    }

    [Fact]
    public void Parse_YamlSyntaxError_LineAndColumn()
    {
        var error = Single(Y("id: demo", "version: 1", "steps:", "  - id: a", "   action: route.reply"), WorkflowErrorCodes.YamlSyntax);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Parse_DuplicateYamlKey_YamlSyntaxError()
    {
        var error = Single(Y("id: demo", "id: other", "version: 1"), WorkflowErrorCodes.YamlSyntax);
        Assert.Contains("Duplicate key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingTopLevelKeys_EachReported()
    {
        var errors = Errors(Y("description: nothing else"));
        Assert.Equal(["id", "version", "trigger", "steps"],
            errors.Where(e => e.Code == WorkflowErrorCodes.MissingKey).Select(e => e.Message.Split('\'')[1]).ToArray());
    }

    [Fact]
    public void Parse_UnknownKeys_ReportedWithPosition()
    {
        var errors = Errors(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: hi }",
            "    retries: 3") + "colour: blue\n");
        At(errors.Single(e => e.Code == WorkflowErrorCodes.UnknownKey && e.Message.Contains("retries", StringComparison.Ordinal)), 9, 5);
        At(errors.Single(e => e.Code == WorkflowErrorCodes.UnknownKey && e.Message.Contains("colour", StringComparison.Ordinal)), 10, 1);
    }

    [Fact]
    public void Parse_UnknownAction_ErrorAtActionValue()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.replyy"), WorkflowErrorCodes.UnknownAction);
        At(error, 7, 13);
        Assert.Contains("route.reply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadConditionSyntax_ColumnOfTheOffendingToken()
    {
        // the second && is at column 24.
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: \"!from_me && && is_group\"",
            "    with: { text: hi }"), WorkflowErrorCodes.ConditionSyntax);
        At(error, 8, 24);
        Assert.Contains("expected a value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadConditionInPlainAndBlockScalars_MapsToFilePosition()
    {
        var plain = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: from_me = true",
            "    with: { text: hi }"), WorkflowErrorCodes.ConditionSyntax);
        At(plain, 8, 19);

        var block = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: |",
            "      from_me &&",
            "      (is_group",
            "    with: { text: hi }"), WorkflowErrorCodes.ConditionSyntax);
        Assert.Contains("expected ')'", block.Message, StringComparison.Ordinal);
        Assert.Equal(10, block.Line);
    }

    [Fact]
    public void Parse_UnknownField_ErrorAtTheName()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: \"!from_me && is_grup\"",
            "    with: { text: hi }"), WorkflowErrorCodes.UnknownName);
        At(error, 8, 24);
        Assert.Contains("unknown name 'is_grup'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTemplateName_ErrorInsideTheString()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"Hi {{ sender_nam }}\" }"), WorkflowErrorCodes.UnknownName);
        At(error, 8, 26);
    }

    [Fact]
    public void Parse_TemplateSyntax_Reported()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"Hi {{ sender_name\" }"), WorkflowErrorCodes.TemplateSyntax);
        At(error, 8, 23);
    }

    [Fact]
    public void Parse_DuplicateStepId_ErrorAtSecond()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: a }",
            "  - id: reply",
            "    action: meta.analytics.log",
            "    with: { name: b }"), WorkflowErrorCodes.DuplicateStepId);
        At(error, 9, 9);
        Assert.Contains("line 6", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    retry: { max_attempts: 3, first_delay: 2h }", "2h", "first_delay")]
    [InlineData("    retry: { max_attempts: 3, first_delay: 0s }", "0s", "first_delay")]
    [InlineData("    retry: { max_attempts: 3, max_delay: 2h }", "2h", "max_delay")]
    [InlineData("    after: 30s", "30s", "after")]
    [InlineData("    after: 31d", "31d", "after")]
    [InlineData("    wait_for: { event: resolved, timeout: 45d }", "45d", "timeout")]
    [InlineData("    wait_for: { event: resolved, timeout: 30s }", "30s", "timeout")]
    public void Parse_DurationOutOfRange_ErrorAtTheValue(string line, string value, string what)
    {
        var yaml = Steps("  - id: notify", "    action: meta.notify.webhook", "    with: { url: \"https://example.com\" }", line);
        var error = Single(yaml, WorkflowErrorCodes.DurationOutOfRange);
        Assert.StartsWith(what, error.Message, StringComparison.Ordinal);
        At(error, 9, line.IndexOf(value, StringComparison.Ordinal) + 1);
    }

    [Fact]
    public void Parse_MaxAttemptsOutOfRange_Reported()
    {
        var error = Single(Steps(
            "  - id: notify",
            "    action: meta.notify.webhook",
            "    with: { url: \"https://example.com\" }",
            "    retry: { max_attempts: 11 }"), WorkflowErrorCodes.InvalidValue);
        At(error, 9, 28);
    }

    [Fact]
    public void Parse_MissingRequiredParameter_NamesIt()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { quote: true }"), WorkflowErrorCodes.MissingParameter);
        At(error, 8, 11);
        Assert.Contains("'text' (string)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingWith_ErrorAtAction()
    {
        var error = Single(Steps("  - id: reply", "    action: route.reply"), WorkflowErrorCodes.MissingParameter);
        At(error, 7, 13);
    }

    [Theory]
    [InlineData("{ per: sender, limit: ten, window: 1h }", "ten", "must be an integer, not the string 'ten'")]
    [InlineData("{ per: sender, limit: 0, window: 1h }", "0", "between 1 and 10000")]
    [InlineData("{ per: group, limit: 5, window: 1h }", "group", "one of sender, instance")]
    [InlineData("{ per: sender, limit: 5, window: [1h] }", "[1h]", "a duration")]
    [InlineData("{ per: sender, limit: 5.5, window: 1h }", "5.5", "must be an integer")]
    [InlineData("{ per: sender, limit: \"5\", window: 1h }", "\"5\"", "must be an integer")]
    public void Parse_IllTypedParameter_Reported(string with, string value, string message)
    {
        var line = $"    with: {with}";
        var error = Single(Steps("  - id: limit", "    action: guard.rate_limit", line), WorkflowErrorCodes.InvalidParameter);
        At(error, 8, line.IndexOf(value, StringComparison.Ordinal) + 1);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidDurationParameter_Reported()
    {
        var error = Single(Steps("  - id: limit", "    action: guard.rate_limit", "    with: { limit: 5, window: soon }"), WorkflowErrorCodes.InvalidDuration);
        At(error, 8, 31);
    }

    [Fact]
    public void Parse_UnknownParameter_ListsKnownOnes()
    {
        var error = Single(Steps("  - id: reply", "    action: route.reply", "    with: { txt: hi }"), WorkflowErrorCodes.UnknownParameter);
        At(error, 8, 13);
        Assert.Contains("it takes: text, quote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownProvider_Reported()
    {
        var error = Single(Steps(
            "  - id: transcribe",
            "    action: transform.stt.audio",
            "    providers: [groq, whisperx]"), WorkflowErrorCodes.UnknownProvider);
        At(error, 8, 23);
    }

    [Fact]
    public void Parse_UseBeforeDefinition_LaterStepReferenced()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: \"{{ steps.tag.output.text }}\" }",
            "  - id: tag",
            "    action: persist.tagging",
            "    with: { tags: [x] }"), WorkflowErrorCodes.UseBeforeDefinition);
        At(error, 8, 29);
        Assert.Contains("cannot have run before", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UseBeforeDefinition_OtherBranchReferenced()
    {
        var error = Single(Steps(
            "  - id: branch",
            "    if: is_forwarded",
            "    then:",
            "      - id: a",
            "        action: route.agent.default",
            "    else:",
            "      - id: b",
            "        action: route.reply",
            "        with: { text: \"{{ steps.a.output.text }}\" }"), WorkflowErrorCodes.UseBeforeDefinition);
        At(error, 14, 33);
    }

    [Fact]
    public void Parse_UnknownStepReference_Reported()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: \"steps['nope'].output.text != ''\"",
            "    with: { text: hi }"), WorkflowErrorCodes.UnknownStep);
        At(error, 8, 18);
    }

    [Fact]
    public void Parse_UnknownList_Reported()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: \"sender in list('vips')\"",
            "    with: { text: hi }"), WorkflowErrorCodes.UnknownList);
        At(error, 8, 27);
    }

    [Fact]
    public void Parse_ContextNamesOutsideTheirContext_Rejected()
    {
        var errors = Errors(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: \"replied || output.text != ''\"",
            "    with: { text: hi }"));
        Assert.Equal(2, errors.Count(e => e.Code == WorkflowErrorCodes.UnknownName));
    }

    [Fact]
    public void Parse_BacktrackingOnlyRegex_InvalidRegex()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    when: \"text matches '(a)\\\\1'\"",
            "    with: { text: hi }"), WorkflowErrorCodes.InvalidRegex);
        Assert.Equal(8, error.Line);
    }

    [Fact]
    public void Parse_OutOfOrderSteps_Rejected()
    {
        var error = Single(Steps(
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: hi }",
            "  - id: limit",
            "    action: guard.rate_limit",
            "    with: { limit: 5, window: 1h }"), WorkflowErrorCodes.OutOfOrder);
        At(error, 10, 13);
        Assert.Contains("guard → transform → route → validate → persist → meta", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OrderAcrossBranches_OnlyAlongPaths()
    {
        // a route in 'then' and a guard in 'else' never run one after the other: valid.
        Load(Steps(
            "  - id: branch",
            "    if: is_forwarded",
            "    then:",
            "      - id: reply",
            "        action: route.reply",
            "        with: { text: hi }",
            "    else:",
            "      - id: limit",
            "        action: guard.rate_limit",
            "        with: { limit: 5, window: 1h }"));
    }

    [Fact]
    public void Parse_JumpCycle_Detected()
    {
        var errors = Errors(Steps(
            "  - id: first",
            "    action: meta.analytics.log",
            "    with: { name: a }",
            "  - id: second",
            "    action: meta.analytics.log",
            "    with: { name: b }",
            "    next: first"));
        var error = Assert.Single(errors, e => e.Code == WorkflowErrorCodes.Cycle);
        At(error, 12, 11);
        Assert.Contains("first → second → first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ForwardJump_SkipsStepsAndIsValid()
    {
        var definition = Load(Steps(
            "  - id: vip",
            "    if: \"sender in ['x']\"",
            "    then:",
            "      - id: fast-reply",
            "        action: route.reply",
            "        with: { text: hi }",
            "        next: log",
            "  - id: ask",
            "    action: route.agent.default",
            "  - id: log",
            "    action: meta.analytics.log",
            "    with: { name: done }"));
        Assert.Equal("log", definition.FindStep("fast-reply")!.Next);
    }

    [Fact]
    public void Parse_JumpIntoBranch_InvalidJump()
    {
        var error = Single(Steps(
            "  - id: first",
            "    action: meta.analytics.log",
            "    with: { name: a }",
            "    next: inner",
            "  - id: branch",
            "    if: is_group",
            "    then:",
            "      - id: inner",
            "        action: meta.analytics.log",
            "        with: { name: b }"), WorkflowErrorCodes.InvalidJump);
        At(error, 9, 11);
    }

    [Fact]
    public void Parse_StepsAfterUnconditionalStop_Unreachable()
    {
        var error = Single(Steps(
            "  - id: done",
            "    stop: nothing to do",
            "  - id: reply",
            "    action: route.reply",
            "    with: { text: hi }",
            "  - id: log",
            "    action: meta.analytics.log",
            "    with: { name: x }"), WorkflowErrorCodes.UnreachableStep);
        At(error, 8, 9);
        Assert.Contains("always stops the run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConstantFalseBranch_ThenUnreachable()
    {
        var errors = Errors(Steps(
            "  - id: branch",
            "    if: \"1 > 2\"",
            "    then:",
            "      - id: reply",
            "        action: route.reply",
            "        with: { text: hi }",
            "  - id: log",
            "    action: meta.analytics.log",
            "    when: \"false\"",
            "    with: { name: x }"));
        Assert.Equal([9, 12], errors.Where(e => e.Code == WorkflowErrorCodes.UnreachableStep).Select(e => e.Line).ToArray());
    }

    [Fact]
    public void Parse_StepWithoutKind_InvalidStep()
    {
        var error = Single(Steps("  - id: nothing", "    with: { a: 1 }"), WorkflowErrorCodes.InvalidStep);
        At(error, 6, 5);
    }

    [Fact]
    public void Parse_UnlessWithoutAfter_InvalidStep()
    {
        Single(Steps("  - id: remind", "    action: meta.notify.webhook", "    with: { url: u }", "    unless: replied"), WorkflowErrorCodes.InvalidStep);
    }

    [Fact]
    public void Parse_ManyProblems_AllReportedInOrder()
    {
        var errors = Errors(Y(
            "id: Bad_Id",
            "version: 0",
            "trigger:",
            "  event_kinds: [mesage]",
            "steps:",
            "  - id: a",
            "    action: route.nope",
            "  - id: b",
            "    action: route.reply",
            "    when: \"x ==\""));
        Assert.Equal(
            [WorkflowErrorCodes.InvalidValue, WorkflowErrorCodes.InvalidValue, WorkflowErrorCodes.InvalidValue, WorkflowErrorCodes.UnknownAction, WorkflowErrorCodes.MissingParameter, WorkflowErrorCodes.ConditionSyntax],
            errors.Select(e => e.Code).ToArray());
        Assert.Equal(errors.OrderBy(e => e.Line).ThenBy(e => e.Column), errors);
    }

    [Fact]
    public void Parse_CustomAction_RegisteredWithoutEngineChanges()
    {
        var registry = ActionRegistry.Default.With(new ActionDescriptor
        {
            Id = "validate.tone",
            Description = "Checks a draft reply's tone.",
            Parameters = [ParameterDescriptor.Text("text", "Draft", required: true)],
        });
        var definition = Load(Steps(
            "  - id: ask",
            "    action: route.agent.default",
            "  - id: safe",
            "    action: validate.tone",
            "    with: { text: \"{{ steps.ask.output.text }}\" }"), registry);
        Assert.Equal(ActionCategory.Validate, ((ActionStep)definition.Steps[1]).Category);
        Assert.Single(Errors(Steps("  - id: safe", "    action: validate.tone", "    with: { text: x }")), e => e.Code == WorkflowErrorCodes.UnknownAction);
    }
}
