using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>The storage account is identity-only and private, and holds what the app expects.</summary>
public class StorageTests
{
    private const string StorageAccountType = "Microsoft.Storage/storageAccounts";

    private static JsonObject Account => CompiledInfra.PropertiesOf(StorageAccountType);

    [Fact]
    public void StorageAccount_SharedKeyAccess_IsDisabled() =>
        Literal.False(Account["allowSharedKeyAccess"], "storage allowSharedKeyAccess");

    [Fact]
    public void StorageAccount_MinimumTlsVersion_IsTls12() =>
        Literal.Text("TLS1_2", Account["minimumTlsVersion"], "storage minimumTlsVersion");

    [Fact]
    public void StorageAccount_BlobPublicAccess_IsDisabled() =>
        Literal.False(Account["allowBlobPublicAccess"], "storage allowBlobPublicAccess");

    [Fact]
    public void StorageAccount_HttpsTraffic_IsRequired() =>
        Literal.True(Account["supportsHttpsTrafficOnly"], "storage supportsHttpsTrafficOnly");

    [Fact]
    public void StorageAccount_DefaultAuthentication_IsEntraId() =>
        Literal.True(Account["defaultToOAuthAuthentication"], "storage defaultToOAuthAuthentication");

    [Theory]
    [InlineData("raw")]
    [InlineData("events-oversize")]
    [InlineData("app-package")]
    public void Containers_Expected_ExistAndArePrivate(string name)
    {
        var container = Assert.Single(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            resource => resource["name"]!.GetValue<string>().EndsWith($"/default/{name}", StringComparison.Ordinal));
        Literal.Text("None", container["properties"]?["publicAccess"], $"container {name} publicAccess");
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("ingest-poison")]
    [InlineData("workflow-timers")]
    public void Queues_Expected_Exist(string name) =>
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/queueServices/queues"),
            resource => resource["name"]!.GetValue<string>().EndsWith($"/default/{name}", StringComparison.Ordinal));

    [Theory]
    [InlineData("Events")]
    [InlineData("DeadLetters")]
    [InlineData("Identities")]
    [InlineData("IdentityHandles")]
    [InlineData("IdentityLinks")]
    [InlineData("Catalog")]
    [InlineData("WorkflowRuns")]
    [InlineData("Effects")]
    public void Tables_Expected_Exist(string name) =>
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"),
            resource => resource["name"]!.GetValue<string>().EndsWith($"/default/{name}", StringComparison.Ordinal));
}
