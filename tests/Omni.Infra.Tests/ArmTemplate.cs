using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Omni.Infra.Tests;

/// <summary>
/// One ARM template as Bicep compiled it: the root (main.bicep) or a module's nested template. Resources may be
/// an array or, with languageVersion 2.0, an object keyed by symbolic name; both are handled. Expressions stay
/// strings such as "[parameters('x')]": assertions read them as they are.
/// </summary>
internal sealed partial class ArmTemplate
{
    public ArmTemplate(JsonObject json, string path)
    {
        Json = json;
        Path = path;
    }

    /// <summary>"main" for the root, "main/storage" for the storage module, and so on.</summary>
    public string Path { get; }

    public JsonObject Json { get; }

    public JsonObject Parameters => Json["parameters"] as JsonObject ?? [];

    public JsonObject Variables => Json["variables"] as JsonObject ?? [];

    public JsonObject Outputs => Json["outputs"] as JsonObject ?? [];

    public JsonObject Metadata => Json["metadata"] as JsonObject ?? [];

    public IEnumerable<(string Key, JsonObject Resource)> Resources =>
        Json["resources"] switch
        {
            JsonObject symbolic => symbolic.Select(pair => (pair.Key, (JsonObject)pair.Value!)),
            JsonArray array => array.Select((node, index) => (index.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonObject)node!)),
            _ => [],
        };

    /// <summary>This template and every module template below it.</summary>
    public IEnumerable<ArmTemplate> SelfAndDescendants()
    {
        yield return this;
        foreach (var (key, resource) in Resources)
        {
            if (Type(resource) == "Microsoft.Resources/deployments" &&
                resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var template in new ArmTemplate(nested, $"{Path}/{key}").SelfAndDescendants())
                {
                    yield return template;
                }
            }
        }
    }

    /// <summary>The module template deployed by the resource with symbolic name <paramref name="key"/>.</summary>
    public ArmTemplate Module(string key)
    {
        var (_, resource) = Assert.Single(Resources, pair => pair.Key == key);
        var nested = Assert.IsType<JsonObject>(resource["properties"]?["template"]);
        return new ArmTemplate(nested, $"{Path}/{key}");
    }

    /// <summary>Replaces variables('name') with 'value' where the variable is a plain string in this template.</summary>
    public string ResolveStringVariables(string expression) =>
        VariableReference().Replace(expression, match =>
            Variables[match.Groups["name"].Value] is JsonValue value && value.TryGetValue<string>(out var text)
                ? $"'{text}'"
                : match.Value);

    public static string? Type(JsonObject resource) => resource["type"]?.GetValue<string>();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();
}
