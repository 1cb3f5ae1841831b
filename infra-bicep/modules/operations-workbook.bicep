// The operations workbook: health (requests and 5xx, exceptions, dead letters, failed orchestrations, unmatched
// payments, delayed reopens, refused Vipps callbacks, failing webhooks) and the payment funnel, on Application Insights.
// The workbook itself is ../workbooks/operations.workbook.json (Notebook/1.0; edit it in the portal's Advanced Editor
// and paste it back there). Its one Service Bus metrics panel names the namespace by the placeholder
// __SERVICE_BUS_NAMESPACE_ID__, replaced here with the namespace's resource id.

@description('Name of the Application Insights component the workbook reads (its source).')
param appInsightsName string

@description('Name of the Service Bus namespace whose dead-letter counts the workbook charts.')
param serviceBusNamespaceName string

@description('Azure region of the workbook.')
param location string

@description('Tags applied to the workbook.')
param tags object

@description('Name shown in Azure Monitor → Workbooks and under the Application Insights component.')
param displayName string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

var serializedWorkbook = replace(
  loadTextContent('../workbooks/operations.workbook.json'),
  '__SERVICE_BUS_NAMESPACE_ID__',
  serviceBus.id
)

// A workbook's name must be a GUID: derived from the component, so every deployment updates the same workbook.
resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(appInsights.id, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: serializedWorkbook
  }
}

output id string = workbook.id
