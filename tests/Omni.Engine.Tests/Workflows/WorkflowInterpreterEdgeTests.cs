using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// The interpreter's signal rules, its follow-up skip details, the exact history-mismatch texts of a follow-up, and the
/// step records of what a host reads afterwards (<c>steps.x.provider</c>, providers tried, expression errors).
/// </summary>
public class WorkflowInterpreterEdgeTests
{
    private const string FollowUp = """
        id: follow-up
        version: 1
        trigger:
          event_kinds: [message]
        steps:
          - id: alert
            action: meta.notify.webhook
            after: 2h
            unless: "contact_replied && we_replied"
            with: { url: "https://hooks.example.com/me", body: "waiting" }
        """;

    private static WorkflowDefinition FollowUpUnless(string unless) =>
        Load(FollowUp.Replace("\"contact_replied && we_replied\"", unless, StringComparison.Ordinal));

    [Theory]
    [InlineData(true, "5511999990001@s.whatsapp.net", EventKinds.Message, true)]
    [InlineData(false, "5511999990001@s.whatsapp.net", EventKinds.Message, false)]
    [InlineData(true, null, EventKinds.Message, false)]
    [InlineData(false, null, EventKinds.Message, false)]
    [InlineData(true, "5511999990001@s.whatsapp.net", EventKinds.Reaction, false)]
    public void IsOurReply_OwnMessageInAConversationOnly(bool fromMe, string? conversation, string kind, bool expected)
    {
        var evt = Message() with { FromMe = fromMe, ConversationId = conversation, EventKind = kind };
        Assert.Equal(expected, WorkflowInterpreter.IsOurReply(evt));
    }

    [Theory]
    [InlineData("contact_replied", true)]
    [InlineData("we_replied", true)]
    [InlineData("replied", false)]
    [InlineData("conversation", false)]
    [InlineData("approval", false)]
    public void IsSignal_OnlyTheTwoConversationSignals(string name, bool expected) =>
        Assert.Equal(expected, WorkflowInterpreter.IsSignal(name));

    [Theory]
    [InlineData("replied", "contact_replied")]
    [InlineData("contact_replied", "contact_replied")]
    [InlineData("text == 'x'", "contact_replied")]
    [InlineData("we_replied", "we_replied")]
    [InlineData("replied && we_replied", "contact_replied we_replied")]
    [InlineData("contact_replied && we_replied", "contact_replied we_replied")]
    [InlineData("conversation.reply_debt", "contact_replied we_replied")]
    [InlineData("!conversation.reply_debt && we_replied", "contact_replied we_replied")]
    public void SignalsOf_UnlessTable(string unless, string expected) =>
        Assert.Equal(expected.Split(' '), WorkflowInterpreter.SignalsOf(WorkflowExpression.Parse(unless)));

    [Fact]
    public void NullArguments_ThrowArgumentNullNamingThem()
    {
        var definition = FollowUpUnless("we_replied");
        Assert.Equal("evt", Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.IsOurReply(null!)).ParamName);
        Assert.Equal("unless", Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.SignalsOf(null!)).ParamName);
        Assert.Equal("definition", Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.Decide(null!, Message(), RunHistory.Empty)).ParamName);
        Assert.Equal("evt", Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.Decide(definition, null!, RunHistory.Empty)).ParamName);
        Assert.Equal("history", Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.Decide(definition, Message(), null!)).ParamName);
    }

    [Fact]
    public void Decide_NoSteps_CompletesWithNoStepRecords()
    {
        var definition = FollowUpUnless("we_replied") with { Steps = [] };
        var complete = Assert.IsType<Complete>(WorkflowInterpreter.Decide(definition, Message(), RunHistory.Empty));
        Assert.Equal(RunOutcomes.Completed, complete.Outcome);
        Assert.Empty(complete.Steps);
    }

    [Fact]
    public void FollowUp_BothSignalsReceived_SkippedBecauseTheContactAndWeReplied()
    {
        var history = new RunHistory(
        [
            new ExternalEventReceived("alert", T0.AddMinutes(10), WorkflowInterpreter.ContactRepliedEvent),
            new ExternalEventReceived("alert", T0.AddMinutes(20), WorkflowInterpreter.WeRepliedEvent),
        ]);
        var complete = Assert.IsType<Complete>(WorkflowInterpreter.Decide(Load(FollowUp), Message(), history));
        var step = Assert.Single(complete.Steps);
        Assert.Equal(("alert", "meta.notify.webhook", StepStatuses.Skipped), (step.StepId, step.ActionId, step.Status));
        Assert.Equal("unless: the contact and we replied", step.Detail);
        Assert.Empty(step.ProvidersTried);
    }

    [Fact]
    public void FollowUp_OneOfTwoSignals_WaitsOnForTheOther()
    {
        var history = new RunHistory([new ExternalEventReceived("alert", T0.AddMinutes(10), WorkflowInterpreter.ContactRepliedEvent)]);
        var wait = Assert.IsType<WaitForExternalEvent>(WorkflowInterpreter.Decide(Load(FollowUp), Message(), history));
        Assert.Equal([WorkflowInterpreter.WeRepliedEvent], wait.Names);
        Assert.Equal(T0.AddHours(2), wait.Deadline);
    }

    [Fact]
    public void FollowUp_UnlessTrueWithoutSignals_SkippedBecauseUnlessIsTrue()
    {
        var run = Recording.Drive(FollowUpUnless("\"text == 'hello'\""), Message());
        Assert.Empty(run.All<CallActivity>());
        Assert.Equal("unless is true", Assert.Single(run.Result.Steps).Detail);
        Assert.Equal(StepStatuses.Skipped, run.Result.Steps[0].Status);
    }

    [Fact]
    public void FollowUp_UnexpectedEntry_MismatchNamesEverySignalStillAwaited()
    {
        var history = new RunHistory([new ActivityFailed("alert", T0.AddMinutes(1), null, "x")]);
        var error = Assert.Throws<WorkflowHistoryMismatchException>(() => WorkflowInterpreter.Decide(Load(FollowUp), Message(), history));
        Assert.Equal(
            "history entry #0 (ActivityFailed for step 'alert') does not fit workflow 'follow-up' v1: expected 'contact_replied' or 'we_replied' or the follow-up timer of step 'alert'",
            error.Message);
    }

    [Fact]
    public void FollowUp_ConversationUnless_ReadsTheStateAfterASignal()
    {
        var definition = FollowUpUnless("\"!conversation.reply_debt\"");
        var history = new RunHistory([new ExternalEventReceived("alert", T0.AddMinutes(10), WorkflowInterpreter.ContactRepliedEvent)]);
        Assert.Equal(new ReadConversation("alert"), WorkflowInterpreter.Decide(definition, Message(), history));
    }

    [Fact]
    public void FollowUp_ConversationUnless_OtherEntryWhereTheStateIsExpected_Mismatch()
    {
        var definition = FollowUpUnless("\"!conversation.reply_debt\"");
        var history = new RunHistory(
        [
            new ExternalEventReceived("alert", T0.AddMinutes(10), WorkflowInterpreter.ContactRepliedEvent),
            new TimerFired("alert", T0.AddHours(2)),
        ]);
        var error = Assert.Throws<WorkflowHistoryMismatchException>(() => WorkflowInterpreter.Decide(definition, Message(), history));
        Assert.Equal(
            "history entry #1 (TimerFired for step 'alert') does not fit workflow 'follow-up' v1: expected the conversation's state for step 'alert'",
            error.Message);
    }

    [Fact]
    public void StepResult_ProviderReadableByLaterSteps_AndProvidersTriedOnceEach()
    {
        var definition = Load("""
            id: provider-readback
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: transcribe
                action: transform.stt.audio
                providers: [groq, openai]
              - id: log
                action: meta.analytics.log
                with: { name: "served by {{ steps.transcribe.provider }}" }
            """);
        var run = Recording.Drive(definition, Message(ContentTypes.Audio, text: null),
            new Script().Fail("transcribe", "down", provider: "groq").Complete("transcribe", new { text = "hi" }, provider: "openai"));

        Assert.Equal("served by openai", run.All<CallActivity>().Last().Parameters.GetProperty("name").GetString());
        var transcribe = run.Result.Steps[0];
        Assert.Equal(["groq", "openai"], transcribe.ProvidersTried);
        Assert.Equal("openai", transcribe.Provider);
        Assert.Equal(4, transcribe.Attempts);
        var log = run.Result.Steps[1];
        Assert.Empty(log.ProvidersTried);
        Assert.Null(log.Provider);
    }
}
