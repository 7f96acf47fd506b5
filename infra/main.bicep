metadata name = 'Omni'
metadata description = 'Omni event fabric on Azure: identity-only storage (raw archive, queues, tables, Durable task hub), a .NET 10 isolated Function App on Flex Consumption running as a user-assigned identity, Application Insights with Entra-only ingestion, and a Key Vault (RBAC) for provider secrets. Deploy: see infra/README.md.'

targetScope = 'resourceGroup'

@description('Azure region for every resource. Must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Short lowercase prefix (letters and digits) in every resource name; a hash of the resource group ID makes names unique.')
@minLength(2)
@maxLength(8)
param namePrefix string = 'omni'

@description('Tags applied to every resource.')
param tags { *: string } = {
  application: 'omni'
}

@description('Replication of the storage account. Standard_ZRS (or Standard_GZRS) is recommended for production where the region supports it.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Storage queues created up front: the ingest queue and the workflow run queue, each with its poison queue.')
param queueNames string[] = [
  'ingest'
  'ingest-poison'
  'workflow-runs'
  'workflow-runs-poison'
]

@description('Storage tables created up front (letters and digits only, starting with a letter).')
param tableNames string[] = [
  'Events'
  'DeadLetters'
  'Identities'
  'IdentityHandles'
  'IdentityLinks'
  'Effects'
  'Workflows'
  'Guards'
  'WorkflowRuns'
  'ContactLists'
  'Analytics'
]

@description('Raw webhook archive: days after upload at which a payload moves to the Cool tier.')
@minValue(1)
param rawArchiveCoolAfterDays int = 30

@description('Raw webhook archive: days after upload at which a payload is deleted for good. Must be greater than rawArchiveCoolAfterDays (Cool has a 30-day minimum billing period).')
@minValue(2)
param rawArchiveDeleteAfterDays int = 365

@description('Days events are kept. Becomes the app setting Omni__Retention__EventDays read by the retention job, and the lifetime of oversize event bodies in the events-oversize container.')
@minValue(1)
param eventRetentionDays int = 365

@description('Days deleted blobs and containers stay recoverable (blob soft delete).')
@minValue(1)
@maxValue(365)
param blobSoftDeleteDays int = 7

@description('Provider instance names (letters and digits, as they appear in /api/webhooks/{provider}/{instance}). Each gets the app setting Omni__Instances__<name>__WebhookSecret, a Key Vault reference to the secret webhook-secret-<name>.')
param instances string[] = []

@description('Discord instances (letters and digits) whose gateway the relay keeps open; each must also be listed in instances (Omni verifies the relay\'s deliveries with webhook-secret-<name>) and needs the Key Vault secret discord-bot-token-<name>. Empty: no relay is deployed.')
param discordInstances string[] = []

@description('App Service plan SKU of the Discord relay (always-on worker; Basic B1 is the smallest tier with Always On).')
@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
])
param relaySkuName string = 'B1'

@description('Names of query API keys (letters and digits). Each gets the app setting Omni__Keys__<name>__Secret, a Key Vault reference to the secret query-key-<name>.')
param queryKeyNames string[] = []

@description('Days Log Analytics keeps logs and traces.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Days a deleted Key Vault (or secret) stays recoverable.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteDays int = 90

@description('Key Vault purge protection. Recommended on for production; it cannot be turned off once on, and a purge-protected vault name stays taken until its soft-delete period ends.')
param keyVaultPurgeProtection bool = true

@description('Flex Consumption instance memory size in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of Flex Consumption scale-out (instances).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional object ID of the operator (user or group) who manages the provider secrets; receives Key Vault Secrets Officer on the vault. Empty: no assignment.')
param operatorPrincipalId string = ''

@description('Kind of principal operatorPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

// One naming scheme: <abbreviation>-<prefix>-<hash of the resource group>; storage and Key Vault names have
// tighter rules (storage: lowercase alphanumerics, <= 24; vault: <= 24).
var resourceToken = uniqueString(resourceGroup().id)
var prefix = toLower(namePrefix)
var identityName = 'id-${prefix}-${resourceToken}'
var storageAccountName = take('st${prefix}${resourceToken}', 24)
var vaultName = take('kv-${prefix}-${resourceToken}', 24)
var workspaceName = 'log-${prefix}-${resourceToken}'
var appInsightsName = 'appi-${prefix}-${resourceToken}'
var planName = 'plan-${prefix}-${resourceToken}'
var functionAppName = 'func-${prefix}-${resourceToken}'
var deploymentContainerName = 'app-package'
var relayName = 'app-${prefix}-relay-${resourceToken}'
var relayPlanName = 'plan-${prefix}-relay-${resourceToken}'
var relayIdentityName = 'id-${prefix}-relay-${resourceToken}'

module identity 'modules/identity.bicep' = {
  params: {
    location: location
    name: identityName
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  params: {
    location: location
    name: storageAccountName
    skuName: storageSku
    deploymentContainerName: deploymentContainerName
    queueNames: queueNames
    tableNames: tableNames
    rawArchiveCoolAfterDays: rawArchiveCoolAfterDays
    rawArchiveDeleteAfterDays: rawArchiveDeleteAfterDays
    oversizeDeleteAfterDays: eventRetentionDays
    softDeleteRetentionDays: blobSoftDeleteDays
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  params: {
    location: location
    workspaceName: workspaceName
    appInsightsName: appInsightsName
    retentionDays: logRetentionDays
    tags: tags
  }
}

module vault 'modules/keyvault.bicep' = {
  params: {
    location: location
    name: vaultName
    softDeleteRetentionDays: keyVaultSoftDeleteDays
    enablePurgeProtection: keyVaultPurgeProtection
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  params: {
    // The principal ID exists only once the identity does; role assignment names need it (guid(scope,
    // principal, role)), so What-If cannot predict these names before the first deployment.
    #disable-next-line what-if-short-circuiting
    principalId: identity.outputs.principalId
    storageAccountName: storageAccountName
    appInsightsName: appInsightsName
    vaultName: vaultName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
  // Names are known up front (better What-If); the scopes must exist before roles are assigned on them.
  dependsOn: [
    storage
    monitoring
    vault
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  params: {
    location: location
    name: functionAppName
    planName: planName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    blobServiceUri: storage.outputs.blobServiceUri
    queueServiceUri: storage.outputs.queueServiceUri
    tableServiceUri: storage.outputs.tableServiceUri
    deploymentContainerName: deploymentContainerName
    appInsightsName: appInsightsName
    vaultUri: vault.outputs.vaultUri
    instances: instances
    discordInstances: discordInstances
    queryKeyNames: queryKeyNames
    eventRetentionDays: eventRetentionDays
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    tags: tags
  }
  // Start the app only once its identity can reach storage, App Insights and Key Vault; otherwise the first
  // host start and the Key Vault references fail until the next restart.
  dependsOn: [
    monitoring
    rbac
  ]
}

// The Discord gateway relay cannot run on Flex Consumption (no always-on process, no WebSocket it owns): an App
// Service plan with Always On runs it. Deployed only when a Discord instance is listed.
module relay 'modules/relay.bicep' = if (!empty(discordInstances)) {
  params: {
    location: location
    name: relayName
    planName: relayPlanName
    identityName: relayIdentityName
    skuName: relaySkuName
    vaultName: vaultName
    vaultUri: vault.outputs.vaultUri
    discordInstances: discordInstances
    omniBaseUrl: 'https://${functionApp.outputs.defaultHostName}'
    tags: tags
  }
}

@description('Name of the Function App.')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the Function App.')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'

@description('URL providers post webhooks to; replace {provider} (e.g. evolution) and {instance}.')
output webhookUrlPattern string = 'https://${functionApp.outputs.defaultHostName}/api/webhooks/{provider}/{instance}'

@description('Name of the Discord relay web app (empty when no Discord instance is listed).')
output relayAppName string = empty(discordInstances) ? '' : relay!.outputs.name

@description('Name of the storage account.')
output storageAccountName string = storage.outputs.name

@description('Name of the Key Vault that holds the provider secrets.')
output vaultName string = vault.outputs.name

@description('Client ID of the workload identity (for local tooling that impersonates the app).')
output identityClientId string = identity.outputs.clientId
