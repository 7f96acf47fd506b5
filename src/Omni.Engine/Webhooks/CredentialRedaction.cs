using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Engine.Webhooks;

/// <summary>
/// Removes provider credentials from an archived payload before it is shown to a query key (agents hold those, and a
/// message can carry a prompt injection). The archive itself stays byte-exact for replay; only answers are redacted.
/// Every property, at any depth, whose name is in the provider's list (case-insensitive) gets the value
/// <see cref="Marker"/>. The lists are documented in docs/api.md ("Raw payloads").
/// </summary>
public static class CredentialRedaction
{
    public const string Marker = "[redacted]";

    /// <summary>Names every provider's payloads may carry credentials under.</summary>
    private static readonly string[] Common = ["apikey", "api_key", "token", "access_token", "secret", "password", "authorization", "signature"];

    private static readonly Dictionary<string, string[]> ByProvider = new(StringComparer.Ordinal)
    {
        // Evolution posts the instance's API key (it sends messages as the user) and, in jwt mode, its token.
        ["evolution"] = ["jwt", "jwt_key"],
    };

    /// <summary>The property names redacted for <paramref name="provider"/>, in the order documented.</summary>
    public static IReadOnlyList<string> NamesFor(string provider) =>
        [.. Common, .. ByProvider.GetValueOrDefault(provider ?? "") ?? []];

    /// <summary>
    /// The payload with every credential replaced, and how many were; null when <paramref name="payload"/> is not JSON
    /// (it cannot be redacted field by field, so it is not shown without the raw scope).
    /// </summary>
    public static (byte[] Json, int Redacted)? Redact(string provider, ReadOnlySpan<byte> payload)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(payload, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return null;
        }

        var names = new HashSet<string>(NamesFor(provider), StringComparer.OrdinalIgnoreCase);
        var redacted = Walk(root, names);
        return (JsonSerializer.SerializeToUtf8Bytes(root), redacted);
    }

    private static int Walk(JsonNode? node, HashSet<string> names)
    {
        var count = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (names.Contains(name) && obj[name] is not null and not JsonObject and not JsonArray)
                    {
                        obj[name] = Marker;
                        count++;
                    }
                    else
                    {
                        count += Walk(obj[name], names);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    count += Walk(item, names);
                }

                break;
        }

        return count;
    }
}
