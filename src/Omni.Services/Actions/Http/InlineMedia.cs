using System.Text.Json;
using Azure;
using Omni.Engine.Events;
using Omni.Services.Ingest;

namespace Omni.Services.Actions.Http;

/// <summary>
/// The media Evolution puts inline in its webhook when "webhook base64" is on: <c>data.message.base64</c> beside the
/// media message (<c>{"data": {"key": {...}, "message": {"audioMessage": {...}, "base64": "T2dnUw..."}}}</c>). The event
/// keeps only a marker (<c>provider_metadata</c> is stripped of inline media), so the bytes are read back from the raw
/// archive, the same blob <c>GET /api/events/{id}/raw</c> serves. When <c>data</c> is an array, the item whose
/// <c>key.id</c> is the event's <c>provider_message_id</c> is used.
/// </summary>
public static class InlineMedia
{
    /// <summary>The decoded bytes, or null (with the reason added to <paramref name="missing"/>) when the archive has none.</summary>
    public static async Task<byte[]?> ReadAsync(
        RawArchive archive, OmniEvent e, string actionId, List<string> missing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(missing);
        ArchivedPayload? payload;
        try
        {
            payload = await archive.GetAsync(e.RawBlob, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            throw new TransientActionException($"{actionId}: reading the archived payload {e.RawBlob} failed: {ex.Status} {ex.ErrorCode}", ex);
        }

        if (payload is null)
        {
            missing.Add($"the archived payload {e.RawBlob} no longer exists");
            return null;
        }

        var base64 = Find(payload.Content, e.ProviderMessageId);
        if (base64 is null)
        {
            missing.Add($"the archived payload {e.RawBlob} has no data.message.base64");
            return null;
        }

        return MediaBase64.Decode(base64, $"{actionId}: data.message.base64 in the archived payload {e.RawBlob}");
    }

    /// <summary><c>data.message.base64</c> of the message <paramref name="messageId"/> in an archived webhook body, or null.</summary>
    public static string? Find(BinaryData body, string? messageId)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToMemory());
        }
        catch (JsonException)
        {
            return null; // not JSON: it was quarantined at normalization; there is nothing to read
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data))
            {
                return null;
            }

            var items = data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [data];
            var item = items.Count == 1 ? items[0] : items.FirstOrDefault(i => MessageId(i) == messageId && messageId is not null);
            return item.ValueKind == JsonValueKind.Object &&
                   item.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object &&
                   message.TryGetProperty("base64", out var base64) && base64.ValueKind == JsonValueKind.String &&
                   !string.IsNullOrWhiteSpace(base64.GetString())
                ? base64.GetString()
                : null;
        }
    }

    private static string? MessageId(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.Object &&
        key.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
}

/// <summary>Decodes media sent as base64 (inline in a webhook, or Evolution's <c>getBase64FromMediaMessage</c>), within <see cref="MediaFetcher.MaxBytes"/>.</summary>
public static class MediaBase64
{
    private const string DataUrlMarker = ";base64,";

    /// <summary>The bytes; <see cref="PermanentActionException"/> (prefixed with <paramref name="what"/>) when not base64, empty or too large.</summary>
    public static byte[] Decode(string base64, string what)
    {
        ArgumentNullException.ThrowIfNull(base64);
        var text = base64.AsSpan().Trim();
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && text.IndexOf(DataUrlMarker, StringComparison.OrdinalIgnoreCase) is var at and >= 0)
        {
            text = text[(at + DataUrlMarker.Length)..]; // tolerate a data URL
        }

        // Four characters carry three bytes: refuse before allocating when even the estimate is too large.
        var estimate = text.Length / 4L * 3;
        if (estimate > MediaFetcher.MaxBytes + 3)
        {
            throw new PermanentActionException($"{what} holds about {estimate} bytes, more than {MediaFetcher.MaxBytes}.");
        }

        var buffer = new byte[estimate + 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written))
        {
            throw new PermanentActionException($"{what} is not valid base64 ({text.Length} chars).");
        }

        if (written == 0)
        {
            throw new PermanentActionException($"{what} is empty.");
        }

        if (written > MediaFetcher.MaxBytes)
        {
            throw new PermanentActionException($"{what} holds {written} bytes, more than {MediaFetcher.MaxBytes}.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }
}
