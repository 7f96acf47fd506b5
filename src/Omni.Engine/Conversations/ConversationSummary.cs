using Omni.Engine.Events;

namespace Omni.Engine.Conversations;

/// <summary>
/// What a conversation list shows for one chat, kept up to date one event at a time by <see cref="Apply"/> (a pure
/// fold: the store applies each newly stored event exactly once, under an ETag). Only conversational kinds count
/// (message, edit, delete, reaction, poll vote); receipts and presence do not make a chat "active".
/// <para>Unread by us = inbound messages later than our latest outbound message. The fold keeps the times of those
/// inbound messages (at most <see cref="MaxUnreadTracked"/>), so an outbound message that arrives late still clears
/// exactly the ones before it.</para>
/// </summary>
public sealed record ConversationSummary
{
    public const int MaxUnreadTracked = 500;
    public const int MaxParticipants = 50;
    public const int PreviewLength = 140;

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
            if (e.FromMe)
            {
                if (s.LastOutboundAt is null || at > s.LastOutboundAt)
                {
                    s = s with { LastOutboundAt = at, UnreadTicks = [.. s.UnreadTicks.Where(t => t > at.UtcTicks)] };
                }
            }
            else
            {
                if (s.LastInboundAt is null || at > s.LastInboundAt)
                {
                    s = s with { LastInboundAt = at };
                }

                if (s.LastOutboundAt is null || at > s.LastOutboundAt)
                {
                    var ticks = s.UnreadTicks.Append(at.UtcTicks).Order().ToList();
                    s = s with { UnreadTicks = ticks.Count > MaxUnreadTracked ? ticks[^MaxUnreadTracked..] : ticks };
                }
            }
        }

        return s with
        {
            EventCount = s.EventCount + 1,
            IsGroup = s.IsGroup || e.IsGroup,
            ParticipantIdentities = AddCapped(s.ParticipantIdentities, e.IdentityId),
            ParticipantHandles = AddCapped(s.ParticipantHandles, e.SenderHandle, MaxParticipantHandleChars),
        };
    }

    private static IReadOnlyList<string> AddCapped(IReadOnlyList<string> list, string? value, int maxChars = int.MaxValue) =>
        string.IsNullOrEmpty(value) || list.Count >= MaxParticipants || list.Contains(value, StringComparer.Ordinal) ||
        list.Sum(v => v.Length) + value.Length > maxChars
            ? list
            : [.. list, value];
}
