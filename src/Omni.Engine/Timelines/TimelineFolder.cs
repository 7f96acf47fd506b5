using Omni.Engine.Events;

namespace Omni.Engine.Timelines;

/// <summary>
/// Folds a conversation's events into what a reader sees: each message once, with its current text, whether it was
/// edited or deleted, the reactions on it now (one per reactor; an empty emoji removes one), its poll tallies and its
/// best receipt. Events that act on a message (edit, delete, reaction, poll vote, receipt) disappear into their target
/// when the target is among the events given; otherwise they stay as entries of their own (<c>target_missing</c>).
/// Everything else (group changes, calls, unknown shapes) is an entry as it is. Pure: same events, same timeline,
/// whatever order they are given in.
/// </summary>
public static class TimelineFolder
{
    /// <summary>Entries in time order (oldest first). <paramref name="includeRaw"/> attaches the folded events to each entry.</summary>
    public static IReadOnlyList<TimelineEntry> Fold(IEnumerable<OmniEvent> events, bool includeRaw = false)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ordered = events.DistinctBy(e => e.EventId).Order(Chronology.Instance).ToList();
        var messages = new Dictionary<string, MessageFold>(StringComparer.Ordinal);
        foreach (var e in ordered.Where(e => e.EventKind == EventKinds.Message && e.ProviderMessageId is not null))
        {
            messages.TryAdd(e.ProviderMessageId!, new MessageFold(e));
        }

        var entries = new List<(OmniEvent Anchor, Func<TimelineEntry> Build)>();
        foreach (var e in ordered)
        {
            if (e.EventKind == EventKinds.Message && e.ProviderMessageId is { } id && messages.TryGetValue(id, out var fold) && ReferenceEquals(fold.Message, e))
            {
                entries.Add((e, () => fold.ToEntry(includeRaw)));
            }
            else if (IsAction(e) && e.TargetMessageId is { } target && messages.TryGetValue(target, out var targetFold))
            {
                targetFold.Apply(e);
            }
            else
            {
                var standalone = e;
                entries.Add((e, () => new TimelineEntry
                {
                    EntryType = IsAction(standalone) ? TimelineEntryTypes.Action : TimelineEntryTypes.Event,
                    Event = standalone,
                    Text = standalone.Text,
                    TextTruncated = standalone.TextTruncated,
                    TextLength = standalone.TextLength,
                    TargetMissing = IsAction(standalone) && standalone.TargetMessageId is not null,
                    FoldedEventIds = [],
                    RawEvents = includeRaw ? [standalone] : null,
                }));
            }
        }

        return [.. entries.Select(x => x.Build())];
    }

    /// <summary>The kinds that act on another message and are folded onto it.</summary>
    public static bool IsAction(OmniEvent e) =>
        e.EventKind is EventKinds.MessageEdit or EventKinds.MessageDelete or EventKinds.Reaction or EventKinds.PollVote or EventKinds.Receipt;

    /// <summary>The order of a timeline: occurred_at (else received_at), then received_at, then event id.</summary>
    public sealed class Chronology : IComparer<OmniEvent>
    {
        public static readonly Chronology Instance = new();

        public int Compare(OmniEvent? x, OmniEvent? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var c = (x.OccurredAt ?? x.ReceivedAt).CompareTo(y.OccurredAt ?? y.ReceivedAt);
            if (c == 0)
            {
                c = x.ReceivedAt.CompareTo(y.ReceivedAt);
            }

            return c != 0 ? c : string.CompareOrdinal(x.EventId, y.EventId);
        }
    }

    private static string ActorOf(OmniEvent e) => e.IdentityId ?? e.SenderHandle ?? (e.FromMe ? "me" : "unknown");

    private static readonly string[] ReceiptRank =
        ["error", "pending", "server_ack", "delivered", "read", "played"];

    private sealed class MessageFold(OmniEvent message)
    {
        private readonly List<OmniEvent> _folded = [];
        private readonly Dictionary<string, OmniEvent> _reactions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, OmniEvent> _votes = new(StringComparer.Ordinal);
        private OmniEvent? _lastEdit;
        private OmniEvent? _delete;
        private string? _receipt;

        public OmniEvent Message { get; } = message;

        /// <summary>Events arrive in chronological order, so the last one of each kind per actor is the current one.</summary>
        public void Apply(OmniEvent e)
        {
            _folded.Add(e);
            switch (e.EventKind)
            {
                case EventKinds.MessageEdit:
                    _lastEdit = e;
                    break;
                case EventKinds.MessageDelete:
                    _delete ??= e;
                    break;
                case EventKinds.Reaction:
                    _reactions[ActorOf(e)] = e;
                    break;
                case EventKinds.PollVote when e.SenderHandle is not null || e.IdentityId is not null || e.FromMe:
                    _votes[ActorOf(e)] = e;
                    break;
                case EventKinds.Receipt when e.Status is { } status:
                    if (_receipt is null || Array.IndexOf(ReceiptRank, status) > Array.IndexOf(ReceiptRank, _receipt))
                    {
                        _receipt = status;
                    }

                    break;
                default:
                    break;
            }
        }

        public TimelineEntry ToEntry(bool includeRaw) => new()
        {
            EntryType = TimelineEntryTypes.Message,
            Event = Message,
            Text = Current?.Text,
            TextTruncated = Current?.TextTruncated,
            TextLength = Current?.TextLength,
            Edited = _lastEdit is not null,
            EditedAt = _lastEdit is null ? null : _lastEdit.OccurredAt ?? _lastEdit.ReceivedAt,
            Deleted = _delete is not null,
            DeletedAt = _delete is null ? null : _delete.OccurredAt ?? _delete.ReceivedAt,
            Reactions = [.. _reactions.Values
                .Where(r => !string.IsNullOrEmpty(r.ReactionEmoji))
                .Order(Chronology.Instance)
                .Select(r => new TimelineReaction(r.ReactionEmoji!, r.SenderHandle, r.IdentityId, r.FromMe, r.OccurredAt ?? r.ReceivedAt, r.EventId))],
            Poll = Message.ContentType == ContentTypes.Poll || _votes.Count > 0 ? Tally() : null,
            ReceiptStatus = _receipt,
            FoldedEventIds = [.. _folded.Select(f => f.EventId)],
            RawEvents = includeRaw ? [Message, .. _folded] : null,
        };

        /// <summary>The event whose text is the message's current text: the latest edit's, else the message's; null once deleted.</summary>
        private OmniEvent? Current => _delete is not null ? null : _lastEdit?.Text is not null ? _lastEdit : Message;

        private TimelinePoll Tally()
        {
            var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var undecided = 0;
            foreach (var (actor, vote) in _votes.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                if (vote.Status is null)
                {
                    undecided++; // an encrypted vote: someone voted, the selection is not readable
                    continue;
                }

                foreach (var option in vote.Status.Split(", ", StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!options.TryGetValue(option, out var voters))
                    {
                        options[option] = voters = [];
                    }

                    voters.Add(actor);
                }
            }

            return new TimelinePoll(
                Message.ContentType == ContentTypes.Poll ? Message.Text : null,
                [.. options.OrderByDescending(o => o.Value.Count).ThenBy(o => o.Key, StringComparer.Ordinal)
                    .Select(o => new TimelinePollOption(o.Key, o.Value.Count, o.Value))],
                _votes.Values.Count(v => v.Status is { Length: > 0 } || v.Status is null),
                undecided);
        }
    }
}

/// <summary>The <c>entry_type</c> of a timeline entry.</summary>
public static class TimelineEntryTypes
{
    /// <summary>A message with everything that acted on it folded in.</summary>
    public const string Message = "message";

    /// <summary>An edit, delete, reaction, vote or receipt whose target message is not among the events read.</summary>
    public const string Action = "action";

    /// <summary>Anything else: group changes, calls, presence, unknown shapes.</summary>
    public const string Event = "event";
}

/// <summary>One line of a folded timeline.</summary>
public sealed record TimelineEntry
{
    public required string EntryType { get; init; }

    /// <summary>The message (as first received) or the standalone event.</summary>
    public required OmniEvent Event { get; init; }

    /// <summary>The current text: the latest edit's, null once deleted.</summary>
    public string? Text { get; init; }

    /// <summary>True when <see cref="Text"/> is its event's bounded text (<see cref="EventLimits.MaxTextChars"/>); null otherwise.</summary>
    public bool? TextTruncated { get; init; }

    /// <summary>The whole text's length when <see cref="TextTruncated"/>.</summary>
    public int? TextLength { get; init; }

    public bool Edited { get; init; }
    public DateTimeOffset? EditedAt { get; init; }
    public bool Deleted { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>The reactions standing now, one per reactor, oldest first.</summary>
    public IReadOnlyList<TimelineReaction> Reactions { get; init; } = [];

    public TimelinePoll? Poll { get; init; }

    /// <summary>The furthest receipt seen for the message: <c>server_ack</c>, <c>delivered</c>, <c>read</c>, <c>played</c>.</summary>
    public string? ReceiptStatus { get; init; }

    /// <summary>An action whose target message is not among the events read.</summary>
    public bool TargetMissing { get; init; }

    /// <summary>The ids of the events folded into this entry.</summary>
    public IReadOnlyList<string> FoldedEventIds { get; init; } = [];

    /// <summary>The entry's own event and everything folded into it, when asked for (<c>?raw=true</c>).</summary>
    public IReadOnlyList<OmniEvent>? RawEvents { get; init; }
}

public sealed record TimelineReaction(string Emoji, string? SenderHandle, string? IdentityId, bool FromMe, DateTimeOffset ReactedAt, string EventId);

/// <summary>A poll's standing: each option with its votes (each voter's latest vote counts), voters, and encrypted votes.</summary>
public sealed record TimelinePoll(string? Question, IReadOnlyList<TimelinePollOption> Options, int VoterCount, int UnreadableVotes);

public sealed record TimelinePollOption(string Name, int Votes, IReadOnlyList<string> Voters);
