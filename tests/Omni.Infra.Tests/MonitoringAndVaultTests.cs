namespace Omni.Infra.Tests;

/// <summary>Application Insights accepts only Entra-authenticated telemetry; Key Vault is RBAC-only and empty.</summary>
public class MonitoringAndVaultTests
{
    [Fact]
    public void AppInsights_LocalAuth_IsDisabled() =>
        Literal.True(CompiledInfra.PropertiesOf("Microsoft.Insights/components")["DisableLocalAuth"], "App Insights DisableLocalAuth");

    [Fact]
    public void AppInsights_IsWorkspaceBased() =>
        Assert.Equal(
            "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]",
            CompiledInfra.PropertiesOf("Microsoft.Insights/components")["WorkspaceResourceId"]?.GetValue<string>());

    [Fact]
    public void KeyVault_Authorization_IsRbac() =>
        Literal.True(CompiledInfra.PropertiesOf("Microsoft.KeyVault/vaults")["enableRbacAuthorization"], "Key Vault enableRbacAuthorization");

    [Fact]
    public void KeyVault_SoftDelete_IsOn() =>
        Literal.True(CompiledInfra.PropertiesOf("Microsoft.KeyVault/vaults")["enableSoftDelete"], "Key Vault enableSoftDelete");

    [Fact]
    public void KeyVault_PurgeProtection_IsAParameterDefaultingToOn()
    {
        Assert.Equal(
            "[if(parameters('enablePurgeProtection'), true(), null())]",
            CompiledInfra.PropertiesOf("Microsoft.KeyVault/vaults")["enablePurgeProtection"]?.GetValue<string>());
        Literal.True(CompiledInfra.Root.Parameters["keyVaultPurgeProtection"]?["defaultValue"], "keyVaultPurgeProtection default");
    }

    [Fact]
    public void Template_CreatesNoSecrets() =>
        Assert.Empty(CompiledInfra.ResourcesOfType("Microsoft.KeyVault/vaults/secrets"));
}
