using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// Copies provider JSON for <c>provider_metadata</c> without inline media. With "webhook base64" on, Evolution puts
/// the whole downloaded file into <c>message.base64</c> (megabytes for a video), and every media message carries a
/// <c>jpegThumbnail</c>; QR updates carry the QR image as a data URL. Those are replaced by a short marker
/// (<c>"&lt;stripped: N chars&gt;"</c>) so the event row stays small while the raw archive keeps the original.
/// Everything else is copied unchanged, in order.
/// </summary>
public static class InlineMediaStripper
{
    /// <summary>Property names that hold inline file bytes (compared case-insensitively).</summary>
    private static readonly FrozenSet<string> MediaPropertyNames = FrozenSet.ToFrozenSet(
        ["base64", "jpegThumbnail", "pngThumbnail", "thumbnail", "thumbnailBase64", "imageBase64", "mediaBase64"],
        StringComparer.OrdinalIgnoreCase);

    // Any string, whatever its name, that is a data: URL this long is inline media too.
    private const int DataUrlMinimumLength = 100;

    /// <summary>A detached copy of <paramref name="element"/> with inline media replaced by markers.</summary>
    public static JsonElement Strip(JsonElement element) => Strip(element, dropTopLevelProperty: null);

    /// <summary>
    /// As <see cref="Strip(JsonElement)"/>, and leaves out one top-level property (used to keep the envelope's
    /// <c>apikey</c> out of events when the whole envelope is the only JSON there is to keep).
    /// </summary>
    public static JsonElement Strip(JsonElement element, string? dropTopLevelProperty)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element, dropTopLevelProperty);
        }

        // Deserializing to JsonElement gives an element that owns its memory (no JsonDocument to dispose).
        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }

    /// <summary>The marker that replaces a stripped value.</summary>
    public static string Marker(int length) =>
        string.Create(CultureInfo.InvariantCulture, $"<stripped: {length} chars>");

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? dropProperty = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (dropProperty is not null && property.NameEquals(dropProperty))
                    {
                        continue;
                    }

                    writer.WritePropertyName(property.Name);
                    if (IsInlineMedia(property.Name, property.Value))
                    {
                        writer.WriteStringValue(Marker(property.Value.GetString()!.Length));
                    }
                    else
                    {
                        Write(writer, property.Value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static bool IsInlineMedia(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var text = value.GetString()!;
        if (text.Length == 0)
        {
            return false;
        }

        // A thumbnail field holding a link is a reference, not inline bytes: keep it.
        if (MediaPropertyNames.Contains(name))
        {
            return !text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                && !text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        }

        return text.Length >= DataUrlMinimumLength
            && text.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            && text.Contains(";base64,", StringComparison.OrdinalIgnoreCase);
    }
}
