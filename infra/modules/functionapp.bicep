metadata name = 'Omni Function App'
metadata description = 'Flex Consumption plan and the .NET 10 isolated-worker Function App, running as the user-assigned identity: identity-based AzureWebJobsStorage, Entra-authenticated Application Insights, and provider secrets as Key Vault references. No connection strings or account keys anywhere.'

@description('Azure region for the plan and the app (must offer Flex Consumption).')
param location string

@description('Name of the Function App; also the first label of its default host name.')
@minLength(2)
@maxLength(60)
param name string

@description('Name of the Flex Consumption plan.')
@minLength(1)
@maxLength(60)
param planName string

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Client ID of the user-assigned identity (selects it for storage, App Insights and the app\'s own SDK clients).')
param identityClientId string

@description('Name of the storage account (deployment package container and AzureWebJobsStorage).')
param storageAccountName string

@description('Blob service endpoint of the storage account.')
param blobServiceUri string

@description('Queue service endpoint of the storage account.')
param queueServiceUri string

@description('Table service endpoint of the storage account.')
param tableServiceUri string

@description('Blob container holding the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component (its connection string is read here, never passed around).')
param appInsightsName string

@description('URI of the Key Vault holding the secrets, with trailing slash.')
param vaultUri string

@description('Provider instance names; each gets Omni__Instances__<name>__WebhookSecret referencing Key Vault secret webhook-secret-<name>.')
param instances string[]

@description('Discord instance names; each gets Omni__Instances__<name>__Provider = discord (its webhook secret comes from instances).')
param discordInstances string[]

@description('Query key names; each gets Omni__Keys__<name>__Secret referencing Key Vault secret query-key-<name>.')
param queryKeyNames string[]

@description('Days the app keeps events before its retention job deletes them (Omni__Retention__EventDays).')
@minValue(1)
param eventRetentionDays int

@description('Flex Consumption instance memory size in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound of Flex Consumption scale-out.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Tags applied to the plan and the app.')
param tags { *: string }

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Identity-based host storage (the Functions host, queue/blob triggers and the Durable task hub) and the
// endpoints the app's own Azure SDK clients use. Never an 'AzureWebJobsStorage' connection string.
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobServiceUri
  AzureWebJobsStorage__queueServiceUri: queueServiceUri
  AzureWebJobsStorage__tableServiceUri: tableServiceUri
  Omni__Storage__BlobServiceUri: blobServiceUri
  Omni__Storage__QueueServiceUri: queueServiceUri
  Omni__Storage__TableServiceUri: tableServiceUri
  Omni__Storage__ClientId: identityClientId
}

var retentionSettings = {
  Omni__Retention__EventDays: string(eventRetentionDays)
}

// Versionless Key Vault references: the platform resolves them with keyVaultReferenceIdentity and picks up a
// new secret version on restart (or on its periodic refresh).
var webhookSecretSettings = toObject(
  instances,
  instance => 'Omni__Instances__${instance}__WebhookSecret',
  instance => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/webhook-secret-${instance})'
)

var discordProviderSettings = toObject(
  discordInstances,
  instance => 'Omni__Instances__${instance}__Provider',
  _ => 'discord'
)

var queryKeySettings = toObject(
  queryKeyNames,
  keyName => 'Omni__Keys__${keyName}__Secret',
  keyName => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/query-key-${keyName})'
)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd deploys the service named 'api' in azure.yaml to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    // Key Vault references resolve with the user-assigned identity (default would be a system identity).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    // Flex Consumption: runtime and scale live here, not in app settings (FUNCTIONS_WORKER_RUNTIME and
    // FUNCTIONS_EXTENSION_VERSION are rejected on this plan).
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(storageSettings, retentionSettings, webhookSecretSettings, discordProviderSettings, queryKeySettings, {
    // An App Insights connection string (endpoints + instrumentation key), not a storage one; with
    // DisableLocalAuth the key alone is not accepted: ingestion needs the Entra token below.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  })
}

// Publishing with basic credentials (FTP and the SCM site) is off: deploy with Entra ID (az / func / azd).
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the Function App.')
output name string = site.name

@description('Default host name of the Function App, e.g. func-omni-xyz.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
