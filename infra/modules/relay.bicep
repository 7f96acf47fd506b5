metadata name = 'Omni Discord gateway relay'
metadata description = 'The always-on worker that keeps the Discord gateway sessions (src/Omni.Relay.Worker): a Linux App Service plan (Basic, one instance) and a web app with Always On, a health check on /healthz and persisted /home storage for the relay buffer and session state. It runs as its own user-assigned identity that may only read Key Vault secrets; the bot tokens and webhook secrets are Key Vault references.'

@description('Azure region for the plan, the app and its identity.')
param location string

@description('Name of the relay web app; also the first label of its default host name.')
@minLength(2)
@maxLength(60)
param name string

@description('Name of the relay\'s App Service plan.')
@minLength(1)
@maxLength(60)
param planName string

@description('Name of the relay\'s user-assigned identity (Key Vault Secrets User on the vault, nothing else).')
@minLength(3)
@maxLength(128)
param identityName string

@description('App Service plan SKU. Basic B1 is the smallest tier with Always On; the relay needs one small instance.')
@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
])
param skuName string

@description('Name of the Key Vault holding the bot tokens and webhook secrets.')
param vaultName string

@description('URI of the Key Vault, with trailing slash.')
param vaultUri string

@description('Discord instance names the relay keeps gateway sessions for. Each needs the Key Vault secrets discord-bot-token-<name> and webhook-secret-<name>.')
@minLength(1)
param discordInstances string[]

@description('Base URL of Omni (the Function App) the relay posts to: {omniBaseUrl}/api/webhooks/discord/{instance}.')
param omniBaseUrl string

@description('Tags applied to the plan, the app and the identity.')
param tags { *: string }

// Key Vault Secrets User (built-in, identical in every tenant).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

// App Service keeps /home on durable storage shared across restarts and redeployments: the relay's buffer and session
// state live there, so a restart resumes the gateway sessions and delivers what was buffered.
var stateDirectory = '/home/data/omni-relay'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: vaultName
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: 1 // one gateway session per shard: a second instance would only compete for the same sessions
  }
  properties: {
    reserved: true // Linux
  }
}

var instanceSettings = flatten(map(discordInstances, instance => [
  {
    name: 'Omni__Instances__${instance}__Provider'
    value: 'discord'
  }
  {
    name: 'Omni__Instances__${instance}__BotToken'
    value: '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/discord-bot-token-${instance})'
  }
  {
    name: 'Omni__Instances__${instance}__WebhookSecret'
    value: '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/webhook-secret-${instance})'
  }
]))

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      alwaysOn: true // never unloaded: the gateway sessions must stay open
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(
        [
          {
            name: 'Omni__Relay__OmniBaseUrl'
            value: omniBaseUrl
          }
          {
            name: 'Omni__Relay__StateDirectory'
            value: stateDirectory
          }
          {
            name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
            value: 'true'
          }
        ],
        instanceSettings
      )
    }
  }
  dependsOn: [
    secretsUser // Key Vault references resolve only once the identity may read secrets
  ]
}

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

@description('Name of the relay web app.')
output name string = site.name

@description('Default host name of the relay (GET https://<host>/healthz shows its health).')
output defaultHostName string = site.properties.defaultHostName
