using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// The audit record of every kind of step (stop, skip, branch, guard stop and defer, fallbacks, waits) in full, what a
/// later step reads of it, the run's clock, and the checks that a replayed history fits the workflow.
/// </summary>
public class WorkflowInterpreterRecordTests
{
    private static readonly OmniEvent Text = Message(text: "hi there");

    /// <summary>A step outcome as one comparable line: id|action|status|provider|attempts|tried|detail.</summary>
    private static string Line(StepOutcome o) =>
        $"{o.StepId}|{o.ActionId}|{o.Status}|{o.Provider}|{o.Attempts}|{string.Join(",", o.ProvidersTried)}|{o.Detail}";

    private static string[] Lines(Recording run) => [.. run.Result.Steps.Select(Line)];

    private const string StopWorkflow = """
        id: stopper
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: gate
            stop: not forwarded
            when: "!is_forwarded"
          - id: log
            action: meta.analytics.log
            when: "steps.gate.status == 'skipped'"
            with: { name: x }
        """;

    [Fact]
    public void StopWhenFalse_RecordedAsSkippedAndReadableByLaterSteps()
    {
        var run = Recording.Drive(Load(StopWorkflow), Text with { IsForwarded = true });

        Assert.Equal(["gate||skipped||0||when is false", "log|meta.analytics.log|completed||1||"], Lines(run));
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
        Assert.Null(run.Result.Reason);
        Assert.Equal("completed: gate skipped; log completed", run.Result.Summary);
    }

    [Fact]
    public void StopWhenTrue_RecordedAsStoppedRunSkipped()
    {
        var run = Recording.Drive(Load(StopWorkflow), Text);

        Assert.Equal(["gate||stopped||0||not forwarded"], Lines(run));
        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Equal("not forwarded", run.Result.Reason);
        Assert.Equal("skipped: not forwarded (gate stopped)", run.Result.Summary);
        Assert.Empty(run.All<CallActivity>());
    }

    [Fact]
    public void ActionWhenFalse_RecordedAsSkippedAndReadableByLaterSteps()
    {
        var run = Recording.Drive(Load("""
            id: skipper
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: first
                action: meta.analytics.log
                when: "is_forwarded"
                with: { name: a }
              - id: second
                action: meta.analytics.log
                when: "steps.first.status == 'skipped' && steps.first.attempts == 0 && !steps.first.timed_out"
                with: { name: b }
            """), Text);

        Assert.Equal(["first|meta.analytics.log|skipped||0||when is false", "second|meta.analytics.log|completed||1||"], Lines(run));
        Assert.Equal(["second"], run.All<CallActivity>().Select(c => c.StepId));
    }

    private const string BranchWorkflow = """
        id: brancher
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: route
            if: "is_forwarded"
            then:
              - id: a
                action: meta.analytics.log
                with: { name: "{{ steps.route.output.branch }}" }
            else:
              - id: b
                action: meta.analytics.log
                with: { name: "{{ steps.route.output.branch }}" }
          - id: after
            action: meta.analytics.log
            when: "steps.route.status == 'completed'"
            with: { name: done }
        """;

    [Theory]
    [InlineData(true, "then", "a")]
    [InlineData(false, "else", "b")]
    public void Branch_RecordsTheTakenSideAsDetailAndOutput(bool forwarded, string side, string step)
    {
        var run = Recording.Drive(Load(BranchWorkflow), Text with { IsForwarded = forwarded });

        Assert.Equal([$"route||completed||0||{side}", $"{step}|meta.analytics.log|completed||1||", "after|meta.analytics.log|completed||1||"], Lines(run));
        Assert.Equal([step, "after"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(side, run.All<CallActivity>().First().Parameters.GetProperty("name").GetString());
    }

    [Fact]
    public void Branch_EmptySide_ContinuesAfterTheBranch()
    {
        var run = Recording.Drive(Load("""
            id: empty-else
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: route
                if: "is_forwarded"
                then:
                  - id: a
                    action: meta.analytics.log
                    with: { name: a }
              - id: last
                action: meta.analytics.log
                with: { name: l }
            """), Text);

        Assert.Equal(["last"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(["route||completed||0||else", "last|meta.analytics.log|completed||1||"], Lines(run));
    }

    [Fact]
    public void GuardStop_RecordedWithAttemptsAndReason()
    {
        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, new Script().Output("limit-sender", GuardVerdict.Stop("rate limited")));

        Assert.Equal(["limit-sender|guard.rate_limit|stopped||1||rate limited"], Lines(run));
        Assert.Equal("skipped: rate limited (limit-sender stopped)", run.Result.Summary);
    }

    [Fact]
    public void GuardStopWithoutReason_StoppedByTheAction()
    {
        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, new Script().Output("limit-sender", ToJson(new { verdict = "stop" })));

        Assert.Equal("stopped by guard.rate_limit", run.Result.Reason);
        Assert.Equal(["limit-sender|guard.rate_limit|stopped||1||stopped by guard.rate_limit"], Lines(run));
    }

    [Fact]
    public void GuardDeferOnce_TimerThenAskedAgain_AttemptsCountBothAsks()
    {
        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, new Script().Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(5), "full")));

        Assert.Equal("limit-sender|guard.rate_limit|completed||2||", Lines(run)[0]);
        Assert.Equal(new StartTimer("limit-sender", T0.AddMinutes(5), StartTimer.GuardDefer), run.Decisions[1]);
    }

    [Fact]
    public void GuardDeferredTooOften_StoppedAfterTheLastAsk()
    {
        var script = new Script();
        for (var i = 0; i <= WorkflowInterpreter.MaxGuardDefers; i++)
        {
            script.Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(i + 1)));
        }

        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, script);

        Assert.Equal(["limit-sender|guard.rate_limit|stopped||11||guard.rate_limit deferred the run more than 10 times"], Lines(run));
        Assert.Equal(11, run.All<CallActivity>().Count());
    }

    [Fact]
    public void GuardDeferredExactlyTheMaximum_ThenContinues()
    {
        var script = new Script();
        for (var i = 0; i < WorkflowInterpreter.MaxGuardDefers; i++)
        {
            script.Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(i + 1)));
        }

        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, script);

        Assert.Equal("limit-sender|guard.rate_limit|completed||11||", Lines(run)[0]);
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }

    [Fact]
    public void Fallback_RecordsProviderAttemptsAndTriedInOrder_SummaryNamesThem()
    {
        var run = Recording.Drive(Seed("transcribe-forwarded-voice"), Text with { ContentType = ContentTypes.Audio, IsForwarded = true }, new Script()
            .Fail("transcribe", "down", provider: "groq", attempts: 2)
            .Complete("transcribe", new { text = "see you" }, provider: "openai"));

        Assert.Equal(["transcribe|transform.stt.audio|completed|openai|3|groq,openai|", "reply|route.reply|completed||1||"], Lines(run));
        Assert.Equal("completed: transcribe completed via openai after 3 attempts; reply completed", run.Result.Summary);
    }

    [Fact]
    public void AllProvidersFail_FailedRecordWithLastErrorAndEveryProviderTried()
    {
        var run = Recording.Drive(Seed("transcribe-forwarded-voice"), Text with { ContentType = ContentTypes.Audio, IsForwarded = true }, new Script()
            .Fail("transcribe", "down", provider: "groq", attempts: 1)
            .Fail("transcribe", "timeout", provider: "openai", attempts: 1)
            .Fail("transcribe", "quota", provider: "assemblyai", attempts: 1));

        Assert.Equal(["transcribe|transform.stt.audio|failed||3|groq,openai,assemblyai|assemblyai: quota"], Lines(run));
        Assert.Equal("step 'transcribe' failed: assemblyai: quota", run.Result.Reason);
        Assert.Equal("failed: step 'transcribe' failed: assemblyai: quota (transcribe failed after 3 attempts)", run.Result.Summary);
    }

    private const string Escalation = """
        id: escalation
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: escalate
            action: route.escalate.human
            with: { reason: "{{ text }}" }
            wait_for: { event: resolved, timeout: 2h }
          - id: log
            action: meta.analytics.log
            with: { name: "{{ steps.escalate.timed_out }}/{{ steps.escalate.event.by }}" }
        """;

    [Fact]
    public void WaitFor_Received_RecordedWithTheEventForLaterSteps()
    {
        var run = Recording.Drive(Load(Escalation), Text, new Script().Raise("escalate", "resolved", TimeSpan.FromMinutes(5), new { by = "ana" }));

        Assert.Equal("escalate|route.escalate.human|completed||1||received 'resolved'", Lines(run)[0]);
        Assert.Equal("false/ana", run.All<CallActivity>().Last().Parameters.GetProperty("name").GetString());
        Assert.Equal(new WaitForExternalEvent("escalate", "resolved", T0.AddSeconds(1).AddHours(2)), run.Decisions[1]);
    }

    [Fact]
    public void WaitFor_Deadline_RecordedAsTimedOut()
    {
        var run = Recording.Drive(Load(Escalation), Text);

        Assert.Equal("escalate|route.escalate.human|timed_out||1||no 'resolved' within 2h", Lines(run)[0]);
        Assert.Equal("true/", run.All<CallActivity>().Last().Parameters.GetProperty("name").GetString());
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }

    [Fact]
    public void FollowUpDelay_CountsFromTheLastEntryOfTheRun_NotTheEvent()
    {
        var run = Recording.Drive(Load("""
            id: later
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: first
                action: meta.analytics.log
                with: { name: a }
              - id: second
                action: meta.analytics.log
                after: 1h
                with: { name: b }
            """), Text);

        // The first call's result is recorded at T0 + 1 s (the scripted executor's clock).
        Assert.Equal(new StartTimer("second", T0.AddSeconds(1).AddHours(1), StartTimer.FollowUp), run.Decisions[1]);
    }

    [Fact]
    public void StartOf_IsOccurredAtElseReceivedAt()
    {
        Assert.Equal(T0, WorkflowInterpreter.StartOf(Text));
        Assert.Equal(T0.AddSeconds(1), WorkflowInterpreter.StartOf(Text with { OccurredAt = null }));
    }

    [Theory]
    [InlineData(EventKinds.Message, false, true)]
    [InlineData(EventKinds.Reaction, false, true)]
    [InlineData(EventKinds.PollVote, false, true)]
    [InlineData(EventKinds.Receipt, false, false)]
    [InlineData(EventKinds.Presence, false, false)]
    [InlineData(EventKinds.Message, true, false)]
    public void IsContactReply_InboundMessagesReactionsAndVotesOnly(string kind, bool fromMe, bool expected)
    {
        Assert.Equal(expected, WorkflowInterpreter.IsContactReply(Text with { EventKind = kind, FromMe = fromMe }));
    }

    [Fact]
    public void IsContactReply_WithoutConversation_False()
    {
        Assert.False(WorkflowInterpreter.IsContactReply(Text with { ConversationId = null }));
        Assert.Equal("""{"event_id":"evt_demo_0123456789abcdef0123456789abcdef"}""", WorkflowInterpreter.ContactRepliedPayload(Text).GetRawText());
    }

    [Fact]
    public void PublicEntryPoints_NullArguments_Refused()
    {
        var definition = Seed("ignore-self");
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.Decide(null!, Text, RunHistory.Empty));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.Decide(definition, null!, RunHistory.Empty));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.Decide(definition, Text, null!));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.MaxDecisions(null!));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.RunIdFor(null!, Text));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.RunIdFor(definition, null!));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.StartOf(null!));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.IsContactReply(null!));
        Assert.Throws<ArgumentNullException>(() => WorkflowInterpreter.ContactRepliedPayload(null!));
    }

    // Replayed history that does not fit the workflow: each check names the entry and what was expected.

    private static WorkflowHistoryMismatchException Mismatch(WorkflowDefinition definition, params HistoryEntry[] entries) =>
        Assert.Throws<WorkflowHistoryMismatchException>(() => WorkflowInterpreter.Decide(definition, Text, new RunHistory(entries)));

    [Fact]
    public void Replay_ResultFromAnotherProvider_Mismatch()
    {
        var error = Mismatch(Seed("transcribe-forwarded-voice"), new ActivityCompleted("transcribe", T0, "openai", ToJson(new { text = "x" })));

        Assert.Equal(
            "history entry #1 (ActivityCompleted for step 'transcribe') does not fit workflow 'transcribe-forwarded-voice' v1: expected a result of step 'transcribe' from provider 'groq'",
            error.Message);
    }

    [Fact]
    public void Replay_FailureFromAnotherProvider_Mismatch()
    {
        var error = Mismatch(Seed("transcribe-forwarded-voice"), new ActivityFailed("transcribe", T0, "openai", "down"));

        Assert.Contains("expected a result of step 'transcribe' from provider 'groq'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_TimerWhereAResultIsExpected_Mismatch()
    {
        var error = Mismatch(Seed("ignore-self"), new TimerFired("ignore-own", T0));

        Assert.Contains("(TimerFired for step 'ignore-own')", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected a result of step 'ignore-own' from provider '(none)'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_ResultWhereTheDeferralTimerIsExpected_Mismatch()
    {
        var error = Mismatch(Seed("reply-to-direct-text"),
            new ActivityCompleted("limit-sender", T0, null, GuardVerdict.Defer(T0.AddMinutes(1))),
            new ActivityCompleted("limit-sender", T0, null, GuardVerdict.Continue()));

        Assert.Contains("history entry #1 (ActivityCompleted for step 'limit-sender')", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("expected the deferral timer of step 'limit-sender'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_OtherEventWhereTheWaitIsExpected_Mismatch()
    {
        var error = Mismatch(Load(Escalation),
            new ActivityCompleted("escalate", T0, null, ToJson(new { ok = true })),
            new ExternalEventReceived("escalate", T0, "other"));

        Assert.EndsWith("expected 'resolved' or the deadline of step 'escalate'", error.Message, StringComparison.Ordinal);
    }

    private const string Delayed = """
        id: delayed
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: later
            action: meta.analytics.log
            after: 1h
            with: { name: x }
        """;

    [Fact]
    public void Replay_ResultWhereTheFollowUpTimerIsExpected_Mismatch()
    {
        var error = Mismatch(Load(Delayed), new ActivityCompleted("later", T0, null, ToJson(new { ok = true })));

        Assert.Equal(
            "history entry #0 (ActivityCompleted for step 'later') does not fit workflow 'delayed' v1: expected the follow-up timer of step 'later'",
            error.Message);
    }

    [Fact]
    public void Replay_ResultWhereTheReplyOrTimerIsExpected_Mismatch()
    {
        var error = Mismatch(Seed("remind-if-no-reply"), new ActivityCompleted("remind", T0, null, ToJson(new { ok = true })));

        Assert.EndsWith("expected 'contact_replied' or the follow-up timer of step 'remind'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_SecondReplyWhileWaitingOutTheDelay_Mismatch()
    {
        var definition = Load("""
            id: remind-vip
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: remind
                action: meta.notify.webhook
                after: 2h
                unless: "replied && text == 'never'"
                with: { url: "https://example.com" }
            """);

        var error = Mismatch(definition,
            new ExternalEventReceived("remind", T0, WorkflowInterpreter.ContactRepliedEvent),
            new ExternalEventReceived("remind", T0, WorkflowInterpreter.ContactRepliedEvent));

        Assert.Contains("history entry #1 (ExternalEventReceived for step 'remind')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_EntryAfterTheRunIsComplete_Mismatch()
    {
        var definition = Load("""
            id: nothing-to-do
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: log
                action: meta.analytics.log
                when: "is_forwarded"
                with: { name: x }
            """);

        var error = Mismatch(definition, new TimerFired("log", T0));

        Assert.Equal(
            "history entry #0 (TimerFired for step 'log') does not fit workflow 'nothing-to-do' v1: expected the run is complete",
            error.Message);
    }
}
