using System.Text.Json;

namespace Omni.Engine.Normalization.WhatsApp;

/// <summary>
/// Tolerant readers for provider JSON. WhatsApp payloads are produced by several serializers (protobufjs
/// <c>toJSON</c>, plain <c>JSON.stringify</c>, PHP dumps), so a field may be missing, null, a string where a
/// number is expected, or a Long object. Every reader returns null instead of throwing.
/// </summary>
internal static class JsonReading
{
    /// <summary>The named property when <paramref name="element"/> is an object and the value is not null.</summary>
    public static JsonElement? Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : null;

    /// <summary>The named property when it is a JSON object.</summary>
    public static JsonElement? Obj(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    /// <summary>The named property when it is a JSON array.</summary>
    public static JsonElement? Arr(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Array } value ? value : null;

    /// <summary>The named property when it is a JSON string (possibly empty).</summary>
    public static string? Str(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The named property when it is a non-empty, non-blank JSON string.</summary>
    public static string? NonBlank(this JsonElement element, string name) =>
        element.Str(name) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    /// <summary>
    /// True only for JSON <c>true</c> (or the string "true": PHP-converted captures carry flags as strings).
    /// </summary>
    public static bool IsTrue(this JsonElement element, string name) =>
        element.Prop(name) switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } text => string.Equals(text.GetString(), "true", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

    /// <summary>An integer that may arrive as a number, a numeric string or a protobuf Long object.</summary>
    public static long? Int64(this JsonElement element, string name) =>
        element.Prop(name) is { } value ? WaNumbers.ReadInt64(value) : null;

    /// <summary>An element of an object (the element itself) or of an array (each item), as a flat list.</summary>
    public static IReadOnlyList<JsonElement> ItemsOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray()] : [element];
}
