using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Omni.Infra.Tests;

/// <summary>Lint-clean, self-describing templates whose outputs carry no secrets.</summary>
public partial class TemplateHygieneTests
{
    public static TheoryData<string> Templates =>
        new(CompiledInfra.Root.SelfAndDescendants().Select(template => template.Path));

    private static ArmTemplate TemplateAt(string path) =>
        CompiledInfra.Root.SelfAndDescendants().Single(template => template.Path == path);

    [Fact]
    public void Build_ReportsNoWarningsOrErrors() =>
        Assert.Empty(CompiledInfra.Build.WarningsAndErrors);

    [Fact]
    public void Modules_AreAllLocal() =>
        Assert.Equal(
            ["main", "main/functionApp", "main/identity", "main/monitoring", "main/rbac", "main/relay", "main/storage", "main/vault"],
            CompiledInfra.Root.SelfAndDescendants().Select(template => template.Path).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_HasNameAndDescriptionMetadata(string path)
    {
        var metadata = TemplateAt(path).Metadata;
        Assert.False(string.IsNullOrWhiteSpace(metadata["name"]?.GetValue<string>()), $"{path} has no metadata name");
        Assert.False(string.IsNullOrWhiteSpace(metadata["description"]?.GetValue<string>()), $"{path} has no metadata description");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Parameters_AllHaveDescriptions(string path)
    {
        foreach (var (name, parameter) in TemplateAt(path).Parameters)
        {
            Assert.False(
                string.IsNullOrWhiteSpace(parameter?["metadata"]?["description"]?.GetValue<string>()),
                $"parameter {name} in {path} has no @description");
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Outputs_NoneIsNamedOrTypedLikeASecret(string path)
    {
        foreach (var (name, output) in TemplateAt(path).Outputs)
        {
            Assert.False(SecretLikeName().IsMatch(name), $"output {name} in {path} is named like a secret");
            var type = output?["type"]?.GetValue<string>() ?? string.Empty;
            Assert.False(type.StartsWith("secure", StringComparison.OrdinalIgnoreCase), $"output {name} in {path} is of type {type}");
            var value = output?["value"]?.ToJsonString() ?? string.Empty;
            Assert.False(ListFunction().IsMatch(value), $"output {name} in {path} calls a list*() function: {value}");
            Assert.DoesNotContain("ConnectionString", value, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Outputs_GiveUrlWebhookPatternAndStorageName()
    {
        var outputs = CompiledInfra.Root.Outputs;
        Assert.Equal(
            "[format('https://{0}', reference('functionApp').outputs.defaultHostName.value)]",
            outputs["functionAppUrl"]?["value"]?.GetValue<string>());
        Assert.Equal(
            "[format('https://{0}/api/webhooks/{{provider}}/{{instance}}', reference('functionApp').outputs.defaultHostName.value)]",
            outputs["webhookUrlPattern"]?["value"]?.GetValue<string>());
        Assert.Equal("[reference('storage').outputs.name.value]", outputs["storageAccountName"]?["value"]?.GetValue<string>());
    }

    [Fact]
    public void Names_DeriveFromTheResourceGroup() =>
        Assert.Equal("[uniqueString(resourceGroup().id)]", CompiledInfra.Root.Variables["resourceToken"]?.GetValue<string>());

    [Fact]
    public void TrackedResources_CarryTheTags()
    {
        var tracked = DeploymentSnapshot.PredictedResources.Where(resource => resource.ContainsKey("location")).ToList();
        Assert.NotEmpty(tracked);
        foreach (var resource in tracked)
        {
            Assert.True(
                resource["tags"] is JsonObject tags && tags["environment"]?.GetValue<string>() == "test",
                $"{resource["type"]} {resource["name"]} is not tagged");
        }
    }

    [GeneratedRegex("secret|password|key|token|connectionstring|credential|sas", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLikeName();

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.CultureInvariant)]
    private static partial Regex ListFunction();
}
