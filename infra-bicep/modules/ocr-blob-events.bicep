// Event Grid delivery of new bank OCR files to the blob trigger `importOcrGiroFile`.
//
// Flex Consumption runs blob triggers only with the Event Grid source: the storage account's BlobCreated events for
// the `ocr-incoming` container are pushed to the Functions host's blob extension endpoint. The endpoint needs the
// host's `blobs_extension` system key, which the host creates on its first start WITH THE CODE DEPLOYED — so this
// module is deployed in a second pass (main.bicep param `deployOcrBlobEvents = true`), after the first code deploy.

@description('Name of the storage account the bank drops OCR files into.')
param storageAccountName string

@description('Container with the OCR files.')
param containerName string

@description('Name of the Function App.')
param functionAppName string

@description('Name of the blob-triggered function (functions/payments/names.ts IMPORT_OCR_GIRO_FUNCTION).')
param functionName string = 'importOcrGiroFile'

@description('Azure region of the Event Grid system topic.')
param location string

@description('Tags for the system topic.')
param tags object

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource site 'Microsoft.Web/sites@2023-12-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' = {
  name: '${storageAccountName}-blob-events'
  location: location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

var blobsExtensionKey = listKeys('${site.id}/host/default', '2023-12-01').systemKeys.blobs_extension

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = {
  parent: systemTopic
  name: 'ocr-incoming-to-${functionName}'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${site.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicName string = systemTopic.name
