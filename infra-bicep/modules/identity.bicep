// The one user-assigned managed identity the Function App uses for everything:
// Storage (host + Durable + blobs), Cosmos DB, Service Bus, ACS, Key Vault and Application Insights.
// Every other module grants its role to this identity's principal id.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
