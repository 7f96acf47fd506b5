using Omni.Engine.Conversations;
using Omni.Engine.Events;

namespace Omni.Engine.Tests.Conversations;

/// <summary>The reply state folded into <see cref="ConversationSummary"/>: awaiting reply, reply debt, open questions, in any arrival order.</summary>
public sealed class ConversationStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static OmniEvent Message(string id, int minute, bool fromMe, string text = "ok", string sender = "5511999990001@s.whatsapp.net") => new()
    {
        EventId = id,
        Channel = Channels.WhatsApp,
        Provider = "evolution",
        Instance = "demo",
        EventKind = EventKinds.Message,
        ContentType = "text",
        ProviderEventId = id,
        ConversationId = "chat",
        SenderHandle = fromMe ? "me@s.whatsapp.net" : sender,
        FromMe = fromMe,
        Text = text,
        OccurredAt = T0.AddMinutes(minute),
        ReceivedAt = T0.AddMinutes(minute),
        RawBlob = "blob",
    };

    private static ConversationSummary Fold(IEnumerable<OmniEvent> events) =>
        events.Aggregate((ConversationSummary?)null, ConversationSummary.Apply)!;

    [Fact]
    public void Apply_WeWroteLast_AwaitingReplySinceOurFirstUnansweredMessage()
    {
        var s = Fold([Message("in1", 0, false), Message("out1", 5, true), Message("out2", 9, true)]);
        Assert.True(s.AwaitingReply);
        Assert.False(s.ReplyDebt);
        Assert.Equal(T0.AddMinutes(5), s.AwaitingSince);
        Assert.Null(s.ReplyDebtSince);
        Assert.Equal("out2", s.LastOutboundEventId);
        Assert.Equal("in1", s.LastInboundEventId);
        Assert.Equal(["5511999990001@s.whatsapp.net"], s.ContactHandles);
    }

    [Fact]
    public void Apply_TheyWroteLast_ReplyDebtSinceTheirFirstUnansweredMessageAndOpenQuestions()
    {
        var s = Fold([Message("out1", 0, true), Message("in1", 3, false, "hello"), Message("in2", 4, false, "when do we meet?"), Message("in3", 6, false, "Can you call me")]);
        Assert.True(s.ReplyDebt);
        Assert.False(s.AwaitingReply);
        Assert.Equal(T0.AddMinutes(3), s.ReplyDebtSince);
        Assert.Equal(["in2", "in3"], s.OpenQuestions.Select(q => q.EventId));

        var answered = ConversationSummary.Apply(s, Message("out2", 5, true)); // late: answers in1 and in2, not in3
        Assert.True(answered.ReplyDebt);
        Assert.Equal(T0.AddMinutes(6), answered.ReplyDebtSince);
        Assert.Equal(["in3"], answered.OpenQuestions.Select(q => q.EventId));
    }

    [Fact]
    public void Apply_AnyArrivalOrder_SameState()
    {
        OmniEvent[] events =
        [
            Message("in1", 0, false, "are you there?"), Message("out1", 2, true), Message("in2", 4, false, "thanks"),
            Message("out2", 6, true, "see you?"), Message("out3", 8, true), Message("in3", 7, false, "what time?"),
        ];
        var expected = Fold(events);
        Assert.True(expected.AwaitingReply);
        Assert.Equal(T0.AddMinutes(8), expected.AwaitingSince); // in3 (minute 7) answered out2
        Assert.Empty(expected.OpenQuestions);                    // out3 (minute 8) followed in3's question

        foreach (var order in Permutations(events))
        {
            var s = Fold(order);
            Assert.Equal(expected.AwaitingReply, s.AwaitingReply);
            Assert.Equal(expected.AwaitingSince, s.AwaitingSince);
            Assert.Equal(expected.ReplyDebt, s.ReplyDebt);
            Assert.Equal(expected.LastInboundAt, s.LastInboundAt);
            Assert.Equal(expected.LastOutboundEventId, s.LastOutboundEventId);
            Assert.Equal(expected.UnreadTicks, s.UnreadTicks);
            Assert.Equal(expected.AwaitingTicks, s.AwaitingTicks);
            Assert.Equal(expected.OpenQuestions, s.OpenQuestions);
        }
    }

    [Fact]
    public void Apply_SameInstantInAndOut_NeitherAwaitingNorDebt()
    {
        var s = Fold([Message("in1", 1, false), Message("out1", 1, true)]);
        Assert.False(s.AwaitingReply);
        Assert.False(s.ReplyDebt);
    }

    [Theory]
    [InlineData("when do we meet?", true)]
    [InlineData("Quando você chega", true)]
    [InlineData("¿Dónde estás", true)]
    [InlineData("How are you", true)]
    [InlineData("however, fine", false)]
    [InlineData("see https://x.example/a?utm=1", false)]
    [InlineData("thanks!", false)]
    [InlineData("", false)]
    public void IsQuestion_Heuristic(string text, bool expected) => Assert.Equal(expected, Questions.IsQuestion(text));

    private static IEnumerable<OmniEvent[]> Permutations(OmniEvent[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            foreach (var rest in Permutations([.. items[..i], .. items[(i + 1)..]]))
            {
                yield return [items[i], .. rest];
            }
        }
    }
}
