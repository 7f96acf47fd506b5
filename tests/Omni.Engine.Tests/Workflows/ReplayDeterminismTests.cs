using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// Records runs against a scripted executor, then feeds every prefix of each recorded history back: the interpreter
/// must decide exactly what it decided at that point (a Durable orchestrator replays exactly like this).
/// </summary>
public class ReplayDeterminismTests
{
    private const string Branching = """
        id: branching
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: limit
            action: guard.rate_limit
            with: { limit: 5, window: 1h, on_exceed: defer }
          - id: route
            if: "is_forwarded || text contains 'urgent'"
            then:
              - id: escalate
                action: route.escalate.human
                with: { reason: "{{ text }}" }
                wait_for: { event: resolved, timeout: 48h }
            else:
              - id: ask
                action: route.agent.default
                retry: { max_attempts: 5, first_delay: 1s }
              - id: reply
                action: route.reply
                with: { text: "{{ steps.ask.output.text }}" }
          - id: tag
            action: persist.tagging
            with: { tags: [handled] }
          - id: remind
            action: meta.notify.webhook
            after: 24h
            unless: replied
            with: { url: "https://example.com", body: "{{ steps.route.output.branch }}" }
        """;

    public static TheoryData<string> Scenarios() => new(ScenarioNames);

    private static readonly string[] ScenarioNames =
    [
        "ignore-self", "reply", "reply-rate-limited", "reply-deferred", "reply-agent-down",
        "transcribe-fallback", "transcribe-check", "describe", "remind-fires", "remind-cancelled",
        "branch-escalate-resolved", "branch-escalate-timeout", "branch-reply-replied", "follow-up-timer",
    ];

    private const string FollowUp = """
        id: follow-up
        version: 1
        trigger: { event_kinds: [message] }
        steps:
          - id: transcribe
            action: transform.stt.audio
            providers: [openai, groq]
            continue_on_error: true
          - id: log
            action: meta.analytics.log
            after: 1h30m
            with: { name: "{{ steps.transcribe.status }}" }
        """;

    private static (WorkflowDefinition Definition, OmniEvent Event, Script Script) Scenario(string name)
    {
        var audio = Message(ContentTypes.Audio, null) with { IsForwarded = true };
        var own = Message(text: "ping") with { FromMe = true };
        return name switch
        {
            "ignore-self" => (Seed("ignore-self"), own, new Script().Output("ignore-own", GuardVerdict.Stop("own message"))),
            "reply" => (Seed("reply-to-direct-text"), Message(), new Script().Complete("ask-agent", new { text = "Hi!" }, attempts: 2)),
            "reply-rate-limited" => (Seed("reply-to-direct-text"), Message(), new Script().Output("limit-sender", GuardVerdict.Stop("rate limited"))),
            "reply-deferred" => (Seed("reply-to-direct-text"), Message(), new Script()
                .Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(5)))
                .Output("limit-sender", GuardVerdict.Defer(T0.AddMinutes(9)))),
            "reply-agent-down" => (Seed("reply-to-direct-text"), Message(), new Script().Fail("ask-agent", "503")),
            "transcribe-fallback" => (Seed("transcribe-forwarded-voice"), audio, new Script()
                .Fail("transcribe", "429", provider: "groq")
                .Complete("transcribe", new { text = "on my way" }, provider: "openai")),
            "transcribe-check" => (Seed("transcribe-forwarded-voice"), audio, new Script()
                .Complete("transcribe", new { text = "as an AI model" }, provider: "groq")),
            "describe" => (Seed("describe-view-once-image"), Message(ContentTypes.Image, null) with { IsViewOnce = true }, new Script()
                .Complete("describe", new { text = "a cat on a sofa" })),
            "remind-fires" => (Seed("remind-if-no-reply"), own, new Script()),
            "remind-cancelled" => (Seed("remind-if-no-reply"), own, new Script().Raise("remind", WorkflowInterpreter.ContactRepliedEvent, TimeSpan.FromHours(1))),
            "branch-escalate-resolved" => (Load(Branching), Message(text: "urgent: help"), new Script()
                .Raise("escalate", "resolved", TimeSpan.FromHours(2), new { by = "maria" })
                .Output("limit", GuardVerdict.Defer(T0.AddMinutes(1)))),
            "follow-up-timer" => (Load(FollowUp), Message(), new Script().Fail("transcribe", "x", provider: "openai").Fail("transcribe", "y", provider: "groq")),
            "branch-escalate-timeout" => (Load(Branching), Message() with { IsForwarded = true }, new Script()),
            _ => (Load(Branching), Message(), new Script()
                .Fail("ask", "timeout", attempts: 5)
                .Raise("remind", WorkflowInterpreter.ContactRepliedEvent, TimeSpan.FromHours(1))),
        };
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Decide_EveryHistoryPrefix_SameDecisionAsRecorded(string name)
    {
        var (definition, evt, script) = Scenario(name);
        var recording = Recording.Drive(definition, evt, script);
        Assert.Equal(recording.History.Count + 1, recording.Decisions.Count);

        for (var i = 0; i <= recording.History.Count; i++)
        {
            var replayed = WorkflowInterpreter.Decide(definition, evt, recording.History.Prefix(i));
            Assert.Equal(Serialize(recording.Decisions[i]), Serialize(replayed));
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Decide_FreshlyParsedDefinition_SameDecisions(string name)
    {
        // A host re-parses the stored YAML on every replay; the result must not depend on the instance.
        var (definition, evt, script) = Scenario(name);
        var recording = Recording.Drive(definition, evt, script);
        var (again, _, _) = Scenario(name);
        Assert.Equal(Serialize(recording.Result), Serialize(WorkflowInterpreter.Decide(again, evt, recording.History)));
    }

    [Fact]
    public void Scenarios_CoverEveryDecisionType()
    {
        var decisions = ScenarioNames.SelectMany(name =>
        {
            var (definition, evt, script) = Scenario(name);
            return Recording.Drive(definition, evt, script).Decisions;
        }).ToList();
        Assert.Contains(decisions, d => d is CallActivity);
        Assert.Contains(decisions, d => d is StartTimer { Purpose: StartTimer.GuardDefer });
        Assert.Contains(decisions, d => d is StartTimer { Purpose: StartTimer.FollowUp });
        Assert.Contains(decisions, d => d is WaitForExternalEvent);
        Assert.Equal([RunOutcomes.Completed, RunOutcomes.Failed, RunOutcomes.Skipped],
            decisions.OfType<Complete>().Select(c => c.Outcome).Distinct().Order(StringComparer.Ordinal));
    }
}
