using System.Globalization;
using System.Text.Json;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// The receipt vocabulary. WhatsApp's message status (WAProto WebMessageInfo.Status) arrives as Evolution's names
/// or as the enum number; Omni uses one small lowercase set:
/// <c>error</c>, <c>pending</c>, <c>server_ack</c> (one tick), <c>delivered</c> (two ticks), <c>read</c> (blue ticks),
/// <c>played</c> (a voice note or video was played). Unknown values pass through lowercased.
/// </summary>
public static class ReceiptStatus
{
    public const string Error = "error";
    public const string Pending = "pending";
    public const string ServerAck = "server_ack";
    public const string Delivered = "delivered";
    public const string Read = "read";
    public const string Played = "played";

    /// <summary>
    /// Evolution fills <c>status: "DELETED"</c> into a messages.update when Baileys reported no status at all
    /// (poll votes, edits). It does not mean the message was deleted: deletions arrive as messages.delete or as a
    /// revoke protocolMessage.
    /// </summary>
    public const string EvolutionPlaceholder = "DELETED";

    /// <summary>The canonical status, or null when there is none (absent, blank, or Evolution's placeholder).</summary>
    public static string? Canonical(JsonElement? status)
    {
        var raw = status switch
        {
            { ValueKind: JsonValueKind.String } text => text.GetString()?.Trim(),
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var code) =>
                code.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (string.IsNullOrEmpty(raw) || string.Equals(raw, EvolutionPlaceholder, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return raw.ToUpperInvariant() switch
        {
            "ERROR" or "0" => Error,
            "PENDING" or "1" => Pending,
            "SERVER_ACK" or "2" => ServerAck,
            "DELIVERY_ACK" or "DELIVERED" or "3" => Delivered,
            "READ" or "4" => Read,
            "PLAYED" or "5" => Played,
            _ => raw.ToLowerInvariant(),
        };
    }
}
