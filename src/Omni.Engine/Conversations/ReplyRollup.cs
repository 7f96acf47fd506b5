namespace Omni.Engine.Conversations;

/// <summary>
/// One person's reply state across channels, from the summaries of their conversations (a pure function of them):
/// awaiting reply when our newest message to them anywhere is later than their newest message anywhere (since our first
/// message after it), reply debt the other way round, and the open questions no message of ours has followed on any channel.
/// Group chats do not count: our message in a group is not necessarily addressed to them.
/// </summary>
public sealed record ReplyRollup(
    DateTimeOffset? LastInboundAt,
    DateTimeOffset? LastOutboundAt,
    bool AwaitingReply,
    DateTimeOffset? AwaitingSince,
    bool ReplyDebt,
    DateTimeOffset? ReplyDebtSince,
    IReadOnlyList<OpenQuestion> OpenQuestions,
    DateTimeOffset LastEventAt)
{
    public static ReplyRollup Of(IReadOnlyCollection<ConversationSummary> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var direct = conversations.Where(c => !c.IsGroup).ToList();
        var lastIn = direct.Max(c => c.LastInboundAt);
        var lastOut = direct.Max(c => c.LastOutboundAt);
        var awaiting = lastOut is not null && (lastIn is null || lastOut > lastIn);
        var debt = lastIn is not null && (lastOut is null || lastIn > lastOut);
        var awaitingSince = !awaiting ? null : FirstAfter(direct.SelectMany(c => c.AwaitingTicks), lastIn) ?? lastOut;
        var debtSince = !debt ? null : FirstAfter(direct.SelectMany(c => c.UnreadTicks), lastOut) ?? lastIn;
        var questions = direct.SelectMany(c => c.OpenQuestions).Where(q => lastOut is null || q.At > lastOut)
            .OrderBy(q => q.At).ThenBy(q => q.EventId, StringComparer.Ordinal).ToList();
        var lastEvent = conversations.Count == 0 ? DateTimeOffset.MinValue : conversations.Max(c => c.LastEventAt);
        return new ReplyRollup(lastIn, lastOut, awaiting, awaitingSince, debt, debtSince, questions, lastEvent);
    }

    private static DateTimeOffset? FirstAfter(IEnumerable<long> ticks, DateTimeOffset? after)
    {
        var later = ticks.Where(t => after is null || t > after.Value.UtcTicks).ToList();
        return later.Count == 0 ? null : new DateTimeOffset(later.Min(), TimeSpan.Zero);
    }
}
