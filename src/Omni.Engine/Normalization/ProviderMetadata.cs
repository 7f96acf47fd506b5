using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Engine.Normalization;

/// <summary>
/// Builds an event's <c>provider_metadata</c>: the provider's own object for the event, property by property (a name
/// repeated in the payload is written once, with the last value, as <see cref="JsonElement"/> reads it), minus the names
/// in <c>omit</c> (credentials), followed by what Omni derived from it (<see cref="Added"/>: written after the provider's
/// own properties and replacing any of the same name). A source that is not an object is kept under <c>value</c>.
/// </summary>
public static class ProviderMetadata
{
    public static JsonElement Compose(JsonElement? source, Added? added = null, IReadOnlyCollection<string>? omit = null)
    {
        var extra = added?.Values ?? [];
        var replaced = extra.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (source is { ValueKind: JsonValueKind.Object } obj)
            {
                var properties = obj.EnumerateObject().ToList();
                var last = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < properties.Count; i++)
                {
                    last[properties[i].Name] = i;
                }

                for (var i = 0; i < properties.Count; i++)
                {
                    var property = properties[i];
                    if (last[property.Name] == i && !replaced.Contains(property.Name) && !(omit?.Contains(property.Name) ?? false))
                    {
                        property.WriteTo(writer);
                    }
                }
            }
            else if (source is { } other)
            {
                writer.WritePropertyName("value");
                other.WriteTo(writer);
            }

            foreach (var (name, value) in extra)
            {
                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        // Deserializing to JsonElement gives an element that owns its memory (no JsonDocument to dispose).
        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }

    /// <summary>What a normalizer adds to the provider's object. Only what was found is written; flags only when true.</summary>
    public sealed class Added
    {
        private readonly List<(string Name, JsonNode? Value)> _values = [];

        public IReadOnlyList<(string Name, JsonNode? Value)> Values => _values;

        public Added Flag(string name, bool value)
        {
            if (value)
            {
                _values.Add((name, JsonValue.Create(true)));
            }

            return this;
        }

        public Added Text(string name, string? value)
        {
            if (value is not null)
            {
                _values.Add((name, JsonValue.Create(value)));
            }

            return this;
        }

        public Added Number(string name, long? value)
        {
            if (value is not null)
            {
                _values.Add((name, JsonValue.Create(value.Value)));
            }

            return this;
        }

        public Added Texts(string name, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                _values.Add((name, new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))])));
            }

            return this;
        }

        public Added Node(string name, JsonNode? value)
        {
            if (value is not null)
            {
                _values.Add((name, value));
            }

            return this;
        }
    }
}
