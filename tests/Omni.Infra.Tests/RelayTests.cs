using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>
/// The Discord gateway relay (infra/modules/relay.bicep): an always-on App Service, not Flex Consumption, with a health
/// check, persisted /home for its buffer, its own identity that may only read Key Vault secrets, and the bot token and
/// webhook secret as Key Vault references. Deployed only when discordInstances lists an instance.
/// </summary>
public class RelayTests
{
    private const string Module = "main/relay";

    private static JsonObject Site => Assert.IsType<JsonObject>(CompiledInfra.SingleIn(Module, "Microsoft.Web/sites").Resource["properties"]);

    private static JsonObject PredictedSite =>
        Assert.Single(DeploymentSnapshot.OfType("Microsoft.Web/sites"), s => s["kind"]?.GetValue<string>() == "app,linux");

    private static Dictionary<string, string> PredictedSettings =>
        Assert.IsType<JsonArray>(PredictedSite["properties"]?["siteConfig"]?["appSettings"])
            .Select(s => (Name: s!["name"]!.GetValue<string>(), Value: s["value"]!.GetValue<string>()))
            .ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);

    [Fact]
    public void Relay_IsDeployedOnlyWhenADiscordInstanceIsListed()
    {
        var module = CompiledInfra.Root.Resources.Single(pair => pair.Key == "relay").Resource;
        Assert.Equal("[not(empty(parameters('discordInstances')))]", module["condition"]?.GetValue<string>());
        Assert.Empty(Assert.IsType<JsonArray>(CompiledInfra.Root.Parameters["discordInstances"]?["defaultValue"]));
    }

    [Fact]
    public void Relay_Plan_IsAnAlwaysOnLinuxPlanOfOneInstance_NotFlexConsumption()
    {
        var (_, plan) = CompiledInfra.SingleIn(Module, "Microsoft.Web/serverfarms");
        Assert.Equal("[parameters('skuName')]", plan["sku"]?["name"]?.GetValue<string>());
        Literal.True(plan["properties"]?["reserved"], "relay plan reserved (Linux)");
        Assert.Equal(1, plan["sku"]?["capacity"]?.GetValue<int>());
        Assert.Equal("B1", CompiledInfra.Root.Parameters["relaySkuName"]?["defaultValue"]?.GetValue<string>());
        Assert.DoesNotContain("FC1", CompiledInfra.Root.Parameters["relaySkuName"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void Relay_Site_AlwaysOn_HealthChecked_Dotnet10_LockedDown()
    {
        var config = Site["siteConfig"];
        Literal.True(config?["alwaysOn"], "relay alwaysOn");
        Literal.Text("/healthz", config?["healthCheckPath"], "relay healthCheckPath");
        Literal.Text("DOTNETCORE|10.0", config?["linuxFxVersion"], "relay linuxFxVersion");
        Literal.Text("1.2", config?["minTlsVersion"], "relay minTlsVersion");
        Literal.Text("Disabled", config?["ftpsState"], "relay ftpsState");
        Literal.True(Site["httpsOnly"], "relay httpsOnly");
        foreach (var policy in CompiledInfra.ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").Where(p => p.Template.Path == Module))
        {
            Literal.False(policy.Resource["properties"]?["allow"], "relay basic publishing credentials allow");
        }
    }

    [Fact]
    public void Relay_RunsAsItsOwnIdentity_ThatMayOnlyReadKeyVaultSecrets()
    {
        var (_, site) = CompiledInfra.SingleIn(Module, "Microsoft.Web/sites");
        Literal.Text("UserAssigned", site["identity"]?["type"], "relay identity type");
        Assert.Equal("[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))]", Site["keyVaultReferenceIdentity"]?.GetValue<string>());

        var assignments = CompiledInfra.ResourcesOfType("Microsoft.Authorization/roleAssignments").Where(p => p.Template.Path == Module).ToList();
        var (template, assignment) = Assert.Single(assignments);
        Assert.Equal(
            "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')]", // Key Vault Secrets User
            template.ResolveStringVariables(assignment["properties"]!["roleDefinitionId"]!.GetValue<string>()));
        Assert.StartsWith("[resourceId('Microsoft.KeyVault/vaults', ", assignment["scope"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Relay_Settings_BotTokenAndWebhookSecretAreKeyVaultReferences()
    {
        var settings = PredictedSettings;
        foreach (var instance in DeploymentSnapshot.DiscordInstances)
        {
            Assert.Equal("discord", settings[$"Omni__Instances__{instance}__Provider"]);
            foreach (var (setting, secret) in new[] { ("BotToken", "discord-bot-token"), ("WebhookSecret", "webhook-secret") })
            {
                var value = settings[$"Omni__Instances__{instance}__{setting}"];
                Assert.StartsWith($"[format('@Microsoft.KeyVault(SecretUri={{0}}secrets/{secret}-{{1}})', ", value, StringComparison.Ordinal);
                Assert.Contains("/providers/Microsoft.KeyVault/vaults/", value, StringComparison.Ordinal);
                Assert.EndsWith($").vaultUri, '{instance}')]", value, StringComparison.Ordinal);
            }
        }

        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Omni__Instances__alpha__", StringComparison.Ordinal)); // not a Discord instance
    }

    [Fact]
    public void Relay_Settings_PostToTheFunctionApp_AndKeepStateUnderPersistedHome()
    {
        var settings = PredictedSettings;
        Assert.StartsWith("[format('https://{0}', reference('/subscriptions/", settings["Omni__Relay__OmniBaseUrl"], StringComparison.Ordinal);
        Assert.Contains("/providers/Microsoft.Web/sites/func-omni-", settings["Omni__Relay__OmniBaseUrl"], StringComparison.Ordinal);
        Assert.EndsWith(").defaultHostName)]", settings["Omni__Relay__OmniBaseUrl"], StringComparison.Ordinal);
        Assert.StartsWith("/home/", settings["Omni__Relay__StateDirectory"], StringComparison.Ordinal);
        Assert.Equal("true", settings["WEBSITES_ENABLE_APP_SERVICE_STORAGE"]);
    }

    [Fact]
    public void FunctionApp_KnowsTheDiscordInstancesProvider()
    {
        foreach (var instance in DeploymentSnapshot.DiscordInstances)
        {
            Assert.Equal("discord", DeploymentSnapshot.AppSettings[$"Omni__Instances__{instance}__Provider"]?.GetValue<string>());
        }

        Assert.False(DeploymentSnapshot.AppSettings.ContainsKey("Omni__Instances__alpha__Provider"));
    }
}
