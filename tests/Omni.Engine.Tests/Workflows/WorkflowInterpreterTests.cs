using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

public class WorkflowInterpreterTests
{
    private static readonly OmniEvent Text = Message(text: "hi there");

    private static readonly OmniEvent ForwardedAudio = Message(ContentTypes.Audio, text: null) with { IsForwarded = true };

    private static readonly OmniEvent Outbound = Message(text: "are we still on for friday?") with { FromMe = true };

    [Fact]
    public void Decide_EmptyHistory_CallsFirstStepWithRenderedDefaults()
    {
        var call = Assert.IsType<CallActivity>(WorkflowInterpreter.Decide(Seed("reply-to-direct-text"), Text, RunHistory.Empty));

        Assert.Equal("limit-sender", call.StepId);
        Assert.Equal("guard.rate_limit", call.ActionId);
        Assert.Equal("""{"per":"sender","limit":10,"window":"1h","on_exceed":"stop"}""", call.Parameters.GetRawText());
        Assert.False(call.IsSideEffect);
        Assert.Null(call.EffectKey);
    }

    [Fact]
    public void Decide_ReplyPlaybook_RepliesWithAgentTextAndEffectKey()
    {
        var definition = Seed("reply-to-direct-text");
        var run = Recording.Drive(definition, Text, new Script().Complete("ask-agent", new { text = "Hello Ana!" }));

        var calls = run.All<CallActivity>().ToList();
        Assert.Equal(["limit-sender", "ask-agent", "reply"], calls.Select(c => c.StepId));
        var reply = calls[2];
        Assert.Equal("Hello Ana!", reply.Parameters.GetProperty("text").GetString());
        Assert.True(reply.IsSideEffect);
        Assert.Equal($"{WorkflowInterpreter.RunIdFor(definition, Text)}/reply", reply.EffectKey);
        Assert.Equal(new RetryPolicy(3, TimeSpan.FromSeconds(2), 2.0, TimeSpan.FromMinutes(1)), calls[1].Retry);
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
        Assert.Equal(["completed", "completed", "completed"], run.Result.Steps.Select(s => s.Status));
    }

    [Fact]
    public void Decide_GuardStops_RunSkippedWithReason()
    {
        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, new Script().Output("limit-sender", GuardVerdict.Stop("rate limited: 10 per 1h")));

        Assert.Single(run.All<CallActivity>());
        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Equal("rate limited: 10 per 1h", run.Result.Reason);
        Assert.StartsWith("skipped: rate limited", run.Result.Summary, StringComparison.Ordinal);
        Assert.Equal(StepStatuses.Stopped, run.Result.Steps.Single().Status);
    }

    [Fact]
    public void Decide_OwnMessage_IgnoreSelfSkips()
    {
        var run = Recording.Drive(Seed("ignore-self"), Outbound, new Script().Output("ignore-own", GuardVerdict.Stop("own message")));
        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Equal("own message", run.Result.Reason);
    }

    [Fact]
    public void Decide_GuardDefers_TimerUntilThenAsksAgain()
    {
        var until = T0.AddMinutes(17);
        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, new Script().Output("limit-sender", GuardVerdict.Defer(until, "window full")));

        var timer = Assert.Single(run.All<StartTimer>());
        Assert.Equal(new StartTimer("limit-sender", until, StartTimer.GuardDefer), timer);
        Assert.Equal(["limit-sender", "limit-sender", "ask-agent", "reply"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }

    [Fact]
    public void Decide_GuardDefersForever_BoundedAndSkipped()
    {
        var script = new Script();
        for (var i = 0; i <= WorkflowInterpreter.MaxGuardDefers; i++)
        {
            script.Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(i + 1)));
        }

        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, script);
        Assert.Equal(WorkflowInterpreter.MaxGuardDefers, run.All<StartTimer>().Count());
        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Contains("more than 10 times", run.Result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxDecisions_ReplyPlaybook_CountsEveryStepsWorstCase()
    {
        // Three single-provider action steps: (1 'when' read + 6 follow-up (2 signal waits, the rest of the delay, a read
        // after each) + 11 asks + 10 deferral timers + 1 wait) each, plus Complete.
        Assert.Equal(1 + (3 * 29), WorkflowInterpreter.MaxDecisions(Seed("reply-to-direct-text")));
    }

    [Fact]
    public void MaxDecisions_GuardDefersForever_RunStaysWithinTheBound()
    {
        var script = new Script();
        for (var i = 0; i <= WorkflowInterpreter.MaxGuardDefers; i++)
        {
            script.Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(i + 1)));
        }

        var definition = Seed("reply-to-direct-text");
        var run = Recording.Drive(definition, Text, script);

        // 11 guard calls, 10 deferral timers and the Complete: the worst case of the first step, all within the bound.
        Assert.Equal(22, run.Decisions.Count);
        Assert.True(run.Decisions.Count <= WorkflowInterpreter.MaxDecisions(definition));
    }

    [Fact]
    public void MaxDecisions_ProviderChain_GrowsWithTheProviders()
    {
        var definition = Seed("transcribe-forwarded-voice");
        var chained = definition.AllSteps.OfType<ActionStep>().Sum(s => Math.Max(s.Providers.Count, 1));
        var steps = definition.AllSteps.OfType<ActionStep>().Count();

        Assert.True(chained > steps, "the seed's transcription step has a provider chain");
        Assert.Equal(1 + (steps * (7 + WorkflowInterpreter.MaxGuardDefers + 1)) + (chained * (WorkflowInterpreter.MaxGuardDefers + 1)),
            WorkflowInterpreter.MaxDecisions(definition));
    }

    [Fact]
    public void Decide_RetriesExhausted_RunFails()
    {
        var run = Recording.Drive(Seed("reply-to-direct-text"), Text, new Script().Fail("ask-agent", "agent unavailable (503)", attempts: 3));

        Assert.Equal(RunOutcomes.Failed, run.Result.Outcome);
        Assert.Equal("step 'ask-agent' failed: agent unavailable (503)", run.Result.Reason);
        var failed = run.Result.Steps.Single(s => s.StepId == "ask-agent");
        Assert.Equal(StepStatuses.Failed, failed.Status);
        Assert.Equal(3, failed.Attempts);
        Assert.DoesNotContain(run.All<CallActivity>(), c => c.StepId == "reply");
    }

    [Fact]
    public void Decide_FirstProviderFails_FallsBackToSecond()
    {
        var run = Recording.Drive(Seed("transcribe-forwarded-voice"), ForwardedAudio, new Script()
            .Fail("transcribe", "groq 429", provider: "groq", attempts: 2)
            .Complete("transcribe", new { text = "see you at eight" }, provider: "openai"));

        var calls = run.All<CallActivity>().Where(c => c.StepId == "transcribe").ToList();
        Assert.Equal(["groq", "openai"], calls.Select(c => c.Provider));
        Assert.Equal(["openai", "assemblyai"], calls[0].FallbackProviders);
        Assert.Equal(["assemblyai"], calls[1].FallbackProviders);
        var outcome = run.Result.Steps.Single(s => s.StepId == "transcribe");
        Assert.Equal("openai", outcome.Provider);
        Assert.Equal(3, outcome.Attempts);
        Assert.Equal(["groq", "openai"], outcome.ProvidersTried);
        Assert.Equal("Transcript: see you at eight", run.All<CallActivity>().Last().Parameters.GetProperty("text").GetString());
    }

    [Fact]
    public void Decide_ResultFailsCheck_NextProviderTried()
    {
        var run = Recording.Drive(Seed("transcribe-forwarded-voice"), ForwardedAudio, new Script()
            .Complete("transcribe", new { text = "As an AI, I cannot transcribe this." }, provider: "groq")
            .Complete("transcribe", new { text = "" }, provider: "openai")
            .Complete("transcribe", new { text = "call me back" }, provider: "assemblyai"));

        Assert.Equal(["groq", "openai", "assemblyai", null], run.All<CallActivity>().Select(c => c.Provider));
        Assert.Equal("assemblyai", run.Result.Steps.Single(s => s.StepId == "transcribe").Provider);
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }

    [Fact]
    public void Decide_AllProvidersFail_RunFailsWithLastError()
    {
        var run = Recording.Drive(Seed("transcribe-forwarded-voice"), ForwardedAudio, new Script()
            .Fail("transcribe", "down", provider: "groq")
            .Fail("transcribe", "down", provider: "openai")
            .Complete("transcribe", new { text = "" }, provider: "assemblyai"));

        Assert.Equal(RunOutcomes.Failed, run.Result.Outcome);
        Assert.Contains("assemblyai: result failed the check", run.Result.Reason, StringComparison.Ordinal);
    }

    private const string BranchWorkflow = """
        id: branching
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: route
            if: "is_forwarded"
            then:
              - id: forward
                action: route.forward.cross_channel
                with: { instance: demo-slack, to: "C0INBOX", text: "fwd: {{ text }}" }
            else:
              - id: ask
                action: route.agent.default
              - id: reply
                action: route.reply
                with: { text: "{{ steps.ask.output.text }}" }
          - id: tag
            action: persist.tagging
            with: { tags: ["{{ content_type }}"] }
          - id: done
            stop: all done
            when: "steps.route.output.branch == 'then'"
          - id: log
            action: meta.analytics.log
            with: { name: replied }
        """;

    [Fact]
    public void Decide_BranchCondition_TrueRunsThen()
    {
        var run = Recording.Drive(Load(BranchWorkflow), Text with { IsForwarded = true });

        Assert.Equal(["forward", "tag"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal("fwd: hi there", run.All<CallActivity>().First().Parameters.GetProperty("text").GetString());
        Assert.Equal(RunOutcomes.Skipped, run.Result.Outcome);
        Assert.Equal("all done", run.Result.Reason);
    }

    [Fact]
    public void Decide_BranchCondition_FalseRunsElse()
    {
        var run = Recording.Drive(Load(BranchWorkflow), Text);

        Assert.Equal(["ask", "reply", "tag", "log"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
        Assert.Equal(StepStatuses.Skipped, run.Result.Steps.Single(s => s.StepId == "done").Status);
    }

    [Fact]
    public void Decide_StringListParameter_KeptAsJson()
    {
        var run = Recording.Drive(Load(BranchWorkflow), Text);
        Assert.Equal("""{"tags":["{{ content_type }}"],"target":"conversation"}""", run.All<CallActivity>().Single(c => c.StepId == "tag").Parameters.GetRawText());
    }

    [Fact]
    public void Decide_FollowUp_NoReply_NotifiesAfter24h()
    {
        var run = Recording.Drive(Seed("remind-if-no-reply"), Outbound);

        var wait = Assert.IsType<WaitForExternalEvent>(run.Decisions[0]);
        Assert.Equal(new WaitForExternalEvent("remind", WorkflowInterpreter.ContactRepliedEvent, T0.AddHours(24)), wait);
        var call = Assert.Single(run.All<CallActivity>());
        Assert.Equal("meta.notify.webhook", call.ActionId);
        Assert.Equal("No reply from 5511999990001@s.whatsapp.net within 24h to: are we still on for friday?", call.Parameters.GetProperty("body").GetString());
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }

    [Fact]
    public void Decide_FollowUp_ContactReplied_Cancelled()
    {
        var run = Recording.Drive(Seed("remind-if-no-reply"), Outbound, new Script().Raise("remind", WorkflowInterpreter.ContactRepliedEvent, TimeSpan.FromHours(3)));

        Assert.Empty(run.All<CallActivity>());
        Assert.Equal(2, run.Decisions.Count);
        var step = run.Result.Steps.Single();
        Assert.Equal(StepStatuses.Skipped, step.Status);
        Assert.Equal("unless: the contact replied", step.Detail);
    }

    [Fact]
    public void Decide_FollowUpUnlessFalseAfterReply_WaitsOutTheRestWithATimer()
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
        var run = Recording.Drive(definition, Outbound, new Script().Raise("remind", WorkflowInterpreter.ContactRepliedEvent, TimeSpan.FromMinutes(30)));

        Assert.Equal(new StartTimer("remind", T0.AddHours(2), StartTimer.FollowUp), run.Decisions[1]);
        Assert.Single(run.All<CallActivity>());
    }

    [Fact]
    public void Decide_AfterWithoutUnless_PlainTimer()
    {
        var definition = Load("""
            id: later
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: log
                action: meta.analytics.log
                after: 10m
                with: { name: later }
            """);
        var run = Recording.Drive(definition, Text);
        Assert.Equal(new StartTimer("log", T0.AddMinutes(10), StartTimer.FollowUp), run.Decisions[0]);
        Assert.Single(run.All<CallActivity>());
    }

    private const string EscalationWorkflow = """
        id: escalate
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: escalate
            action: route.escalate.human
            with: { reason: "{{ text }}" }
            wait_for: { event: resolved, timeout: 48h }
          - id: nudge
            action: meta.notify.webhook
            when: "steps.escalate.timed_out"
            with: { url: "https://example.com/escalations", body: "unresolved after 48h" }
          - id: log
            action: meta.analytics.log
            when: "steps.escalate.status == 'completed'"
            with: { name: "resolved by {{ steps.escalate.event.by }}" }
        """;

    [Fact]
    public void Decide_Escalation_WaitsForResolved()
    {
        var run = Recording.Drive(Load(EscalationWorkflow), Text, new Script().Raise("escalate", "resolved", TimeSpan.FromHours(5), new { by = "maria" }));

        var wait = Assert.Single(run.All<WaitForExternalEvent>());
        Assert.Equal("resolved", wait.Name);
        Assert.Equal(T0.AddSeconds(1).AddHours(48), wait.Deadline);
        Assert.Equal(["escalate", "log"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal("resolved by maria", run.All<CallActivity>().Last().Parameters.GetProperty("name").GetString());
    }

    [Fact]
    public void Decide_Escalation_TimesOut()
    {
        var run = Recording.Drive(Load(EscalationWorkflow), Text);

        Assert.Equal(["escalate", "nudge"], run.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal(StepStatuses.TimedOut, run.Result.Steps.Single(s => s.StepId == "escalate").Status);
        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
    }

    [Fact]
    public void Decide_ContinueOnError_RunGoesOn()
    {
        var definition = Load("""
            id: best-effort
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: tag
                action: persist.tagging
                continue_on_error: true
                with: { tags: [seen] }
              - id: log
                action: meta.analytics.log
                when: "steps.tag.status == 'failed'"
                with: { name: "tagging failed: {{ steps.tag.error }}" }
            """);
        var run = Recording.Drive(definition, Text, new Script().Fail("tag", "table busy"));

        Assert.Equal(RunOutcomes.Completed, run.Result.Outcome);
        Assert.Equal("tagging failed: table busy", run.All<CallActivity>().Last().Parameters.GetProperty("name").GetString());
    }

    [Fact]
    public void Decide_ContactOverrideOutput_LaterStepsReadAgentAndPrompt()
    {
        // The validator accepts steps.<id>.output.agent from a guard, and the interpreter renders it into the agent step.
        var definition = Load("""
            id: vip-agent
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: vip
                action: guard.contact_override.vip
                with: { agent: concierge, system_prompt: "Be warm." }
              - id: ask
                action: route.agent.default
                with:
                  agent: "{{ steps.vip.output.agent }}"
                  system_prompt: "{{ steps.vip.output.system_prompt }}"
              - id: reply
                action: route.reply
                when: "steps.vip.output.applies"
                with: { text: "{{ steps.ask.output.text }}" }
            """);
        var applies = ToJson(new { verdict = "continue", label = "vip", applies = true, agent = "concierge", system_prompt = "Be warm." });
        var vip = Recording.Drive(definition, Text, new Script().Output("vip", applies));
        Assert.Equal(RunOutcomes.Completed, vip.Result.Outcome);
        var ask = vip.All<CallActivity>().Single(c => c.StepId == "ask");
        Assert.Equal(("concierge", "Be warm."), (ask.Parameters.GetProperty("agent").GetString(), ask.Parameters.GetProperty("system_prompt").GetString()));
        Assert.Equal(["vip", "ask", "reply"], vip.All<CallActivity>().Select(c => c.StepId));

        // Not a VIP: the guard still continues; the agent step gets empty values (its defaults) and the reply is skipped.
        var other = Recording.Drive(definition, Text, new Script().Output("vip", ToJson(new { verdict = "continue", label = "vip", applies = false })));
        Assert.Equal(RunOutcomes.Completed, other.Result.Outcome);
        Assert.Equal("", other.All<CallActivity>().Single(c => c.StepId == "ask").Parameters.GetProperty("agent").GetString());
        Assert.Equal(["vip", "ask"], other.All<CallActivity>().Select(c => c.StepId));
    }

    [Fact]
    public void Decide_ForwardJump_SkipsToTarget()
    {
        var definition = Load("""
            id: jump
            version: 1
            trigger: { event_kinds: [message] }
            lists: { vip: ["5511999990001@s.whatsapp.net"] }
            steps:
              - id: vip
                action: guard.contact_override.vip
                when: "sender in list('vip')"
                next: reply
              - id: ask
                action: route.agent.default
              - id: reply
                action: route.reply
                with: { text: "{{ steps.vip.output.agent }}{{ steps.ask.output.text }}" }
            """);
        var vip = Recording.Drive(definition, Text, new Script().Output("vip", ToJson(new { verdict = "continue", agent = "hello vip" })));
        Assert.Equal(["vip", "reply"], vip.All<CallActivity>().Select(c => c.StepId));
        Assert.Equal("""{"label":"vip"}""", vip.All<CallActivity>().First().Parameters.GetRawText());
        Assert.Equal("hello vip", vip.All<CallActivity>().Last().Parameters.GetProperty("text").GetString());

        var other = Recording.Drive(definition, Text with { SenderHandle = "someone-else" });
        Assert.Equal(["ask", "reply"], other.All<CallActivity>().Select(c => c.StepId));
    }

    [Fact]
    public void Decide_InvalidGuardVerdict_StepFails()
    {
        var run = Recording.Drive(Seed("ignore-self"), Outbound, new Script().Complete("ignore-own", new { ok = true }));
        Assert.Equal(RunOutcomes.Failed, run.Result.Outcome);
        Assert.Contains("no valid verdict", run.Result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bug_GuardDeferUntilNotATime_StepFailsInsteadOfThrowing()
    {
        // The time converter threw a FormatException for an unparseable "until", which escaped GuardVerdict.Parse and
        // the interpreter (the orchestration crashed) instead of failing the step as any other invalid verdict does.
        var run = Recording.Drive(Seed("ignore-self"), Outbound, new Script().Complete("ignore-own", new { verdict = "defer", until = "tomorrow" }));
        Assert.Equal(RunOutcomes.Failed, run.Result.Outcome);
        Assert.Contains("""guard returned no valid verdict: {"verdict":"defer","until":"tomorrow"}""", run.Result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HistoryForAnotherStep_Throws()
    {
        var history = new RunHistory([new ActivityCompleted("reply", T0, null, GuardVerdict.Continue())]);
        var error = Assert.Throws<WorkflowHistoryMismatchException>(() => WorkflowInterpreter.Decide(Seed("reply-to-direct-text"), Text, history));
        Assert.Contains("limit-sender", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HistoryLongerThanTheRun_Throws()
    {
        var run = Recording.Drive(Seed("ignore-self"), Outbound);
        var longer = run.History.Append(new TimerFired("ignore-own", T0));
        Assert.Throws<WorkflowHistoryMismatchException>(() => WorkflowInterpreter.Decide(Seed("ignore-self"), Outbound, longer));
    }

    [Fact]
    public void Decide_ExpressionErrorAtRuntime_RunFails_StepRecordedFailedWithTheError()
    {
        var definition = Load("""
            id: dynamic-regex
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: log
                action: meta.analytics.log
                when: "text matches sender_name"
                with: { name: x }
            """);
        var run = Recording.Drive(definition, Text with { SenderName = "(" });
        Assert.Equal(RunOutcomes.Failed, run.Result.Outcome);
        Assert.Contains("invalid regular expression", run.Result.Reason, StringComparison.Ordinal);
        var step = Assert.Single(run.Result.Steps);
        Assert.Equal("log", step.StepId);
        Assert.Equal("meta.analytics.log", step.ActionId);
        Assert.Equal(StepStatuses.Failed, step.Status);
        Assert.Null(step.Provider);
        Assert.Equal(0, step.Attempts);
        Assert.Empty(step.ProvidersTried);
        Assert.StartsWith("expression error: ", step.Detail, StringComparison.Ordinal);
        Assert.Equal($"step 'log': {step.Detail}", run.Result.Reason);
    }

    [Fact]
    public void RunId_SameInputs_SameIdDifferentVersionDifferentId()
    {
        Assert.Equal(WorkflowRunId.For("evt_1", "wf", 1), WorkflowRunId.For("evt_1", "wf", 1));
        Assert.NotEqual(WorkflowRunId.For("evt_1", "wf", 1), WorkflowRunId.For("evt_1", "wf", 2));
        Assert.Matches("^wf_[0-9a-f]{32}$", WorkflowRunId.For("evt_1", "wf", 1));
    }

    [Fact]
    public void History_RoundTripsThroughJson()
    {
        var run = Recording.Drive(Seed("transcribe-forwarded-voice"), ForwardedAudio, new Script().Fail("transcribe", "down", provider: "groq"));
        var json = JsonSerializer.Serialize(run.History.Entries, Omni.Engine.Json.OmniJson.Options);
        var back = new RunHistory(JsonSerializer.Deserialize<List<HistoryEntry>>(json, Omni.Engine.Json.OmniJson.Options)!);

        Assert.Equal(Serialize(run.Result), Serialize(WorkflowInterpreter.Decide(Seed("transcribe-forwarded-voice"), ForwardedAudio, back)));
        Assert.Contains("\"type\":\"activity_failed\"", json, StringComparison.Ordinal);
    }
}
