using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>
/// App settings, as `bicep snapshot` evaluates them (the compiled template merges several objects with union()).
/// Identity-based storage only: no connection strings, no keys.
/// </summary>
public class AppSettingsTests
{
    private static readonly string[] ConnectionStringMarkers =
    [
        "AccountKey=",
        "DefaultEndpointsProtocol",
        "SharedAccessSignature=",
        "listKeys(",
        "listAccountSas(",
        "listServiceSas(",
        "UseDevelopmentStorage",
    ];

    private static JsonObject Settings => DeploymentSnapshot.AppSettings;

    private static string Value(string name)
    {
        Assert.True(Settings.ContainsKey(name), $"app setting {name} is missing");
        var value = Settings[name]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(value), $"app setting {name} is empty");
        return value!;
    }

    [Fact]
    public void HostStorage_Credential_IsManagedIdentity() =>
        Assert.Equal("managedidentity", Value("AzureWebJobsStorage__credential"));

    // With a fixed deployment name the snapshot follows module outputs back to the resource that owns the value.
    [Theory]
    [InlineData("AzureWebJobsStorage__clientId", "Microsoft.ManagedIdentity/userAssignedIdentities/", ").clientId]")]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "Microsoft.Storage/storageAccounts/", ").primaryEndpoints.blob]")]
    [InlineData("AzureWebJobsStorage__queueServiceUri", "Microsoft.Storage/storageAccounts/", ").primaryEndpoints.queue]")]
    [InlineData("AzureWebJobsStorage__tableServiceUri", "Microsoft.Storage/storageAccounts/", ").primaryEndpoints.table]")]
    [InlineData("Omni__Storage__ClientId", "Microsoft.ManagedIdentity/userAssignedIdentities/", ").clientId]")]
    [InlineData("Omni__Storage__BlobServiceUri", "Microsoft.Storage/storageAccounts/", ").primaryEndpoints.blob]")]
    [InlineData("Omni__Storage__QueueServiceUri", "Microsoft.Storage/storageAccounts/", ").primaryEndpoints.queue]")]
    [InlineData("Omni__Storage__TableServiceUri", "Microsoft.Storage/storageAccounts/", ").primaryEndpoints.table]")]
    public void IdentityBasedStorageSettings_Exist_AndComeFromTheDeployedResources(string name, string resourceType, string property)
    {
        var value = Value(name);
        Assert.StartsWith($"[reference('/subscriptions/{DeploymentSnapshot.SubscriptionId}/resourceGroups/{DeploymentSnapshot.ResourceGroup}/providers/{resourceType}", value, StringComparison.Ordinal);
        Assert.EndsWith(property, value, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_NoneNamedAzureWebJobsStorage() =>
        Assert.DoesNotContain(Settings, setting => string.Equals(setting.Key, "AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Settings_NoneLooksLikeAStorageConnectionString()
    {
        foreach (var (name, node) in Settings)
        {
            var value = node is JsonValue text && text.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? string.Empty;
            foreach (var marker in ConnectionStringMarkers)
            {
                Assert.False(
                    name.Contains(marker, StringComparison.OrdinalIgnoreCase) || value.Contains(marker, StringComparison.OrdinalIgnoreCase),
                    $"app setting {name} looks like a storage connection string ({marker}): {value}");
            }

            Assert.False(
                name.StartsWith("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase) && name.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase),
                $"app setting {name} is a storage connection string");
        }
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("APPINSIGHTS_INSTRUMENTATIONKEY")]
    public void Settings_OmitWhatFlexConsumptionRejectsOrKeyBasedTelemetry(string name) =>
        Assert.False(Settings.ContainsKey(name), $"app setting {name} must not be set on Flex Consumption / with Entra-only telemetry");

    [Fact]
    public void Telemetry_AuthenticatesWithTheIdentity()
    {
        var authentication = Value("APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        Assert.StartsWith("[format('ClientId={0};Authorization=AAD', ", authentication, StringComparison.Ordinal);
        Assert.EndsWith(").clientId)]", authentication, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities/", authentication, StringComparison.Ordinal);
        var connectionString = Value("APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.Contains("Microsoft.Insights/components/", connectionString, StringComparison.Ordinal);
        Assert.EndsWith(").ConnectionString]", connectionString, StringComparison.Ordinal);
    }

    [Fact]
    public void RetentionSetting_CarriesEventRetentionDays() =>
        Assert.Equal("365", Value("Omni__Retention__EventDays"));

    [Fact]
    public void WebhookSecrets_AreKeyVaultReferences_OnePerInstance()
    {
        foreach (var instance in DeploymentSnapshot.Instances)
        {
            var value = Value($"Omni__Instances__{instance}__WebhookSecret");
            Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0}secrets/webhook-secret-{1})', ", value, StringComparison.Ordinal);
            Assert.Contains("Microsoft.KeyVault/vaults/", value, StringComparison.Ordinal);
            Assert.Contains(").vaultUri, ", value, StringComparison.Ordinal);
            Assert.EndsWith($", '{instance}')]", value, StringComparison.Ordinal);
        }

        Assert.Equal(
            DeploymentSnapshot.Instances.Length,
            Settings.Count(setting => setting.Key.StartsWith("Omni__Instances__", StringComparison.Ordinal) && setting.Key.EndsWith("__WebhookSecret", StringComparison.Ordinal)));
    }

    [Fact]
    public void QueryKeys_AreKeyVaultReferences_OnePerName()
    {
        foreach (var keyName in DeploymentSnapshot.QueryKeyNames)
        {
            var value = Value($"Omni__Keys__{keyName}__Secret");
            Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0}secrets/query-key-{1})', ", value, StringComparison.Ordinal);
            Assert.EndsWith($", '{keyName}')]", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CompiledTemplate_NowhereHoldsAStorageConnectionStringOrKey()
    {
        var json = CompiledInfra.Build.StandardOutput;
        foreach (var marker in ConnectionStringMarkers)
        {
            Assert.DoesNotContain(marker, json, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("\"AzureWebJobsStorage\"", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("'AzureWebJobsStorage'", json, StringComparison.OrdinalIgnoreCase);
    }
}
