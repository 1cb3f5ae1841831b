// Event Grid delivery of the print house's receipt files to the blob trigger `importPrintReceipt`.
//
// As for the OCR files (ocr-blob-events.bicep): Flex Consumption runs blob triggers only with the Event Grid source.
// A storage account has ONE Event Grid system topic, created by ocr-blob-events.bicep; this module adds a
// subscription for BlobCreated in the receipts container to it. The webhook needs the host's `blobs_extension` system
// key, so this is deployed in the same second pass (main.bicep param `deployOcrBlobEvents = true`).

@description('Name of the storage account\'s Event Grid system topic (created by ocr-blob-events.bicep).')
param systemTopicName string

@description('Container the print house writes its receipt files to.')
param containerName string

@description('Name of the Function App.')
param functionAppName string

@description('Name of the blob-triggered function (functions/print/names.ts IMPORT_PRINT_RECEIPT_FUNCTION).')
param functionName string = 'importPrintReceipt'

resource systemTopic 'Microsoft.EventGrid/systemTopics@2023-12-15-preview' existing = {
  name: systemTopicName
}

resource site 'Microsoft.Web/sites@2023-12-01' existing = {
  name: functionAppName
}

var blobsExtensionKey = listKeys('${site.id}/host/default', '2023-12-01').systemKeys.blobs_extension

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2023-12-15-preview' = {
  parent: systemTopic
  name: '${containerName}-to-${functionName}'
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
