using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>The raw webhook archive moves to Cool and is then deleted, on the documented defaults.</summary>
public class LifecycleTests
{
    private static JsonObject RawArchiveRule()
    {
        var policy = Assert.Single(DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/managementPolicies"));
        var rules = Assert.IsType<JsonArray>(policy["properties"]?["policy"]?["rules"]);
        return Assert.IsType<JsonObject>(
            Assert.Single(
                rules,
                rule => rule?["definition"]?["filters"]?["prefixMatch"] is JsonArray prefixes &&
                    prefixes.Any(prefix => prefix?.GetValue<string>() == "raw/")));
    }

    [Fact]
    public void RawArchiveRule_IsAnEnabledLifecycleRuleOnBlockBlobs()
    {
        var rule = RawArchiveRule();
        Literal.True(rule["enabled"], "raw archive rule enabled");
        Literal.Text("Lifecycle", rule["type"], "raw archive rule type");
        var blobTypes = Assert.IsType<JsonArray>(rule["definition"]?["filters"]?["blobTypes"]);
        Assert.Contains(blobTypes, type => type?.GetValue<string>() == "blockBlob");
    }

    [Fact]
    public void RawArchiveRule_TiersToCool_AfterDefault30Days()
    {
        var baseBlob = RawArchiveRule()["definition"]?["actions"]?["baseBlob"];
        var days = Literal.Integer(baseBlob?["tierToCool"]?["daysAfterModificationGreaterThan"], "raw archive tierToCool days");
        Assert.Equal(30, days);
    }

    [Fact]
    public void RawArchiveRule_Deletes_AfterDefault365Days()
    {
        var baseBlob = RawArchiveRule()["definition"]?["actions"]?["baseBlob"];
        var days = Literal.Integer(baseBlob?["delete"]?["daysAfterModificationGreaterThan"], "raw archive delete days");
        Assert.Equal(365, days);
    }

    [Theory]
    [InlineData("rawArchiveCoolAfterDays", 30)]
    [InlineData("rawArchiveDeleteAfterDays", 365)]
    public void RetentionParameters_HaveDocumentedDefaultsAndDescriptions(string name, int days)
    {
        var parameter = Assert.IsType<JsonObject>(CompiledInfra.Root.Parameters[name]);
        Assert.Equal(days, Literal.Integer(parameter["defaultValue"], $"{name} default"));
        Assert.False(string.IsNullOrWhiteSpace(parameter["metadata"]?["description"]?.GetValue<string>()));
    }

    [Fact]
    public void RawArchivePrefix_MatchesTheRawContainer() =>
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => container["name"]!.GetValue<string>().EndsWith("/default/raw", StringComparison.Ordinal));
}
