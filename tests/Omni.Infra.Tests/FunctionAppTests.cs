using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>The Function App: Flex Consumption, .NET 10 isolated, locked-down transport, one identity.</summary>
public class FunctionAppTests
{
    private const string Module = "main/functionApp";

    private static JsonObject Site => Assert.IsType<JsonObject>(CompiledInfra.SingleIn(Module, "Microsoft.Web/sites").Resource["properties"]);

    [Fact]
    public void Site_CarriesTheAzdServiceTag_OfTheServiceAzureYamlDeploys()
    {
        var site = Assert.Single(DeploymentSnapshot.OfType("Microsoft.Web/sites"), s => s["kind"]?.GetValue<string>() == "functionapp,linux");
        Assert.Equal("api", site["tags"]?["azd-service-name"]?.GetValue<string>());
        Assert.Equal("test", site["tags"]?["environment"]?.GetValue<string>()); // the deployment's own tags are kept

        var azureYaml = File.ReadAllLines(Path.Combine(BicepCli.RepositoryRoot, "azure.yaml"));
        var services = Array.IndexOf(azureYaml, "services:");
        Assert.True(services >= 0, "azure.yaml has no services section");
        Assert.Equal("  api:", azureYaml[services + 1]);
        Assert.Contains("    project: ./src/Omni.Functions", azureYaml);
        Assert.Contains("    host: function", azureYaml);
        Assert.Contains("  path: infra", azureYaml);
    }

    [Fact]
    public void Site_HttpsOnly_IsOn() => Literal.True(Site["httpsOnly"], "function app httpsOnly");

    [Fact]
    public void Site_MinTlsVersion_Is12() => Literal.Text("1.2", Site["siteConfig"]?["minTlsVersion"], "function app minTlsVersion");

    [Fact]
    public void Site_ScmMinTlsVersion_Is12() => Literal.Text("1.2", Site["siteConfig"]?["scmMinTlsVersion"], "function app scmMinTlsVersion");

    [Fact]
    public void Site_Ftps_IsDisabled() => Literal.Text("Disabled", Site["siteConfig"]?["ftpsState"], "function app ftpsState");

    [Theory]
    [InlineData("ftp")]
    [InlineData("scm")]
    public void Site_BasicPublishingCredentials_AreDisabled(string policy)
    {
        var (_, resource) = Assert.Single(
            CompiledInfra.ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            pair => pair.Template.Path == Module && pair.Resource["name"]!.GetValue<string>().Contains($"'{policy}'", StringComparison.Ordinal));
        Literal.False(resource["properties"]?["allow"], $"basic publishing credentials ({policy}) allow");
    }

    [Fact]
    public void Plan_IsFlexConsumption()
    {
        var (_, plan) = CompiledInfra.SingleIn(Module, "Microsoft.Web/serverfarms");
        Literal.Text("FC1", plan["sku"]?["name"], "plan sku name");
        Literal.Text("FlexConsumption", plan["sku"]?["tier"], "plan sku tier");
        Literal.True(plan["properties"]?["reserved"], "plan reserved (Linux)");
    }

    [Fact]
    public void Site_Runtime_IsDotnetIsolated10()
    {
        var runtime = Site["functionAppConfig"]?["runtime"];
        Literal.Text("dotnet-isolated", runtime?["name"], "runtime name");
        Literal.Text("10.0", runtime?["version"], "runtime version");
    }

    [Fact]
    public void Site_DeploymentStorage_UsesTheUserAssignedIdentity()
    {
        var (template, _) = CompiledInfra.SingleIn(Module, "Microsoft.Web/sites");
        var storage = Site["functionAppConfig"]?["deployment"]?["storage"];
        Literal.Text("blobContainer", storage?["type"], "deployment storage type");
        Literal.Text("UserAssignedIdentity", storage?["authentication"]?["type"], "deployment storage authentication");
        Assert.Equal("[parameters('identityId')]", storage?["authentication"]?["userAssignedIdentityResourceId"]?.GetValue<string>());
        Assert.True(template.Parameters.ContainsKey("identityId"));
    }

    [Fact]
    public void Site_Identity_IsTheUserAssignedIdentity_AlsoForKeyVaultReferences()
    {
        var (_, site) = CompiledInfra.SingleIn(Module, "Microsoft.Web/sites");
        Literal.Text("UserAssigned", site["identity"]?["type"], "site identity type");
        var identities = Assert.IsType<JsonObject>(site["identity"]?["userAssignedIdentities"]);
        Assert.Equal("[format('{0}', parameters('identityId'))]", Assert.Single(identities).Key);
        Assert.Equal("[parameters('identityId')]", Site["keyVaultReferenceIdentity"]?.GetValue<string>());

        // ...and that parameter is the identity module's resource ID.
        var wiring = CompiledInfra.Root.Resources.Single(pair => pair.Key == "functionApp").Resource;
        Assert.Equal(
            "[reference('identity').outputs.id.value]",
            wiring["properties"]?["parameters"]?["identityId"]?["value"]?.GetValue<string>());
    }
}
