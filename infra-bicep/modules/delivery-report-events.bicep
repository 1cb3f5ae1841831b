// Event Grid delivery of Azure Communication Services delivery reports (e-mail and SMS) to the Event Grid trigger
// `applyDeliveryReport`, which turns them into the application's DeliveryReport.
//
// The destination is the function itself (endpoint type AzureFunction: no keys in the template), so this module is
// deployed in a second pass (main.bicep param `deployDeliveryReportEvents = true`), once the code with that function
// is deployed. SMS reports are published only for messages sent with enableDeliveryReport.

@description('Name of the Communication Services resource that sends e-mail and SMS.')
param communicationServiceName string

@description('Name of the Function App.')
param functionAppName string

@description('Name of the Event Grid-triggered function.')
param functionName string = 'applyDeliveryReport'

@description('Tags for the system topic.')
param tags object

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

resource site 'Microsoft.Web/sites@2023-12-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = {
  name: '${communicationServiceName}-events'
  location: 'global' // the system topic of a global resource (ACS) is global
  tags: tags
  properties: {
    source: communication.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = {
  parent: systemTopic
  name: 'delivery-reports-to-${functionName}'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${site.id}/functions/${functionName}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Communication.EmailDeliveryReportReceived'
        'Microsoft.Communication.SMSDeliveryReportReceived'
      ]
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicName string = systemTopic.name
