using System.Globalization;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Webhook;

/// <summary>
/// Normalizes deliveries to a generic signed webhook instance (provider <c>webhook</c>, channel <c>webhook</c>): a CRM, a
/// form, an SMS gateway. The instance's <see cref="WebhookMapping"/> names where each field is; the whole payload is
/// <c>provider_metadata</c> (plus <c>webhook_id</c>). One delivery is one event, keyed by the delivery's signed
/// <c>webhook-id</c> (<see cref="RawPayload.DeliveryId"/>: a sender's retry keeps it, so it is one event), else the mapped
/// message id, else a hash of the body.
/// </summary>
/// <remarks>
/// A payload the mapping cannot read (not a JSON object, or the conversation pointer names no text or number; or no
/// mapping configured) is an <c>unknown</c> event with shape <c>webhook/unmapped</c>, so it shows in the catalogue; a
/// mapped kind Omni does not know is <c>unknown</c> with shape <c>webhook/&lt;kind&gt;</c>. Only a body that is not JSON
/// (or not UTF-8) is quarantined. Pure.
/// </remarks>
public sealed class WebhookNormalizer(Func<string, WebhookMapping?> mappingOf) : IPayloadNormalizer
{
    public const string ProviderName = "webhook";

    public string Provider => ProviderName;

    /// <summary>The version of this mapping (see <see cref="IPayloadNormalizer.Version"/>): raise it when the events it makes change.</summary>
    public const int CurrentVersion = 1;

    public int Version => CurrentVersion;

    public NormalizationResult Normalize(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var body = JsonPayload.WithoutByteOrderMark(payload.Body);
        if (JsonPayload.IsBlank(body.Span))
        {
            return NormalizationResult.Quarantine("body is empty: a webhook delivery is a JSON document");
        }

        var (parsed, problem) = JsonPayload.Parse(body);
        if (parsed is not { } document)
        {
            return NormalizationResult.Quarantine(problem!);
        }

        using (document)
        {
            var root = document.RootElement;
            var mapping = mappingOf(payload.Instance);
            var conversation = mapping?.Conversation is { } c && root.ValueKind == JsonValueKind.Object ? Scalar(root, c) : null;
            if (mapping is null || conversation is null)
            {
                return NormalizationResult.Ok([Create(payload, root, EventKinds.Unknown, ContentTypes.Unknown, "unmapped", null)]);
            }

            var kindValue = Read(root, mapping.Kind);
            var kind = kindValue is null ? EventKinds.Message : EventKinds.All.Contains(kindValue) ? kindValue : null;
            var text = Read(root, mapping.Text);
            var messageId = Read(root, mapping.MessageId);
            var e = Create(payload, root, kind ?? EventKinds.Unknown,
                kind == EventKinds.Message && text is not null ? ContentTypes.Text : ContentTypes.Unknown,
                kind is null ? kindValue : null, messageId);
            return NormalizationResult.Ok([e with
            {
                ProviderMessageId = messageId,
                ConversationId = conversation,
                SenderHandle = Read(root, mapping.Sender),
                SenderName = Read(root, mapping.SenderName),
                Text = text,
                OccurredAt = Time(mapping.OccurredAt is { } p ? JsonPointer.Evaluate(root, p) : null),
            }]);
        }
    }

    private static OmniEvent Create(RawPayload payload, JsonElement root, string kind, string contentType, string? detail, string? messageId)
    {
        var id = payload.DeliveryId ?? messageId ?? EventKey.ContentHash(root.GetRawText());
        var metadata = ProviderMetadata.Compose(root, new ProviderMetadata.Added().Text("webhook_id", payload.DeliveryId));
        return EventHeader.Create(payload, ProviderName, Channels.Webhook, kind, contentType, id, ProviderName,
            detail is null ? ProviderName : ProviderName + "/" + detail, metadata);
    }

    private static string? Read(JsonElement root, string? pointer) => pointer is null ? null : Scalar(root, pointer);

    /// <summary>A string (non-blank) or a number as written; anything else is not a field value.</summary>
    private static string? Scalar(JsonElement root, string pointer) =>
        JsonPointer.Evaluate(root, pointer) switch
        {
            { ValueKind: JsonValueKind.String } s when !string.IsNullOrWhiteSpace(s.GetString()) => s.GetString(),
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            _ => null,
        };

    /// <summary>An ISO-8601 string (UTC; no offset means UTC) or Unix seconds, milliseconds above 10^11; cut to the millisecond.</summary>
    private static DateTimeOffset? Time(JsonElement? value)
    {
        DateTimeOffset? time = value switch
        {
            { ValueKind: JsonValueKind.String } s when DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) => parsed,
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var number) && number is > 0 and < 253_402_300_800_000 =>
                number > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(number) : DateTimeOffset.FromUnixTimeSeconds(number),
            _ => null,
        };
        return time is { } t ? new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) : null;
    }
}
