metadata name = 'Omni workload identity'
metadata description = 'The user-assigned managed identity the Function App runs as: storage, App Insights and Key Vault all trust this one principal, and no keys or connection strings exist.'

@description('Azure region for the identity.')
param location string

@description('Name of the user-assigned managed identity.')
@minLength(3)
@maxLength(128)
param name string

@description('Tags applied to the identity.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity (for site identity, Key Vault references and Flex deployment storage).')
output id string = identity.id

@description('Client (application) ID of the identity; DefaultAzureCredential / the Functions host select the identity by it.')
output clientId string = identity.properties.clientId

@description('Object (principal) ID of the identity, the subject of the role assignments.')
output principalId string = identity.properties.principalId
