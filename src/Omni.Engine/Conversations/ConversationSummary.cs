using System.Text.Json.Serialization;
using Omni.Engine.Events;

namespace Omni.Engine.Conversations;

/// <summary>
/// What a conversation list shows for one chat, kept up to date one event at a time by <see cref="Apply"/> (a pure
/// fold: the store applies each newly stored event exactly once, under an ETag). Only conversational kinds count
/// (message, edit, delete, reaction, poll vote); receipts and presence do not make a chat "active".
/// <para>Unread by us = inbound messages later than our latest outbound message. The fold keeps the times of those
/// inbound messages (at most <see cref="MaxUnreadTracked"/>), so an outbound message that arrives late still clears
/// exactly the ones before it.</para>
/// <para>The reply state agents ask about is folded here too, so it costs no storage operation of its own:
/// <see cref="AwaitingReply"/> (we wrote last, since our first message after their last one), <see cref="ReplyDebt"/>
/// (they wrote last, since their first message after our last one) and <see cref="OpenQuestions"/> (their questions not
/// followed by a message of ours). Every rule compares <c>occurred_at</c>, so the fold gives the same state whatever the
/// order the events arrive in.</para>
/// </summary>
public sealed record ConversationSummary
{
    public const int MaxUnreadTracked = 500;
    public const int MaxParticipants = 50;
    public const int PreviewLength = 140;

    /// <summary>Most outbound message times kept for <see cref="AwaitingSince"/> (the newest are kept).</summary>
    public const int MaxAwaitingTracked = 100;

    /// <summary>Most open questions kept (the newest are kept).</summary>
    public const int MaxOpenQuestions = 20;

    /// <summary>Characters of a question's text kept with it.</summary>
    public const int QuestionPreviewLength = 100;

    /// <summary>
    /// The characters <see cref="ParticipantHandles"/> may add up to (50 phone JIDs take ~1,400): with ids of at most
    /// <see cref="EventLimits.MaxIdChars"/>, a summary row stays far below a table property's 32K characters.
    /// </summary>
    public const int MaxParticipantHandleChars = 2_048;

    public required string ConversationId { get; init; }
    public required string Channel { get; init; }
    public bool IsGroup { get; init; }
    public long EventCount { get; init; }
    public required DateTimeOffset LastEventAt { get; init; }
    public required string LastEventId { get; init; }
    public required string LastEventKind { get; init; }
    public string? LastText { get; init; }
    public DateTimeOffset? LastTextAt { get; init; }
    public DateTimeOffset? LastInboundAt { get; init; }
    public DateTimeOffset? LastOutboundAt { get; init; }

    /// <summary>The event id of the newest inbound message (evidence for <see cref="LastInboundAt"/>).</summary>
    public string? LastInboundEventId { get; init; }

    /// <summary>The event id of our newest message (evidence for <see cref="LastOutboundAt"/>).</summary>
    public string? LastOutboundEventId { get; init; }

    /// <summary>Times (UTC ticks, ascending) of our messages after their last inbound message.</summary>
    public IReadOnlyList<long> AwaitingTicks { get; init; } = [];

    /// <summary>Inbound messages that ask something, later than our last message, oldest first.</summary>
    public IReadOnlyList<OpenQuestion> OpenQuestions { get; init; } = [];

    /// <summary>Sender handles of inbound messages: the people on the other side (our own handle is not among them).</summary>
    public IReadOnlyList<string> ContactHandles { get; init; } = [];

    /// <summary>Identity ids stamped on inbound messages at ingest (the registry's current owner may differ after a merge).</summary>
    public IReadOnlyList<string> ContactIdentities { get; init; } = [];

    /// <summary>We wrote last and they have not answered since.</summary>
    [JsonIgnore]
    public bool AwaitingReply => LastOutboundAt is { } outbound && (LastInboundAt is null || outbound > LastInboundAt);

    /// <summary>When we started waiting: our first message after their last one (null unless <see cref="AwaitingReply"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? AwaitingSince => !AwaitingReply ? null
        : AwaitingTicks.Count > 0 ? new DateTimeOffset(AwaitingTicks[0], TimeSpan.Zero) : LastOutboundAt;

    /// <summary>They wrote last and we have not answered since.</summary>
    [JsonIgnore]
    public bool ReplyDebt => LastInboundAt is { } inbound && (LastOutboundAt is null || inbound > LastOutboundAt);

    /// <summary>Since when we owe an answer: their first message after our last one (null unless <see cref="ReplyDebt"/>).</summary>
    [JsonIgnore]
    public DateTimeOffset? ReplyDebtSince => !ReplyDebt ? null
        : UnreadTicks.Count > 0 ? new DateTimeOffset(UnreadTicks[0], TimeSpan.Zero) : LastInboundAt;

    /// <summary>Times (UTC ticks, ascending) of inbound messages after our last outbound message.</summary>
    public IReadOnlyList<long> UnreadTicks { get; init; } = [];

    public int UnreadCount => UnreadTicks.Count;

    /// <summary>Identity ids seen on the conversation's events (empty until the identity registry stamps them).</summary>
    public IReadOnlyList<string> ParticipantIdentities { get; init; } = [];

    /// <summary>Sender handles seen on the conversation's events.</summary>
    public IReadOnlyList<string> ParticipantHandles { get; init; } = [];

    /// <summary>Whether <paramref name="e"/> changes a conversation summary at all.</summary>
    public static bool Counts(OmniEvent e) =>
        !string.IsNullOrEmpty(e?.ConversationId) &&
        e.EventKind is EventKinds.Message or EventKinds.MessageEdit or EventKinds.MessageDelete or EventKinds.Reaction or EventKinds.PollVote;

    /// <summary>The summary after <paramref name="e"/>; <paramref name="current"/> null for the first event of the chat.</summary>
    public static ConversationSummary Apply(ConversationSummary? current, OmniEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var at = e.OccurredAt ?? e.ReceivedAt;
        var s = current ?? new ConversationSummary
        {
            ConversationId = e.ConversationId ?? "",
            Channel = e.Channel,
            LastEventAt = at,
            LastEventId = e.EventId,
            LastEventKind = e.EventKind,
        };

        var newest = current is null || at > s.LastEventAt || (at == s.LastEventAt && string.CompareOrdinal(e.EventId, s.LastEventId) > 0);
        if (newest)
        {
            s = s with { LastEventAt = at, LastEventId = e.EventId, LastEventKind = e.EventKind };
        }

        if (e.EventKind is EventKinds.Message or EventKinds.MessageEdit && !string.IsNullOrEmpty(e.Text) && (s.LastTextAt is null || at >= s.LastTextAt))
        {
            s = s with { LastText = e.Text.Length <= PreviewLength ? e.Text : e.Text[..PreviewLength] + "…", LastTextAt = at };
        }

        if (e.EventKind == EventKinds.Message)
        {
            s = e.FromMe ? ApplyOutbound(s, e, at) : ApplyInbound(s, e, at);
        }

        return s with
        {
            EventCount = s.EventCount + 1,
            IsGroup = s.IsGroup || e.IsGroup,
            ParticipantIdentities = AddCapped(s.ParticipantIdentities, e.IdentityId),
            ParticipantHandles = AddCapped(s.ParticipantHandles, e.SenderHandle, MaxParticipantHandleChars),
        };
    }

    /// <summary>Our message at <paramref name="at"/>: clears what it answers (unread, open questions), starts or extends the wait.</summary>
    private static ConversationSummary ApplyOutbound(ConversationSummary s, OmniEvent e, DateTimeOffset at)
    {
        if (s.LastOutboundAt is null || at > s.LastOutboundAt)
        {
            s = s with
            {
                LastOutboundAt = at,
                LastOutboundEventId = e.EventId,
                UnreadTicks = [.. s.UnreadTicks.Where(t => t > at.UtcTicks)],
                OpenQuestions = [.. s.OpenQuestions.Where(q => q.At > at)],
            };
        }

        if (s.LastInboundAt is null || at > s.LastInboundAt)
        {
            s = s with { AwaitingTicks = InsertCapped(s.AwaitingTicks, at.UtcTicks, MaxAwaitingTracked) };
        }

        return s;
    }

    /// <summary>Their message at <paramref name="at"/>: answers our messages before it, adds to what we owe when it is after our last one.</summary>
    private static ConversationSummary ApplyInbound(ConversationSummary s, OmniEvent e, DateTimeOffset at)
    {
        s = s with
        {
            ContactHandles = AddCapped(s.ContactHandles, e.SenderHandle, MaxParticipantHandleChars),
            ContactIdentities = AddCapped(s.ContactIdentities, e.IdentityId),
        };
        if (s.LastInboundAt is null || at > s.LastInboundAt)
        {
            s = s with { LastInboundAt = at, LastInboundEventId = e.EventId, AwaitingTicks = [.. s.AwaitingTicks.Where(t => t > at.UtcTicks)] };
        }

        if (s.LastOutboundAt is null || at > s.LastOutboundAt)
        {
            s = s with { UnreadTicks = InsertCapped(s.UnreadTicks, at.UtcTicks, MaxUnreadTracked) };
            if (Questions.IsQuestion(e.Text))
            {
                var text = e.Text!.Length <= QuestionPreviewLength ? e.Text : e.Text[..QuestionPreviewLength] + "…";
                var questions = s.OpenQuestions.Append(new OpenQuestion(e.EventId, at, text))
                    .OrderBy(q => q.At).ThenBy(q => q.EventId, StringComparer.Ordinal).ToList();
                s = s with { OpenQuestions = questions.Count > MaxOpenQuestions ? questions[^MaxOpenQuestions..] : questions };
            }
        }

        return s;
    }

    /// <summary><paramref name="ticks"/> with <paramref name="value"/> inserted in order, keeping the newest <paramref name="max"/>.</summary>
    private static List<long> InsertCapped(IReadOnlyList<long> ticks, long value, int max)
    {
        var list = ticks.Append(value).Order().ToList();
        return list.Count > max ? list[^max..] : list;
    }

    private static IReadOnlyList<string> AddCapped(IReadOnlyList<string> list, string? value, int maxChars = int.MaxValue) =>
        string.IsNullOrEmpty(value) || list.Count >= MaxParticipants || list.Contains(value, StringComparer.Ordinal) ||
        list.Sum(v => v.Length) + value.Length > maxChars
            ? list
            : [.. list, value];
}

/// <summary>An inbound message that asks something and that no message of ours has followed yet.</summary>
public sealed record OpenQuestion(string EventId, DateTimeOffset At, string Text);
