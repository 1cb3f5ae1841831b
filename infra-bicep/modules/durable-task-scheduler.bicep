// Durable Task Scheduler: the managed backend of the app's Durable Functions (the case orchestrations) in Azure.
// host.json selects it (extensions.durableTask.storageProvider.type = azureManaged, connection string in the app
// setting DURABLE_TASK_SCHEDULER_CONNECTION_STRING); the task hub is named by DURABLE_TASK_HUB (host.json hubName).
// The app reaches it with its user-assigned identity (Durable Task Data Contributor on the task hub): the connection
// string carries the endpoint and the identity's client id, no key.
//
// ipAllowlist: an EMPTY list denies every caller, including the app. Flex Consumption without a virtual network has no
// fixed outbound addresses, hence the default allows any address and relies on Entra ID (RBAC) for access.

@description('Scheduler name (letters, digits and hyphens, 3-64).')
@minLength(3)
@maxLength(64)
param name string

@description('Azure region (one that offers Microsoft.DurableTask/schedulers; best the Function App\'s).')
param location string

@description('Tags applied to the scheduler.')
param tags object

@description('Scheduler SKU: Consumption (pay per action, no fixed cost) or Dedicated (reserved capacity units).')
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string = 'Consumption'

@description('Capacity units of the Dedicated SKU (ignored for Consumption).')
@minValue(1)
@maxValue(3)
param dedicatedCapacity int = 1

@description('IP ranges (CIDR) allowed to reach the scheduler. Must not be empty: an empty list denies every caller. Flex Consumption without a VNet has no fixed outbound IPs, so production keeps 0.0.0.0/0 and relies on RBAC.')
@minLength(1)
param ipAllowlist array = [
  '0.0.0.0/0'
]

@description('Task hub name: the DURABLE_TASK_HUB app setting (host.json hubName).')
@minLength(3)
@maxLength(45)
param taskHubName string

@description('Principal id of the Function App identity; granted Durable Task Data Contributor on the task hub.')
param principalId string

@description('Optional object id of the person or group who inspects orchestrations in the scheduler dashboard (granted Durable Task Data Contributor on the task hub). Empty = none.')
param dashboardPrincipalId string = ''

@description('Principal type of dashboardPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param dashboardPrincipalType string = 'Group'

// Built-in role "Durable Task Data Contributor": all data operations on schedulers and task hubs (schedule, run and
// query orchestrations, activities and entities) — what a Durable Functions app needs as client and worker.
var durableTaskDataContributorRoleId = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

var sku = skuName == 'Dedicated' ? { name: 'Dedicated', capacity: dedicatedCapacity } : { name: 'Consumption' }

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: sku
    ipAllowlist: ipAllowlist
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
  properties: {}
}

resource appDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(taskHub.id, principalId, durableTaskDataContributorRoleId)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource dashboardDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(dashboardPrincipalId)) {
  name: guid(taskHub.id, dashboardPrincipalId, durableTaskDataContributorRoleId)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributorRoleId)
    principalId: dashboardPrincipalId
    principalType: dashboardPrincipalType
  }
}

output name string = scheduler.name
output id string = scheduler.id
// https://<name>-<hash>.<region>.durabletask.io — read it from the resource, never build it.
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
