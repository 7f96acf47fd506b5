using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// The parts every Evolution event shares: identity (the deterministic event id), provenance (instance from the
/// URL, raw blob, received time) and the stripped provider JSON. Mappers add their own fields with <c>with</c>.
/// </summary>
internal static class EvolutionEventFactory
{
    public const string Provider = "evolution";

    public static OmniEvent Create(
        EvolutionEnvelope envelope,
        string eventKind,
        string contentType,
        string providerEventId,
        JsonElement? providerJson,
        string? innerType = null) =>
        EventHeader.Create(envelope.Payload, Provider, Channels.WhatsApp, eventKind, contentType, providerEventId, envelope.EventName,
            ShapeOf(envelope.EventName, innerType), providerJson is { } json ? InlineMediaStripper.Strip(json) : null);

    /// <summary><c>messages.upsert/imageMessage</c> for messages, the event name alone for everything else.</summary>
    public static string? ShapeOf(string? eventName, string? innerType) =>
        (eventName, innerType) switch
        {
            (null, _) => null,
            (_, null or "") => eventName,
            _ => eventName + "/" + innerType,
        };

    /// <summary>
    /// The provider event id of something WhatsApp gives no id (a connection change, a contact sync, a presence
    /// blip): a hash of the event name, the envelope's <c>date_time</c> and the item's JSON in compact form.
    /// A redelivery or archive replay of the same webhook (Evolution retries with the very same body) dedups, also
    /// if something on the way re-indented it; the same state reported again later (a second "connecting") has
    /// another date_time and stays a separate event.
    /// </summary>
    public static string ContentId(EvolutionEnvelope envelope, JsonElement item) =>
        EventKey.ContentHash(string.Concat(envelope.EventName, "\n", envelope.EnvelopeTime, "\n", Compact(item)));

    private static readonly JsonWriterOptions CompactWriter = new()
    {
        Indented = false,
        // Escape only what JSON requires, so the text (and its hash) reads like the payload.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The element without insignificant whitespace, properties in their original order.</summary>
    private static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
