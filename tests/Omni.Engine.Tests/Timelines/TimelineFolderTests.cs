using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Engine.Timelines;

namespace Omni.Engine.Tests.Timelines;

/// <summary>The fold, called directly: events in, timeline out.</summary>
public class TimelineFolderTests
{
    private const string Chat = "5511988887777@s.whatsapp.net";
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static int _next;

    private static OmniEvent Event(string kind, int second, string? messageId = null, string? target = null, string? text = null,
        string? emoji = null, string? status = null, string sender = Chat, bool fromMe = false, string content = ContentTypes.Text, string? identity = null) =>
        new()
        {
            EventId = $"evt_demo_{Interlocked.Increment(ref _next):D32}",
            Channel = Channels.WhatsApp,
            Provider = "evolution",
            Instance = "demo",
            EventKind = kind,
            ContentType = content,
            ProviderEventId = messageId ?? Guid.NewGuid().ToString("N"),
            ProviderMessageId = messageId,
            ConversationId = Chat,
            SenderHandle = sender,
            IdentityId = identity,
            FromMe = fromMe,
            Text = text,
            TargetMessageId = target,
            ReactionEmoji = emoji,
            Status = status,
            OccurredAt = T0.AddSeconds(second),
            ReceivedAt = T0.AddSeconds(second),
            RawBlob = "raw",
        };

    [Fact]
    public void Fold_MessageEditReactionRemovalDelete_OneDeletedEditedMessageWithoutReactions()
    {
        var events = new[]
        {
            Event(EventKinds.Message, 0, "M1", text: "hello"),
            Event(EventKinds.MessageEdit, 10, target: "M1", text: "hello, world"),
            Event(EventKinds.Reaction, 20, "R1", target: "M1", emoji: "❤️", content: ContentTypes.Reaction),
            Event(EventKinds.Reaction, 30, "R2", target: "M1", emoji: "", content: ContentTypes.Reaction),
            Event(EventKinds.MessageDelete, 40, "D1", target: "M1", content: ContentTypes.Unknown),
        };

        // Any input order gives the same timeline.
        foreach (var input in new[] { events, events.Reverse().ToArray() })
        {
            var entry = Assert.Single(TimelineFolder.Fold(input));
            Assert.Equal(TimelineEntryTypes.Message, entry.EntryType);
            Assert.Equal("M1", entry.Event.ProviderMessageId);
            Assert.True(entry.Edited);
            Assert.Equal(T0.AddSeconds(10), entry.EditedAt);
            Assert.True(entry.Deleted);
            Assert.Equal(T0.AddSeconds(40), entry.DeletedAt);
            Assert.Null(entry.Text);
            Assert.Empty(entry.Reactions);
            Assert.Equal(4, entry.FoldedEventIds.Count);
            Assert.Null(entry.RawEvents);
        }
    }

    [Fact]
    public void Fold_EditsAndReactions_LatestPerActorWinsAndRawOnRequest()
    {
        var events = new[]
        {
            Event(EventKinds.Message, 0, "M1", text: "v1"),
            Event(EventKinds.MessageEdit, 5, target: "M1", text: "v2"),
            Event(EventKinds.MessageEdit, 9, target: "M1", text: "v3"),
            Event(EventKinds.Reaction, 10, "R1", target: "M1", emoji: "👍", sender: "a@s.whatsapp.net"),
            Event(EventKinds.Reaction, 11, "R2", target: "M1", emoji: "😂", sender: "b@s.whatsapp.net", identity: "idn_b"),
            Event(EventKinds.Reaction, 12, "R3", target: "M1", emoji: "🔥", sender: "a@s.whatsapp.net"),
            Event(EventKinds.Receipt, 13, target: "M1", status: "delivered", content: ContentTypes.Unknown),
            Event(EventKinds.Receipt, 14, target: "M1", status: "read", content: ContentTypes.Unknown),
            Event(EventKinds.Receipt, 15, target: "M1", status: "delivered", content: ContentTypes.Unknown),
        };

        var entry = Assert.Single(TimelineFolder.Fold(events, includeRaw: true));
        Assert.Equal("v3", entry.Text);
        Assert.True(entry.Edited);
        Assert.False(entry.Deleted);
        Assert.Equal(["😂", "🔥"], entry.Reactions.Select(r => r.Emoji));
        Assert.Equal("idn_b", entry.Reactions[0].IdentityId);
        Assert.Equal("read", entry.ReceiptStatus);
        Assert.Equal(events.Length, entry.RawEvents!.Count);
    }

    [Fact]
    public void Fold_PollWithVotes_TalliesLatestVotePerVoter()
    {
        var events = new[]
        {
            Event(EventKinds.Message, 0, "P1", text: "Lunch?", content: ContentTypes.Poll, fromMe: true),
            Event(EventKinds.PollVote, 1, "V1", target: "P1", status: "Pizza", sender: "a", content: ContentTypes.Poll),
            Event(EventKinds.PollVote, 2, "V2", target: "P1", status: "Pizza, Sushi", sender: "b", content: ContentTypes.Poll),
            Event(EventKinds.PollVote, 3, "V3", target: "P1", status: "Salad", sender: "a", content: ContentTypes.Poll),
            Event(EventKinds.PollVote, 4, "V4", target: "P1", status: null, sender: "c", content: ContentTypes.Poll),
            Event(EventKinds.PollVote, 5, "V5", target: "P1", status: "", sender: "d", content: ContentTypes.Poll),
        };

        var poll = Assert.Single(TimelineFolder.Fold(events)).Poll!;
        Assert.Equal("Lunch?", poll.Question);
        Assert.Equal(["Pizza:1", "Salad:1", "Sushi:1"], poll.Options.Select(o => $"{o.Name}:{o.Votes}"));
        Assert.Equal(["b"], poll.Options.Single(o => o.Name == "Pizza").Voters);
        Assert.Equal(3, poll.VoterCount); // a, b, and c (unreadable); d withdrew
        Assert.Equal(1, poll.UnreadableVotes);
    }

    [Fact]
    public void Fold_ActionWithoutItsTargetAndOtherEvents_StandAloneInTimeOrder()
    {
        var entries = TimelineFolder.Fold(
        [
            Event(EventKinds.Reaction, 30, "R9", target: "GONE", emoji: "👍", content: ContentTypes.Reaction),
            Event(EventKinds.Group, 20, content: ContentTypes.Unknown, status: "add"),
            Event(EventKinds.Message, 10, "M1", text: "hi"),
        ]);

        Assert.Equal([TimelineEntryTypes.Message, TimelineEntryTypes.Event, TimelineEntryTypes.Action], entries.Select(e => e.EntryType));
        Assert.True(entries[2].TargetMissing);
        Assert.False(entries[1].TargetMissing);
    }
}

/// <summary>The conversation summary fold.</summary>
public class ConversationSummaryTests
{
    private static OmniEvent Msg(int second, bool fromMe, string text = "x", string kind = EventKinds.Message) => new()
    {
        EventId = $"evt_demo_{second:D32}",
        Channel = Channels.WhatsApp,
        Provider = "evolution",
        Instance = "demo",
        EventKind = kind,
        ContentType = ContentTypes.Text,
        ProviderEventId = second.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ConversationId = "chat",
        SenderHandle = fromMe ? "me" : "them",
        FromMe = fromMe,
        Text = text,
        OccurredAt = DateTimeOffset.UnixEpoch.AddSeconds(second),
        ReceivedAt = DateTimeOffset.UnixEpoch.AddSeconds(second),
        RawBlob = "raw",
    };

    [Fact]
    public void Apply_InAnyOrder_SameUnreadLastTextAndLastEvent()
    {
        var events = new[] { Msg(1, false, "a"), Msg(2, false, "b"), Msg(3, true, "c"), Msg(4, false, "d"), Msg(5, false, "e") };
        foreach (var order in new[] { events, events.Reverse().ToArray(), [events[2], events[4], events[0], events[3], events[1]] })
        {
            ConversationSummary? s = null;
            foreach (var e in order)
            {
                s = ConversationSummary.Apply(s, e);
            }

            Assert.Equal(2, s!.UnreadCount);
            Assert.Equal("e", s.LastText);
            Assert.Equal(events[4].EventId, s.LastEventId);
            Assert.Equal(5, s.EventCount);
            Assert.Equal(["me", "them"], s.ParticipantHandles.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Counts_ReceiptsAndPresence_NotConversational()
    {
        Assert.False(ConversationSummary.Counts(Msg(1, false, kind: EventKinds.Receipt)));
        Assert.False(ConversationSummary.Counts(Msg(1, false, kind: EventKinds.Presence)));
        Assert.True(ConversationSummary.Counts(Msg(1, false, kind: EventKinds.Reaction)));
    }
}
