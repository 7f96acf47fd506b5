metadata name = 'Omni storage'
metadata description = 'Identity-only storage account (no shared keys, TLS 1.2, no public blobs) holding the raw webhook archive, oversize event bodies, the Flex Consumption deployment container, the ingest queues and the event/identity tables, plus the lifecycle policy of the raw archive.'

@description('Azure region for the storage account.')
param location string

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Replication SKU. Standard_ZRS or Standard_GZRS are recommended for production where the region supports them.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Blob container that receives the Flex Consumption deployment package.')
@minLength(3)
@maxLength(63)
param deploymentContainerName string

@description('Queues the app uses (ingest pipeline, poison queue, workflow timers).')
param queueNames string[]

@description('Tables the app uses (events, dead letters, identities, catalogue, workflow runs).')
param tableNames string[]

@description('Days after the last modification at which raw archive blobs move to the Cool tier.')
@minValue(1)
param rawArchiveCoolAfterDays int

@description('Days after the last modification at which raw archive blobs are deleted. Must be greater than rawArchiveCoolAfterDays.')
@minValue(2)
param rawArchiveDeleteAfterDays int

@description('Days after the last modification at which oversize event bodies are deleted; matches the event retention of the app.')
@minValue(1)
param oversizeDeleteAfterDays int

@description('Days deleted blobs and containers stay recoverable (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int

@description('Tags applied to the storage account.')
param tags { *: string }

// Containers created up front. The raw archive name is also the prefix of the lifecycle rule below.
// The Durable Functions task hub is not listed on purpose: at start-up it creates its own
// '<hub>-control-NN' / '<hub>-workitems' queues, '<hub>Instances' / '<hub>History' tables and
// '<hub>-leases' / '<hub>-largemessages' containers through the same identity, which is why the identity
// holds Blob Data Owner, Queue Data Contributor and Table Data Contributor on the whole account (rbac.bicep).
var containerNames = [
  'raw' // the raw webhook archive: every accepted body, unchanged
  'events-oversize' // event bodies too large for a table entity
  'shadow-jobs' // shadow replay jobs, one JSON blob each (deleted by Omni's retention, Omni__Retention__ShadowJobs)
  deploymentContainerName
]

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    // Identity-only: no account keys, no SAS signed with them, no connection strings.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Flex Consumption without VNet integration reaches storage over the public endpoint (Entra-authenticated).
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: storageAccount
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: storageAccount
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// Retention of the archives. Table rows are not covered by lifecycle management: the app's retention job
// deletes events older than Omni__Retention__EventDays (see infra/README.md).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-archive-cool-then-delete'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'raw/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: rawArchiveCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: rawArchiveDeleteAfterDays
                }
              }
            }
          }
        }
        {
          name: 'events-oversize-delete'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'events-oversize/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: oversizeDeleteAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
  // The rules address containers by prefix; create them first so the policy never points at nothing.
  dependsOn: [
    containers
  ]
}

@description('Name of the storage account.')
output name string = storageAccount.name

@description('Blob service endpoint, e.g. https://<account>.blob.core.windows.net/.')
output blobServiceUri string = storageAccount.properties.primaryEndpoints.blob

@description('Queue service endpoint.')
output queueServiceUri string = storageAccount.properties.primaryEndpoints.queue

@description('Table service endpoint.')
output tableServiceUri string = storageAccount.properties.primaryEndpoints.table
