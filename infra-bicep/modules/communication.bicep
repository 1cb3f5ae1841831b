// Azure Communication Services for SMS. Data at rest stays in the chosen data location (Norway by default).
// The Function App sends SMS with its managed identity (SmsClient + DefaultAzureCredential against ACS_ENDPOINT).
// Phone numbers / alphanumeric sender ids are acquired outside this template (see README).

@description('Communication Services resource name (globally unique).')
@minLength(1)
@maxLength(63)
param name string

@description('Where ACS stores data at rest.')
@allowed([
  'Norway'
  'Europe'
  'Switzerland'
  'UK'
])
param dataLocation string = 'Norway'

@description('Tags applied to the resource.')
param tags object

@description('Principal id of the Function App identity; granted the role ACS documents for Microsoft Entra access to SMS.')
param principalId string

// ACS documents the built-in Contributor role for Entra ID (managed identity / service principal) access to the
// SMS and Identity APIs. It is scoped to this one resource only.
var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: name
  location: 'global' // ACS resources are global; dataLocation decides residency
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource smsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, principalId, contributorRoleId)
  scope: communication
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
