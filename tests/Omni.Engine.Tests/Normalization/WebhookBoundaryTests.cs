using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Webhook;
using static Omni.Engine.Tests.Normalization.WebhookNormalizerTests;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The generic webhook at its edges: every mapping field named in its problem, pointer tokens and bounds, time bounds and units.</summary>
public class WebhookBoundaryTests
{
    private static readonly JsonElement Document = JsonDocument.Parse("""{"list":["x","y"],"n":null,"zero":[7]}""").RootElement.Clone();

    [Fact]
    public void Mapping_Problems_NameEveryFieldByItsEventFieldName()
    {
        var problems = new WebhookMapping
        {
            Conversation = "c", Sender = "s", SenderName = "sn", Text = "t", OccurredAt = "o", Kind = "k", MessageId = "m",
        }.Problems();

        Assert.Equal(
            ["conversation_id: 'c'", "sender_handle: 's'", "sender_name: 'sn'", "text: 't'", "occurred_at: 'o'", "event_kind: 'k'", "provider_message_id: 'm'"],
            problems.Select(p => p[..p.IndexOf(" is not", StringComparison.Ordinal)]));
    }

    [Theory]
    [InlineData("/a~")]
    [InlineData("~")]
    [InlineData("/a~2")]
    public void JsonPointer_TildeNotFollowedByZeroOrOne_IsAProblem(string path)
    {
        Assert.Equal($"'{path}' is not a JSON Pointer: " + (path[0] == '/' ? "'~' must be followed by 0 or 1 (~0 is '~', ~1 is '/')" : "it must be empty or start with '/' (e.g. /data/from)"),
            JsonPointer.Problem(path));
        Assert.Null(JsonPointer.Evaluate(Document, path));
    }

    [Theory]
    [InlineData("/list/")]
    [InlineData("/list/+1")]
    [InlineData("/list/ 1")]
    [InlineData("/list/1a")]
    [InlineData("/list/2")]
    [InlineData("/list/-1")]
    [InlineData("/n")]
    public void JsonPointer_OnlyPlainInBoundIndexes_AndNullNamesNothing(string path)
    {
        Assert.Null(JsonPointer.Evaluate(Document, path));
    }

    [Theory]
    [InlineData("/zero/0", "7")]
    [InlineData("/list/0", "\"x\"")]
    [InlineData("/list/1", "\"y\"")]
    public void JsonPointer_IndexZeroAndTheLastIndex_Resolve(string path, string expected)
    {
        Assert.Equal(expected, JsonPointer.Evaluate(Document, path)?.GetRawText());
    }

    [Fact]
    public void NullArguments_ArgumentNullException_NamingTheParameter()
    {
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => JsonPointer.Problem(null!)).ParamName);
        Assert.Equal("payload", Assert.Throws<ArgumentNullException>(() => new WebhookNormalizer(_ => null).Normalize(null!)).ParamName);
    }

    [Fact]
    public void Normalize_EmptyBody_QuarantinedWithTheReason()
    {
        var result = Normalize("  ");

        Assert.True(result.IsQuarantined);
        Assert.Equal("body is empty: a webhook delivery is a JSON document", result.QuarantineReason);
    }

    [Theory]
    [InlineData("message")]
    [InlineData("reaction")]
    public void Normalize_ACanonicalKind_ShapeIsJustWebhook(string kind)
    {
        var e = Assert.Single(Normalize($$$"""{"kind":"{{{kind}}}","data":{"contact":"+1"}}""", SmsMapping with { Kind = "/kind" }).Events);

        Assert.Equal(kind, e.EventKind);
        Assert.Equal("webhook", e.Shape);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("1", 1L)]
    [InlineData("100000000000", 100_000_000_000L)]
    [InlineData("100000000001", 100_000_000L)]
    [InlineData("253402300799999", 253_402_300_799L)]
    [InlineData("253402300800000", null)]
    [InlineData("1.5", null)]
    public void Normalize_UnixTime_PositiveSeconds_MillisecondsAbove10To11_BeforeYear10000(string json, long? expectedSeconds)
    {
        var e = Assert.Single(Normalize($$$"""{"chat":"c","at":{{{json}}}}""", new WebhookMapping { Conversation = "/chat", OccurredAt = "/at" }).Events);

        Assert.Equal(expectedSeconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null, e.OccurredAt?.AddMilliseconds(-(e.OccurredAt.Value.Millisecond)));
        if (json == "100000000001")
        {
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(100_000_000_001), e.OccurredAt);
        }
    }

    [Fact]
    public void Normalize_IsoTime_CutToTheMillisecond_NotRounded()
    {
        var e = Assert.Single(Normalize("""{"chat":"c","at":"2026-01-05T12:00:01.123999Z"}""", new WebhookMapping { Conversation = "/chat", OccurredAt = "/at" }).Events);

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 12, 0, 1, 123, TimeSpan.Zero), e.OccurredAt);
    }
}
