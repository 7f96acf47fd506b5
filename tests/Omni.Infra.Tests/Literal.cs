using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>
/// Assertions on literal JSON values. Security switches are literals in the Bicep on purpose, so the compiled
/// template states them plainly; a parameter or expression in their place fails these checks too.
/// </summary>
internal static class Literal
{
    public static void False(JsonNode? node, string what) => Kind(node, JsonValueKind.False, what, "false");

    public static void True(JsonNode? node, string what) => Kind(node, JsonValueKind.True, what, "true");

    public static void Text(string expected, JsonNode? node, string what) =>
        Assert.True(
            node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == expected,
            $"{what} must be the literal \"{expected}\", was {Describe(node)}");

    public static int Integer(JsonNode? node, string what)
    {
        Assert.True(node is JsonValue value && value.GetValueKind() == JsonValueKind.Number, $"{what} must be a literal number, was {Describe(node)}");
        return node.GetValue<int>();
    }

    public static string Describe(JsonNode? node) => node?.ToJsonString() ?? "missing";

    private static void Kind(JsonNode? node, JsonValueKind kind, string what, string expected) =>
        Assert.True(
            node is JsonValue value && value.GetValueKind() == kind,
            $"{what} must be the literal {expected}, was {Describe(node)}");
}
