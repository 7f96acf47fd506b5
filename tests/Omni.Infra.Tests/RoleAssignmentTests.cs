using System.Text.Json.Nodes;

namespace Omni.Infra.Tests;

/// <summary>
/// The workload identity holds exactly the data-plane roles it needs, each assignment named
/// guid(scope, principal, role) so that redeployments update rather than duplicate it.
/// </summary>
public class RoleAssignmentTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string WorkloadPrincipal = "parameters('principalId')";

    public static TheoryData<string, string, string> WorkloadRoles => new()
    {
        { "Storage Blob Data Owner", StorageBlobDataOwner, "Microsoft.Storage/storageAccounts" },
        { "Storage Queue Data Contributor", StorageQueueDataContributor, "Microsoft.Storage/storageAccounts" },
        { "Storage Table Data Contributor", StorageTableDataContributor, "Microsoft.Storage/storageAccounts" },
        { "Monitoring Metrics Publisher", MonitoringMetricsPublisher, "Microsoft.Insights/components" },
        { "Key Vault Secrets User", KeyVaultSecretsUser, "Microsoft.KeyVault/vaults" },
    };

    /// <summary>Role assignments with variables('...') resolved to their literal values.</summary>
    private static IEnumerable<(string Name, string Scope, string RoleDefinitionId, string PrincipalId, JsonObject Resource)> Assignments() =>
        CompiledInfra.ResourcesOfType("Microsoft.Authorization/roleAssignments").Select(pair => (
            pair.Template.ResolveStringVariables(pair.Resource["name"]!.GetValue<string>()),
            pair.Resource["scope"]?.GetValue<string>() ?? string.Empty,
            pair.Template.ResolveStringVariables(pair.Resource["properties"]!["roleDefinitionId"]!.GetValue<string>()),
            pair.Resource["properties"]!["principalId"]!.GetValue<string>(),
            pair.Resource));

    [Theory]
    [MemberData(nameof(WorkloadRoles))]
    public void WorkloadIdentity_HoldsRole_OnTheRightScope_WithAGuidName(string role, string roleDefinitionGuid, string scopeType)
    {
        var assignment = Assert.Single(
            Assignments(),
            candidate => candidate.PrincipalId == $"[{WorkloadPrincipal}]"
                && candidate.RoleDefinitionId == $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roleDefinitionGuid}')]");

        Literal.Text("ServicePrincipal", assignment.Resource["properties"]?["principalType"], $"{role} principalType");
        Assert.Null(assignment.Resource["condition"]);

        Assert.StartsWith($"[resourceId('{scopeType}', ", assignment.Scope, StringComparison.Ordinal);
        var scope = assignment.Scope[1..^1];
        Assert.Equal($"[guid({scope}, {WorkloadPrincipal}, '{roleDefinitionGuid}')]", assignment.Name);
    }

    [Fact]
    public void WorkloadIdentity_HoldsNoOtherRoles()
    {
        var workloadRoles = Assignments().Where(assignment => assignment.PrincipalId == $"[{WorkloadPrincipal}]").ToList();
        Assert.Equal(WorkloadRoles.Count, workloadRoles.Count);
    }

    [Fact]
    public void RolePrincipal_IsTheIdentityTheFunctionAppRunsAs()
    {
        var rbac = CompiledInfra.Root.Resources.Single(pair => pair.Key == "rbac").Resource;
        Assert.Equal(
            "[reference('identity').outputs.principalId.value]",
            rbac["properties"]?["parameters"]?["principalId"]?["value"]?.GetValue<string>());
    }

    [Fact]
    public void Operator_GetsSecretsOfficer_OnlyWhenNamed()
    {
        var officer = Assert.Single(
            Assignments(),
            candidate => candidate.RoleDefinitionId == $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{KeyVaultSecretsOfficer}')]");
        Assert.Equal("[not(empty(parameters('operatorPrincipalId')))]", officer.Resource["condition"]?.GetValue<string>());
        Assert.Equal($"[guid({officer.Scope[1..^1]}, parameters('operatorPrincipalId'), '{KeyVaultSecretsOfficer}')]", officer.Name);

        // The snapshot names an operator, so the assignment is predicted, with the operator as principal.
        Assert.Contains(
            DeploymentSnapshot.OfType("Microsoft.Authorization/roleAssignments"),
            resource => resource["properties"]?["principalId"]?.GetValue<string>() == DeploymentSnapshot.OperatorPrincipalId &&
                resource["properties"]?["roleDefinitionId"]?.GetValue<string>()?.EndsWith(KeyVaultSecretsOfficer, StringComparison.Ordinal) == true);
    }
}
