using System.Security.Cryptography;
using System.Text.Json;

namespace Omni.Relay.Gateway;

/// <summary>
/// The fields of one gateway frame the relay acts on, read from the bytes it forwards unchanged: <c>op</c>, <c>s</c>,
/// <c>t</c>, and from <c>d</c> what READY, HELLO, INVALID_SESSION and MESSAGE_CREATE carry for the relay's own state.
/// </summary>
public sealed record GatewayFrame(
    int Op,
    long? Sequence,
    string? Type,
    int? HeartbeatIntervalMs,
    bool? Resumable,
    string? SessionId,
    string? ResumeGatewayUrl,
    string? ChannelId,
    string? MessageId,
    string? GuildId)
{
    /// <summary>Parses a frame; throws <see cref="JsonException"/> when it is not a JSON object with a numeric <c>op</c>.</summary>
    public static GatewayFrame Parse(ReadOnlyMemory<byte> bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || !opElement.TryGetInt32(out var op))
        {
            throw new JsonException("a gateway frame is a JSON object with a numeric op");
        }

        long? sequence = root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var seq) ? seq : null;
        var type = root.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        root.TryGetProperty("d", out var d);

        int? interval = null;
        bool? resumable = null;
        string? sessionId = null, resumeUrl = null, channelId = null, messageId = null, guildId = null;
        switch (op)
        {
            case GatewayOpcodes.Hello when d.ValueKind == JsonValueKind.Object:
                interval = d.TryGetProperty("heartbeat_interval", out var hi) && hi.TryGetInt32(out var ms) ? ms : null;
                break;
            case GatewayOpcodes.InvalidSession:
                resumable = d.ValueKind == JsonValueKind.True;
                break;
            case GatewayOpcodes.Dispatch when d.ValueKind == JsonValueKind.Object:
                if (type == "READY")
                {
                    sessionId = Str(d, "session_id");
                    resumeUrl = Str(d, "resume_gateway_url");
                }
                else if (type == "MESSAGE_CREATE")
                {
                    channelId = Str(d, "channel_id");
                    messageId = Str(d, "id");
                    guildId = Str(d, "guild_id");
                }

                break;
        }

        return new GatewayFrame(op, sequence, type, interval, resumable, sessionId, resumeUrl, channelId, messageId, guildId);
    }

    /// <summary>
    /// The Standard Webhooks <c>webhook-id</c> of a dispatch: <c>gw_{session}_{seq}</c>, the same every time the same
    /// frame is read (a RESUME replays frames with their sequence numbers), so a retry or a replay keeps its id. A frame
    /// without a session or a sequence falls back to a hash of its bytes.
    /// </summary>
    public static string WebhookId(string? sessionId, long? sequence, ReadOnlySpan<byte> bytes) =>
        sessionId is { Length: > 0 } && sequence is { } seq && IsIdSafe(sessionId)
            ? $"gw_{sessionId}_{seq}"
            : "gwh_" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];

    /// <summary>Whether a value may be part of a buffer file name and a header (Discord's ids are hex and digits).</summary>
    internal static bool IsIdSafe(string value) =>
        value.Length is > 0 and <= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
