using System.Text;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Webhook;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The generic webhook: JSON Pointer mapping, ids from the signed webhook-id, unreadable payloads as unknown.</summary>
public class WebhookNormalizerTests
{
    /// <summary>An SMS gateway's "message received" delivery (a CloudEvent with the SMS in <c>data</c>; invented values).</summary>
    public const string Sms = """
        {"specversion":"1.0","id":"9d1ab7f2-2a4e-4a8a-9f44-2b2b8a6c0e11","source":"/v1/messages/receive","type":"message.phone.received",
         "time":"2026-01-05T12:00:01.123456Z","data":{"message_id":"5f1c6c1e-0d55-4a8e-9a8b-0c7f5f0e9d21","owner":"+18005550199",
         "contact":"+18005550100","timestamp":"2026-01-05T12:00:00.808Z","content":"Mãe aqui: chego às 8","sim":"SIM1"}}
        """;

    public static readonly WebhookMapping SmsMapping = new()
    {
        Conversation = "/data/contact",
        Sender = "/data/contact",
        Text = "/data/content",
        OccurredAt = "/data/timestamp",
        MessageId = "/data/message_id",
    };

    internal static NormalizationResult Normalize(string body, WebhookMapping? mapping = null, string? deliveryId = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W") =>
        new WebhookNormalizer(_ => mapping ?? SmsMapping).Normalize(
            new RawPayload("webhook", "demo-webhook", "ingest-1", "webhook/demo-webhook/x", DateTimeOffset.UnixEpoch, "application/json",
                Encoding.UTF8.GetBytes(body)) { DeliveryId = deliveryId });

    [Fact]
    public void Normalize_SmsGateway_MappedFields_IdFromTheWebhookId()
    {
        var e = Assert.Single(Normalize(Sms).Events);

        Assert.Equal((EventKinds.Message, ContentTypes.Text), (e.EventKind, e.ContentType));
        Assert.Equal(Channels.Webhook, e.Channel);
        Assert.Equal("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", e.ProviderEventId);
        Assert.Equal("5f1c6c1e-0d55-4a8e-9a8b-0c7f5f0e9d21", e.ProviderMessageId);
        Assert.Equal("+18005550100", e.ConversationId);
        Assert.Equal("+18005550100", e.SenderHandle);
        Assert.Equal("Mãe aqui: chego às 8", e.Text);
        Assert.Equal(DateTimeOffset.Parse("2026-01-05T12:00:00.808Z", System.Globalization.CultureInfo.InvariantCulture), e.OccurredAt);
        Assert.Equal("webhook", e.Shape);
        Assert.Equal("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", e.ProviderMetadata!.Value.GetProperty("webhook_id").GetString());
        Assert.Equal("SIM1", e.ProviderMetadata!.Value.GetProperty("data").GetProperty("sim").GetString());
    }

    [Fact]
    public void Normalize_SameWebhookIdTwice_SameEvent_WithoutOneTheMessageIdThenAHash()
    {
        Assert.Equal(Normalize(Sms).Events[0].EventId, Normalize(Sms).Events[0].EventId);
        Assert.Equal("5f1c6c1e-0d55-4a8e-9a8b-0c7f5f0e9d21", Normalize(Sms, deliveryId: null).Events[0].ProviderEventId);
        Assert.StartsWith("sha256:", Normalize(Sms, SmsMapping with { MessageId = null }, deliveryId: null).Events[0].ProviderEventId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"message.phone.sent","data":{"owner":"+1"}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"data":{"contact":{"nested":true}}}""")]
    public void Normalize_PayloadTheMappingCannotRead_UnknownUnmapped(string body)
    {
        var e = Assert.Single(Normalize(body).Events);

        Assert.Equal((EventKinds.Unknown, "webhook/unmapped"), (e.EventKind, e.Shape));
    }

    [Fact]
    public void Normalize_MappedKind_CanonicalKindUsed_OtherValuesUnknownWithTheirShape()
    {
        var mapping = SmsMapping with { Kind = "/kind" };

        var reaction = Assert.Single(Normalize("""{"kind":"reaction","data":{"contact":"+1"}}""", mapping).Events);
        var other = Assert.Single(Normalize("""{"kind":"delivery_report","data":{"contact":"+1"}}""", mapping).Events);

        Assert.Equal(EventKinds.Reaction, reaction.EventKind);
        Assert.Equal((EventKinds.Unknown, "webhook/delivery_report"), (other.EventKind, other.Shape));
    }

    [Fact]
    public void Normalize_NumbersAndUnixTimes()
    {
        var e = Assert.Single(Normalize("""{"chat":12345,"at":1767614400}""", new WebhookMapping { Conversation = "/chat", OccurredAt = "/at" }).Events);

        Assert.Equal("12345", e.ConversationId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767614400), e.OccurredAt);
        Assert.Equal(ContentTypes.Unknown, e.ContentType);
    }

    [Fact]
    public void Normalize_NotJson_Quarantined() =>
        Assert.True(Normalize("not json").IsQuarantined);

    [Fact]
    public void Mapping_Problems_NameTheFieldAndTheFix()
    {
        var problems = new WebhookMapping { Sender = "data/from", Text = "/a~2b" }.Problems();

        Assert.Equal(3, problems.Count);
        Assert.Contains("Conversation is required", problems[0], StringComparison.Ordinal);
        Assert.Contains("sender_handle: 'data/from' is not a JSON Pointer", problems[1], StringComparison.Ordinal);
        Assert.Contains("text: '/a~2b'", problems[2], StringComparison.Ordinal);
        Assert.Empty(SmsMapping.Problems());
    }

    [Theory]
    [InlineData("", """{"a":1}""")]
    [InlineData("/a~1b", "2")]
    [InlineData("/m~0n", "3")]
    [InlineData("/list/1", "\"y\"")]
    public void JsonPointer_Rfc6901(string path, string expected)
    {
        var document = System.Text.Json.JsonDocument.Parse("""{"a/b":2,"m~n":3,"list":["x","y"]}""").RootElement;

        var value = JsonPointer.Evaluate(path.Length == 0 ? System.Text.Json.JsonDocument.Parse("""{"a":1}""").RootElement : document, path);

        Assert.Equal(expected, value?.GetRawText());
    }

    [Theory]
    [InlineData("/list/01")]
    [InlineData("/list/9")]
    [InlineData("/missing")]
    [InlineData("nope")]
    public void JsonPointer_NamesNothing_Null(string path) =>
        Assert.Null(JsonPointer.Evaluate(System.Text.Json.JsonDocument.Parse("""{"list":["x","y"]}""").RootElement, path));
}
