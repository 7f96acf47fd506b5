using System.Text.Json;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// The outer object of every Evolution webhook:
/// <code>
/// { "event": "messages.upsert", "instance": "name", "data": {...} | [...], "destination": "...",
///   "date_time": "...", "sender": "5511...@s.whatsapp.net", "server_url": "...", "apikey": "..." }
/// </code>
/// Only <c>event</c>, <c>data</c>, <c>sender</c> and <c>date_time</c> matter here. The envelope's
/// <c>instance</c> is Evolution's name for the connection; Omni's instance comes from the webhook URL instead.
/// </summary>
internal sealed record EvolutionEnvelope(
    RawPayload Payload,
    JsonElement Root,
    string? EventName,
    string? OwnerJid,
    string? EnvelopeTime)
{
    public static EvolutionEnvelope Read(RawPayload payload, JsonElement root) =>
        new(
            payload,
            root,
            EvolutionEventNames.Normalize(root.Str("event")),
            // "sender" is the JID of the WhatsApp account the instance is logged in as: the author of every
            // fromMe message. Evolution omits it while the instance is not connected.
            WaJid.Normalize(root.Str("sender")),
            // date_time is Evolution's local clock formatted with a 'Z' it does not honour (a UTC-3 server
            // writes 15:39 for 18:39 UTC). It is never used as a time; it only tells two emissions apart.
            root.Str("date_time"));

    /// <summary>
    /// The items this webhook is about: <c>data</c> when it is an object, each element when it is an array
    /// (contacts and groups arrive in batches). Empty for an empty array.
    /// </summary>
    public IReadOnlyList<JsonElement> DataItems =>
        Root.Prop("data") is { ValueKind: JsonValueKind.Object or JsonValueKind.Array } data
            ? JsonReading.ItemsOf(data)
            : [];

    /// <summary>True when <c>data</c> is absent, null or a scalar: there is nothing item-shaped to map.</summary>
    public bool HasNoDataItems =>
        Root.Prop("data") is not { ValueKind: JsonValueKind.Object or JsonValueKind.Array };
}
