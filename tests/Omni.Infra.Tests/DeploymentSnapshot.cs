using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>
/// `bicep snapshot` of main.bicep with the parameters below: the Bicep CLI evaluates the deployment offline
/// (modules flattened, loops expanded, conditions applied, parameters and names substituted) and predicts
/// every resource. Values only known after deployment (identity IDs, endpoints) stay reference() expressions.
/// It runs on a copy of infra/ because the snapshot file is written next to the parameters file.
/// </summary>
internal static class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000000";
    public const string ResourceGroup = "rg-omni-test";
    public const string OperatorPrincipalId = "22222222-2222-2222-2222-222222222222";
    public static readonly string[] Instances = ["alpha", "beta7"];
    public static readonly string[] QueryKeyNames = ["agent"];
    public static readonly string[] DiscordInstances = ["beta7"];

    private const string ParametersFile = """
        using 'main.bicep'

        param namePrefix = 'omni'
        param tags = {
          application: 'omni'
          environment: 'test'
        }
        param instances = [
          'alpha'
          'beta7'
        ]
        param queryKeyNames = [
          'agent'
        ]
        param discordInstances = [
          'beta7'
        ]
        param operatorPrincipalId = '22222222-2222-2222-2222-222222222222'
        """;

    private static readonly Lazy<JsonObject> Snapshot = new(Take);

    public static IReadOnlyList<JsonObject> PredictedResources =>
        Assert.IsType<JsonArray>(Snapshot.Value["predictedResources"]).Select(node => (JsonObject)node!).ToList();

    public static IReadOnlyList<JsonObject> OfType(string type) =>
        PredictedResources
            .Where(resource => string.Equals(ArmTemplate.Type(resource), type, StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>The evaluated app settings of the Function App (the sites/config 'appsettings' resource).</summary>
    public static JsonObject AppSettings =>
        Assert.IsType<JsonObject>(
            Assert.Single(
                OfType("Microsoft.Web/sites/config"),
                resource => resource["name"]!.GetValue<string>().EndsWith("/appsettings", StringComparison.Ordinal))["properties"]);

    private static JsonObject Take()
    {
        var workDirectory = Directory.CreateTempSubdirectory("omni-infra-snapshot-");
        try
        {
            CopyDirectory(BicepCli.InfraDirectory, workDirectory.FullName);
            File.WriteAllText(Path.Combine(workDirectory.FullName, "test.bicepparam"), ParametersFile);
            var result = BicepCli.Run(
                workDirectory.FullName,
                "snapshot", "test.bicepparam",
                "--mode", "overwrite",
                "--tenant-id", "11111111-1111-1111-1111-111111111111",
                "--subscription-id", SubscriptionId,
                "--resource-group", ResourceGroup,
                "--location", "westeurope",
                "--deployment-name", "omni-test");
            result.EnsureSuccess("bicep snapshot");
            var json = File.ReadAllText(Path.Combine(workDirectory.FullName, "test.snapshot.json"));
            return JsonNode.Parse(json) as JsonObject
                ?? throw new InvalidOperationException("bicep snapshot did not write a JSON object.");
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }
}
