using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Running;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Workflows;

/// <summary><c>we_replied</c>, <c>contact_replied</c> and <c>conversation.*</c> in follow-ups and conditions: the "VIP waits for us" rule.</summary>
public class ConversationSignalsTests
{
    private const string VipAlert = """
        id: vip-unanswered
        version: 1
        lists:
          vip: ["5511999990001@s.whatsapp.net"]
        trigger:
          event_kinds: [message]
          when: "!from_me && sender in list('vip')"
        steps:
          - id: alert
            action: meta.notify.webhook
            after: 2h
            unless: we_replied
            with: { url: "https://hooks.example.com/me", body: "{{ sender_name }} is waiting: {{ text }}" }
        """;

    [Fact]
    public void WeRepliedFollowUp_WaitsForOurReplyOnly()
    {
        var wait = Assert.IsType<WaitForExternalEvent>(WorkflowInterpreter.Decide(Load(VipAlert), Message(), RunHistory.Empty));
        Assert.Equal([WorkflowInterpreter.WeRepliedEvent], wait.Names);
        Assert.Equal(T0.AddHours(2), wait.Deadline);
    }

    [Fact]
    public void WeReplied_AlertSkipped()
    {
        var run = Recording.Drive(Load(VipAlert), Message(), new Script().Raise("alert", WorkflowInterpreter.WeRepliedEvent, TimeSpan.FromMinutes(40)));

        Assert.Empty(run.All<CallActivity>());
        Assert.Equal("unless: we replied", run.Result.Steps.Single().Detail);
    }

    [Fact]
    public void NoReply_AlertSentOnceAtTheDeadline()
    {
        var run = Recording.Drive(Load(VipAlert), Message());

        var call = Assert.Single(run.All<CallActivity>());
        Assert.Equal("Ana is waiting: hello", call.Parameters.GetProperty("body").GetString());
        Assert.Equal(T0.AddHours(2), run.History.Entries.OfType<TimerFired>().Single().At);
    }

    [Fact]
    public void LegacyRepliedUnless_StillWaitsForTheContactOnly()
    {
        var wait = Assert.IsType<WaitForExternalEvent>(WorkflowInterpreter.Decide(Seed("remind-if-no-reply"), Message() with { FromMe = true }, RunHistory.Empty));
        Assert.Equal([WorkflowInterpreter.ContactRepliedEvent], wait.Names);
    }

    [Fact]
    public void ConversationUnless_WaitsForBothSignals_ReadsTheStateAfterEach()
    {
        var definition = Load(VipAlert.Replace("unless: we_replied", "unless: \"!conversation.reply_debt\"", StringComparison.Ordinal));
        var debt = new ConversationState(T0, null, false, null, true, T0, 1, 0);
        var answered = debt with { LastOutboundAt = T0.AddMinutes(50), ReplyDebt = false, ReplyDebtSince = null, UnreadCount = 0 };
        var script = new Script()
            .Raise("alert", WorkflowInterpreter.ContactRepliedEvent, TimeSpan.FromMinutes(30))
            .Conversation(at => at < T0.AddMinutes(45) ? debt : answered);

        var first = Assert.IsType<WaitForExternalEvent>(WorkflowInterpreter.Decide(definition, Message(), RunHistory.Empty));
        Assert.Equal([WorkflowInterpreter.ContactRepliedEvent, WorkflowInterpreter.WeRepliedEvent], first.Names);

        // The contact writes again at 30 min: state read, still in debt, so the run waits on for our reply only.
        var run = Recording.Drive(definition, Message(), script);
        var reads = run.Decisions.OfType<ReadConversation>().ToList();
        Assert.Equal(2, reads.Count); // after the contact's message, and at the deadline
        Assert.Contains(run.Decisions.OfType<WaitForExternalEvent>(), w => w.Names.SequenceEqual([WorkflowInterpreter.WeRepliedEvent]));
        Assert.Empty(run.All<CallActivity>()); // answered by the deadline: skipped
    }

    [Fact]
    public void ConversationInWhen_ReadRecordedAndReplayedIdentically()
    {
        var definition = Load("""
            id: nudge
            version: 1
            trigger: { event_kinds: [message] }
            steps:
              - id: nudge
                action: meta.notify.webhook
                when: "conversation.awaiting_reply && conversation.last_outbound_at > occurred_at"
                with: { url: "https://hooks.example.com/me" }
            """);
        var awaiting = new ConversationState(T0.AddMinutes(-5), T0.AddMinutes(1), true, T0.AddMinutes(1), false, null, 0, 0);
        var run = Recording.Drive(definition, Message(), new Script().Conversation(_ => awaiting));

        Assert.IsType<ReadConversation>(run.Decisions[0]);
        Assert.Single(run.All<CallActivity>());
        for (var i = 0; i < run.History.Count; i++)
        {
            Assert.Equal(Serialize(run.Decisions[i + 1]), Serialize(WorkflowInterpreter.Decide(definition, Message(), run.History.Prefix(i + 1))));
        }
    }

    [Theory]
    [InlineData("trigger: { event_kinds: [message], when: \"conversation.reply_debt\" }", "only available in a step's 'when'")]
    [InlineData("steps:\n  - id: x\n    action: meta.analytics.log\n    when: \"conversation.awaiting\"\n    with: { name: x }", "the conversation has no 'awaiting'")]
    [InlineData("steps:\n  - id: x\n    action: meta.analytics.log\n    when: \"we_replied\"\n    with: { name: x }", "'we_replied' is only available in a follow-up's 'unless'")]
    public void Parse_ConversationNamesOutOfPlace_UnknownName(string part, string message)
    {
        var yaml = part.StartsWith("trigger", StringComparison.Ordinal)
            ? $"id: c\nversion: 1\n{part}\nsteps:\n  - id: s\n    stop: x\n"
            : $"id: c\nversion: 1\ntrigger: {{ event_kinds: [message] }}\n{part}\n";
        Assert.Contains(Errors(yaml), e => e.Code == "unknown_name" && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void SignalOf_InboundIsContactReplied_OutboundIsWeReplied_ReceiptsNothing()
    {
        Assert.Equal(WorkflowInterpreter.ContactRepliedEvent, WorkflowInterpreter.SignalOf(Message()));
        Assert.Equal(WorkflowInterpreter.WeRepliedEvent, WorkflowInterpreter.SignalOf(Message() with { FromMe = true }));
        Assert.Null(WorkflowInterpreter.SignalOf(Message() with { FromMe = true, EventKind = EventKinds.Receipt }));
    }

    [Fact]
    public void ConversationState_FromTheSummaryFold_SameAwaitingAndDebtAsAgentsRead()
    {
        var inbound = Message();
        var outbound = Message() with { EventId = "evt_demo_out", FromMe = true, OccurredAt = T0.AddMinutes(3) };
        var summary = ConversationSummary.Apply(ConversationSummary.Apply(null, inbound), outbound);

        var state = ConversationState.Of(summary);
        Assert.Equal((summary.AwaitingReply, summary.ReplyDebt, summary.LastOutboundAt), (state.AwaitingReply, state.ReplyDebt, state.LastOutboundAt));
        Assert.True(state.AwaitingReply);
        Assert.Equal("2026-11-23T17:03:00.000Z", state.ToJson().GetProperty("last_outbound_at").GetString());
    }
}
