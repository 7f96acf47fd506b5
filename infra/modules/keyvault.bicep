metadata name = 'Omni secrets vault'
metadata description = 'Key Vault in RBAC mode for provider webhook secrets and query keys. The template creates no secrets: operators add them (infra/README.md) and the Function App reads them through Key Vault references with its user-assigned identity.'

@description('Azure region for the vault.')
param location string

@description('Key Vault name: 3-24 letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Days a deleted vault or secret stays recoverable (soft delete is always on).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionDays int

@description('Turn on purge protection. Recommended for production; it cannot be turned off again once on.')
param enablePurgeProtection bool

@description('Tags applied to the vault.')
param tags { *: string }

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access through Azure RBAC only (no access policies): the app identity gets Key Vault Secrets User.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionDays
    // The service rejects an explicit false once purge protection has been on, so 'off' is sent as null (unset).
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

@description('Name of the vault.')
output name string = vault.name

@description('Vault URI, e.g. https://<vault>.vault.azure.net/ (the base of the Key Vault references).')
output vaultUri string = vault.properties.vaultUri
