using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled once per test run with `bicep build --stdout` (the linter runs as part of build).
/// </summary>
internal static class CompiledInfra
{
    private static readonly Lazy<(ArmTemplate Root, BicepResult Build)> Compiled = new(Compile);

    public static ArmTemplate Root => Compiled.Value.Root;

    public static BicepResult Build => Compiled.Value.Build;

    /// <summary>
    /// Every resource of <paramref name="type"/> that main.bicep or one of its modules deploys, with its template.
    /// References to existing resources ("existing": true) are not deployments and are left out.
    /// </summary>
    public static IReadOnlyList<(ArmTemplate Template, JsonObject Resource)> ResourcesOfType(string type) =>
        Root.SelfAndDescendants()
            .SelectMany(template => template.Resources.Select(pair => (template, pair.Resource)))
            .Where(pair => string.Equals(ArmTemplate.Type(pair.Resource), type, StringComparison.OrdinalIgnoreCase))
            .Where(pair => pair.Resource["existing"]?.GetValue<bool>() != true)
            .ToList();

    /// <summary>The single resource of <paramref name="type"/>, failing if there is none or more than one.</summary>
    public static (ArmTemplate Template, JsonObject Resource) Single(string type) => Assert.Single(ResourcesOfType(type));

    /// <summary>The single resource of <paramref name="type"/> that the template at <paramref name="path"/> (e.g. <c>main/relay</c>) deploys.</summary>
    public static (ArmTemplate Template, JsonObject Resource) SingleIn(string path, string type) =>
        Assert.Single(ResourcesOfType(type), pair => pair.Template.Path == path);

    /// <summary>The single resource's "properties" object.</summary>
    public static JsonObject PropertiesOf(string type) =>
        Assert.IsType<JsonObject>(Single(type).Resource["properties"]);

    private static (ArmTemplate, BicepResult) Compile()
    {
        var build = BicepCli.Run(BicepCli.InfraDirectory, "build", BicepCli.MainTemplatePath, "--stdout");
        build.EnsureSuccess("bicep build infra/main.bicep");
        var json = JsonNode.Parse(build.StandardOutput) as JsonObject
            ?? throw new InvalidOperationException("bicep build did not print a JSON object.");
        return (new ArmTemplate(json, "main"), build);
    }
}
