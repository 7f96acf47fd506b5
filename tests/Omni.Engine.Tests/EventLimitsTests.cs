using System.Text.Json;
using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Json;
using Omni.Engine.Timelines;

namespace Omni.Engine.Tests;

/// <summary>The size limits of an event's fields (docs/events.md, "Size limits"): which ids are refused, what the bounded view cuts and says.</summary>
public class EventLimitsTests
{
    private static OmniEvent Event(string? text = "hello", string? senderName = "Ana", JsonElement? metadata = null) => new()
    {
        EventId = "evt_demo_0123456789abcdef0123456789abcdef",
        Channel = Channels.WhatsApp,
        Provider = "evolution",
        Instance = "demo",
        EventKind = EventKinds.Message,
        ContentType = ContentTypes.Text,
        ProviderEventId = "3EB0ABC",
        ProviderMessageId = "3EB0ABC",
        ConversationId = "5511999990001@s.whatsapp.net",
        SenderHandle = "5511999990001@s.whatsapp.net",
        SenderName = senderName,
        Shape = "messages.upsert/conversation",
        Text = text,
        ReceivedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        RawBlob = "evolution/demo/2026/01/01/00/abc",
        ProviderMetadata = metadata,
    };

    [Fact]
    public void Bound_SmallEvent_IsTheEventItself()
    {
        var e = Event(metadata: JsonSerializer.SerializeToElement(new { key = new { id = "3EB0ABC" } }));
        Assert.Same(e, EventLimits.Bound(e));
        Assert.False(e.IsTruncated);
        Assert.Null(EventLimits.OversizedIds(e));
    }

    [Fact]
    public void Bound_LongText_CutWithItsLengthAndFlag_MetadataCopyMarked()
    {
        var text = new string('x', 10_000);
        var e = Event(text, metadata: JsonSerializer.SerializeToElement(new { message = new { conversation = text }, pushName = "Ana" }));

        var bounded = EventLimits.Bound(e);

        Assert.Equal(text[..EventLimits.MaxTextChars], bounded.Text);
        Assert.Equal((true, 10_000), (bounded.TextTruncated, bounded.TextLength));
        Assert.Equal(["text", "provider_metadata"], bounded.TruncatedFields);
        Assert.True(bounded.IsTruncated);
        var metadata = bounded.ProviderMetadata!.Value;
        Assert.Equal("<truncated: 10000 chars>", metadata.GetProperty("message").GetProperty("conversation").GetString());
        Assert.Equal("Ana", metadata.GetProperty("pushName").GetString());
        Assert.Equal(e.SenderName, bounded.SenderName);
    }

    [Fact]
    public void Bound_IsIdempotent_FlagsAndLengthKept()
    {
        var e = Event(new string('y', 5_000), new string('n', 300)) with { Status = new string('s', 2_000), Participants = [.. Enumerable.Range(0, 100).Select(i => $"55{i}@s.whatsapp.net")] };
        var once = EventLimits.Bound(e);
        var twice = EventLimits.Bound(once);

        Assert.Equal(JsonSerializer.Serialize(once, OmniJson.Options), JsonSerializer.Serialize(twice, OmniJson.Options));
        Assert.Equal(["sender_name", "text", "status", "participants"], twice.TruncatedFields);
        Assert.Equal(5_000, twice.TextLength);
        Assert.Equal((EventLimits.MaxNameChars, EventLimits.MaxStatusChars, EventLimits.MaxParticipants),
            (twice.SenderName!.Length, twice.Status!.Length, twice.Participants!.Count));
    }

    [Fact]
    public void Cut_NeverSplitsASurrogatePair()
    {
        var text = new string('a', EventLimits.MaxTextChars - 1) + "😀" + "tail"; // the emoji's halves at 4,095 and 4,096
        var bounded = EventLimits.Bound(Event(text));
        Assert.Equal(EventLimits.MaxTextChars - 1, bounded.Text!.Length);
        Assert.False(char.IsHighSurrogate(bounded.Text[^1]));
        Assert.Equal(text.Length, bounded.TextLength);
    }

    [Fact]
    public void OversizedIds_NamesEveryIdOverTheLimitWithItsSize()
    {
        var e = Event() with { ProviderEventId = new string('A', 100_000), ProviderMessageId = new string('A', 100_000), Participants = ["a@s.whatsapp.net", new string('p', 300)] };
        Assert.Equal("provider_event_id is 100,000 characters, provider_message_id is 100,000 characters, a participant is 300 characters", EventLimits.OversizedIds(e));
        Assert.Null(EventLimits.OversizedIds(e with
        {
            ProviderEventId = new string('A', EventLimits.MaxIdChars), ProviderMessageId = "x", Participants = null,
        }));
    }

    [Fact]
    public void Fit_DropsMetadataThenCutsFurtherUntilTheJsonFits()
    {
        var big = Event(new string('t', 2_000)) with { ProviderMetadata = JsonSerializer.SerializeToElement(Enumerable.Range(0, 3_000).ToDictionary(i => $"k{i}", i => i)) };
        var (withoutMetadata, json) = EventLimits.Fit(big, 10_000)!.Value;
        Assert.Null(withoutMetadata.ProviderMetadata);
        Assert.Equal(["provider_metadata"], withoutMetadata.TruncatedFields);
        Assert.Equal(json, JsonSerializer.Serialize(withoutMetadata, OmniJson.Options));
        Assert.Equal(big.Text, withoutMetadata.Text);

        // Every character escaped six times over (\u0001): the text is cut to a quarter, then a sixteenth, of its limit.
        var escaped = Event(new string('\u0001', 4_000));
        var (fitted, fittedJson) = EventLimits.Fit(escaped, 8_000)!.Value;
        Assert.True(fittedJson.Length <= 8_000);
        Assert.Equal(EventLimits.MaxTextChars / 4, fitted.Text!.Length);
        Assert.Equal(4_000, fitted.TextLength);
        Assert.Null(EventLimits.Fit(Event() with { ProviderEventId = new string('i', 256) }, 200));
    }

    [Fact]
    public void IdentityDisplayName_CutAtTheNameLimit()
    {
        var claims = EventIdentityRules.For(Event(senderName: "  " + new string('é', 1_000)));
        Assert.Equal(new string('é', EventLimits.MaxNameChars), claims.DisplayName);
    }

    [Fact]
    public void ConversationSummary_ParticipantHandlesStopAtTheirCharacterBudget()
    {
        ConversationSummary? summary = null;
        for (var i = 0; i < 50; i++)
        {
            summary = ConversationSummary.Apply(summary, Event() with { EventId = $"evt_demo_{i:D32}", SenderHandle = $"{i:D3}" + new string('h', 200) + "@lid" });
        }

        Assert.True(summary!.ParticipantHandles.Sum(h => h.Length) <= ConversationSummary.MaxParticipantHandleChars);
        Assert.Equal(9, summary.ParticipantHandles.Count); // 9 × 207 characters fit in 2,048
    }

    [Fact]
    public void WorkflowExpressions_ReadWhetherTheRunsTextWasCut()
    {
        var bounded = EventLimits.Bound(Event(new string('z', 6_000)));
        Assert.True(Omni.Engine.Workflows.Expressions.EventFields.TryRead(bounded, "text_truncated", out var truncated) && (bool)truncated!);
        Assert.True(Omni.Engine.Workflows.Expressions.EventFields.TryRead(bounded, "text_length", out var length) && (double)length! == 6_000);
        Assert.True(Omni.Engine.Workflows.Expressions.EventFields.TryRead(Event("hi"), "text_truncated", out var whole) && !(bool)whole!);
        Assert.True(Omni.Engine.Workflows.Expressions.EventFields.TryRead(Event("hi"), "text_length", out var shortLength) && (double)shortLength! == 2);
    }

    [Fact]
    public void Timeline_BoundedMessage_EntrySaysItsTextWasCut()
    {
        var bounded = EventLimits.Bound(Event(new string('z', 6_000)));
        var entry = Assert.Single(TimelineFolder.Fold([bounded]));
        Assert.Equal((EventLimits.MaxTextChars, true, 6_000), (entry.Text!.Length, entry.TextTruncated, entry.TextLength));
        Assert.Null(Assert.Single(TimelineFolder.Fold([Event()])).TextTruncated);
    }
}
