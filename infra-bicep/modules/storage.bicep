// One StorageV2 account for the Functions host (AzureWebJobsStorage, Durable Functions task hub), the Flex
// Consumption deployment package and the application's blobs. Shared keys are disabled: the Function App reaches
// it only with its managed identity.
//
// Containers:
//   letters       archived letters — container-level time-based retention (WORM): written once, never altered
//   ocr-incoming  bank OCR payment files waiting to be read
//   print-outbox, print-receipts, print-receipts-rejected  paper letters: batches the print house reads, its receipt
//                 files, and receipt files that could not be read (docs/print-house.md)
//   debtor-uploads  files debtors send from Min side (a dispute's attachment, a payment receipt): private, read
//                 back only as downloads by the creditor's and customer service's tools
//   invoice-documents  the creditors' own PDFs of their invoices (partner API), offered on Min side as downloads
//   deployments   the Flex Consumption app package

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Storage redundancy. Zone-redundant by default: the letter archive must survive a zone outage.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_ZRS'

@description('Name of the letter archive container.')
param lettersContainerName string = 'letters'

@description('Name of the container bank OCR files land in.')
param ocrIncomingContainerName string = 'ocr-incoming'

@description('Name of the container the print house reads batches (PDFs + manifest) from.')
param printOutboxContainerName string = 'print-outbox'

@description('Name of the container the print house writes its receipt files to.')
param printReceiptsContainerName string = 'print-receipts'

@description('Name of the container unreadable receipt files are moved to.')
param printReceiptsRejectedContainerName string = 'print-receipts-rejected'

@description('Name of the container files debtors upload on Min side go to.')
param debtorUploadsContainerName string = 'debtor-uploads'

@description('Name of the container the creditors\' own PDFs of their invoices go to.')
param invoiceDocumentsContainerName string = 'invoice-documents'

@description('Name of the container holding the Flex Consumption deployment package.')
param deploymentsContainerName string = 'deployments'

@description('Days each letter is immutable after it is written (container-level WORM on the letters container).')
@minValue(1)
@maxValue(146000)
param letterRetentionDays int

@description('Create/update the letters container immutability policy. Set false once the policy is locked (a locked policy can only be extended, and not through this template).')
param configureLettersImmutabilityPolicy bool = true

@description('Days deleted blobs and containers stay recoverable (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 30

@description('Days a previous blob version is kept before lifecycle management deletes it (bounds the cost of versioning the Functions host blobs).')
@minValue(1)
param previousVersionRetentionDays int = 30

@description('Principal id of the Function App identity; granted Blob Data Owner, Queue Data Contributor and Table Data Contributor.')
param principalId string

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Durable Functions work-item and control queues
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Durable Functions history and instances tables
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
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

resource lettersContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: lettersContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Time-based retention on the whole container: every letter is write-once for letterRetentionDays.
// ARM creates the policy unlocked; lock it once verified (see README) — a locked policy cannot be shortened or removed.
resource lettersImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (configureLettersImmutabilityPolicy) {
  parent: lettersContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: letterRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource ocrIncomingContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: ocrIncomingContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource printContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for containerName in [
  printOutboxContainerName
  printReceiptsContainerName
  printReceiptsRejectedContainerName
]: {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}]

resource debtorUploadsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: debtorUploadsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource invoiceDocumentsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: invoiceDocumentsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentsContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Versioning is account-wide, and the Functions host and Durable Functions rewrite their own blobs often:
// old versions are deleted after a while. Letters are never overwritten (WORM), so they have no old versions.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-blob-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
                'appendBlob'
              ]
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: previousVersionRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in items(roleIds): {
  name: guid(account.id, principalId, roleId.value)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId.value)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output lettersContainerName string = lettersContainer.name
output ocrIncomingContainerName string = ocrIncomingContainer.name
output printOutboxContainerName string = printContainers[0].name
output printReceiptsContainerName string = printContainers[1].name
output printReceiptsRejectedContainerName string = printContainers[2].name
output debtorUploadsContainerName string = debtorUploadsContainer.name
output invoiceDocumentsContainerName string = invoiceDocumentsContainer.name
output deploymentsContainerName string = deploymentsContainer.name
