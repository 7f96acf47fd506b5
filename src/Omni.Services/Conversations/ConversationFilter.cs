using System.Globalization;
using Omni.Engine.Conversations;

namespace Omni.Services.Conversations;

/// <summary>
/// Which conversations (or people) a listing keeps, by their reply state. <see cref="Since"/> and <see cref="Before"/>
/// bound when the state began: the wait's start with <see cref="AwaitingReply"/>, the debt's with <see cref="ReplyDebt"/>,
/// the oldest open question's with <see cref="HasOpenQuestions"/>, else the last event. "Who has not replied this
/// week": <c>awaiting_reply=true&amp;since=7d</c>; "who has not answered for 7 days": <c>awaiting_reply=true&amp;before=7d</c>.
/// </summary>
public sealed record ConversationFilter
{
    public bool? AwaitingReply { get; init; }
    public bool? ReplyDebt { get; init; }
    public bool? HasOpenQuestions { get; init; }
    public bool? IsGroup { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Before { get; init; }

    /// <summary>A tag the conversation carries (<c>persist.tagging</c>; normalized, <see cref="Omni.Engine.Events.Tags"/>).</summary>
    public string? Tag { get; init; }

    /// <summary>The reply state and the tag.</summary>
    public bool Matches(ConversationEntry c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Matches(c.Summary) && MatchesTag(c.Notes);
    }

    public bool MatchesTag(ConversationNotes notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        return Tag is null || notes.Tags.Contains(Tag, StringComparer.Ordinal);
    }

    public bool Matches(ConversationSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Matches(s.AwaitingReply, s.AwaitingSince, s.ReplyDebt, s.ReplyDebtSince, s.OpenQuestions, s.LastEventAt)
               && (IsGroup is null || IsGroup == s.IsGroup);
    }

    public bool Matches(ReplyRollup r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Matches(r.AwaitingReply, r.AwaitingSince, r.ReplyDebt, r.ReplyDebtSince, r.OpenQuestions, r.LastEventAt);
    }

    private bool Matches(bool awaiting, DateTimeOffset? awaitingSince, bool debt, DateTimeOffset? debtSince, IReadOnlyList<OpenQuestion> questions,
        DateTimeOffset lastEventAt)
    {
        if ((AwaitingReply is { } a && a != awaiting) || (ReplyDebt is { } d && d != debt) ||
            (HasOpenQuestions is { } q && q != questions.Count > 0))
        {
            return false;
        }

        var began = AwaitingReply == true ? awaitingSince
            : ReplyDebt == true ? debtSince
            : HasOpenQuestions == true ? questions[0].At
            : lastEventAt;
        return (Since is null || began >= Since) && (Before is null || began <= Before);
    }

    /// <summary>
    /// A point in time given as an ISO-8601 time or as an age before <paramref name="now"/>: <c>30m</c>, <c>24h</c>,
    /// <c>7d</c>, <c>2w</c>. Null when <paramref name="text"/> is neither.
    /// </summary>
    public static DateTimeOffset? ParseTime(string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is >= 2 and <= 6 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? age = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                'w' => TimeSpan.FromDays(7 * n),
                _ => null,
            };
            if (age is not null)
            {
                return now - age.Value;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }
}
