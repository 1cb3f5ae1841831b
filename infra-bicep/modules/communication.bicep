// Azure Communication Services for SMS and e-mail. Data at rest stays in the chosen data location (Norway by default).
// The Function App sends SMS and e-mail with its managed identity (SmsClient / EmailClient + DefaultAzureCredential
// against ACS_ENDPOINT). E-mail goes out from an Azure-managed domain (<id>.azurecomm.net) linked to the resource;
// a creditor-branded custom domain needs DNS verification outside this template.
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

@description('Email Communication Services resource name.')
param emailServiceName string = '${name}-email'

@description('Local part of the sender address (Azure-managed domains come with DoNotReply).')
param senderUsername string = 'DoNotReply'

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource emailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled' // no tracking pixels or rewritten links in letters to debtors
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: name
  location: 'global' // ACS resources are global; dataLocation decides residency
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      emailDomain.id
    ]
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
output id string = communication.id
output emailSenderAddress string = '${senderUsername}@${emailDomain.properties.mailFromSenderDomain}'
