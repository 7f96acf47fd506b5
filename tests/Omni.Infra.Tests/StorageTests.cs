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

    // Every container, queue and table the app uses (Omni.Services' StorageNames, unprefixed as in Azure) is deployed.
    public static TheoryData<string> AppQueues() => [.. AppStorageNames("Queue")];

    public static TheoryData<string> AppTables() => [.. AppStorageNames("Table")];

    public static TheoryData<string> AppContainers() => [.. AppStorageNames("Container")];

    private static IEnumerable<string> AppStorageNames(string suffix)
    {
        var names = new Omni.Services.Storage.StorageNames("");
        return typeof(Omni.Services.Storage.StorageNames).GetProperties()
            .Where(p => p.Name.EndsWith(suffix, StringComparison.Ordinal) && p.PropertyType == typeof(string))
            .Select(p => (string)p.GetValue(names)!)
            .Order(StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AppContainers))]
    public void Containers_TheAppUses_Exist(string name) =>
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            resource => resource["name"]!.GetValue<string>().EndsWith($"/default/{name}", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(AppQueues))]
    public void Queues_TheAppUses_Exist(string name) =>
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/queueServices/queues"),
            resource => resource["name"]!.GetValue<string>().EndsWith($"/default/{name}", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(AppTables))]
    public void Tables_TheAppUses_Exist(string name) =>
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"),
            resource => resource["name"]!.GetValue<string>().EndsWith($"/default/{name}", StringComparison.Ordinal));
}
