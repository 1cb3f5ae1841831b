// Payment follow-up platform — one environment in one resource group.
//
//   az deployment group create --resource-group <rg> --template-file infra-bicep/main.bicep \
//     --parameters infra-bicep/main.parameters.json
//
// Everything the Function App touches is reached with ONE user-assigned managed identity: no keys, no connection
// strings with secrets, no SAS. Secrets the app needs from outside Azure (operator API key, Vipps credentials)
// live in Key Vault and reach the app as Key Vault references.

targetScope = 'resourceGroup'

// ---- Parameters --------------------------------------------------------------------------------------------

@description('Environment name (e.g. dev, test, prod): lowercase letters, digits and hyphens. Part of every resource name.')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Azure region for every regional resource. Must offer Flex Consumption (e.g. norwayeast, swedencentral, northeurope).')
param location string = resourceGroup().location

@description('Extra tags for every resource (environment and application tags are always added).')
param tags object = {}

@description('Public https base URL of the app: pay links and portal links are built from it (e.g. https://betal.example.no).')
param publicBaseUrl string

@description('Sender block of letters as JSON: { "address": { "lines": [...], "postalCode", "city" }, "accountNumber" (11 digits, where KID payments go), "contact": { "phone"?, "email"?, "web"? } }. Without it no letter is produced.')
param letterheadJson string

@description('Durable Functions task hub name (letters and digits, 3-45, starting with a letter). One hub per environment.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'PaymentFollowUp'

@description('Durable Task Scheduler SKU, the backend of the case orchestrations: Consumption (pay per action) or Dedicated (reserved capacity).')
@allowed([
  'Consumption'
  'Dedicated'
])
param durableTaskSchedulerSku string = 'Consumption'

@description('IP ranges (CIDR) allowed to reach the Durable Task Scheduler; never empty (an empty list denies the app too). Flex Consumption has no fixed outbound IPs without a VNet: keep 0.0.0.0/0 and rely on RBAC unless the app runs in a VNet with a NAT gateway.')
param durableTaskSchedulerIpAllowlist array = [
  '0.0.0.0/0'
]

@description('Optional object id of the person or group who inspects orchestrations in the Durable Task Scheduler dashboard (granted Durable Task Data Contributor on the task hub). Empty = none.')
param durableTaskDashboardPrincipalId string = ''

@description('Node.js major version of the Flex Consumption runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

@description('Flex Consumption memory per instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Flex Consumption maximum instance count (scale-out ceiling; also a cost ceiling).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Storage redundancy for the account holding the letter archive.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_ZRS'

@description('Days each archived letter is write-once (WORM) after it is written. Default: 5 years (bokføringsloven § 13).')
@minValue(1)
@maxValue(146000)
param letterRetentionDays int = 1827

@description('Create/update the letters immutability policy. Set false after the policy has been locked.')
param configureLettersImmutabilityPolicy bool = true

@description('Where Azure Communication Services keeps data at rest.')
@allowed([
  'Norway'
  'Europe'
  'Switzerland'
  'UK'
])
param acsDataLocation string = 'Norway'

@description('Vipps MobilePay API base URL: https://apitest.vipps.no (test) or https://api.vipps.no (production).')
@allowed([
  'https://apitest.vipps.no'
  'https://api.vipps.no'
])
param vippsBaseUrl string = 'https://apitest.vipps.no'

@description('Subscribe the OCR import function to new files in ocr-incoming, and the print receipt import to new files in print-receipts, through Event Grid. Set true on a second deployment, after the code is deployed (the subscription needs the host\'s blobs_extension key).')
param deployOcrBlobEvents bool = false

@description('Subscribe the Event Grid trigger applyDeliveryReport to ACS e-mail and SMS delivery reports. Set true on a second deployment, after the code (with that function) is deployed.')
param deployDeliveryReportEvents bool = false

@description('Vipps MobilePay Merchant-Serial-Number (MSN). Not a secret; empty until the merchant agreement exists.')
param vippsMerchantSerialNumber string = ''

@description('Vipps MobilePay Report API ledger id the payment sweep reads captures from. Optional: empty looks up the ledger of the MSN (GET /settlement/v1/ledgers). The Report API is production-only.')
param vippsLedgerId string = ''

@description('Digipost API (digital mailbox with print fallback): https://api.digipost.no in production.')
param digipostApiUrl string = 'https://api.digipost.no'

@description('Digipost sender (broker) id, digits. Not a secret; empty = the digital mailbox channel is off. Set it once the Key Vault secret digipost-signing-key holds the enterprise certificate\'s private key (PEM).')
param digipostSenderId string = ''

@description('Min side (issue 15): the OpenID Connect broker that signs debtors in with BankID (ID-porten, Criipto, Signicat), e.g. https://<tenant>.criipto.id. Empty = no BankID button. Its client secret is the Key Vault secret minside-oidc-client-secret.')
param minSideOidcIssuer string = ''

@description('Min side: our client id at the OIDC broker.')
param minSideOidcClientId string = ''

@description('Min side: the ID token claim carrying the national id (pid at ID-porten and Criipto for Norwegian BankID, nin at Signicat).')
param minSideOidcNationalIdClaim string = 'pid'

@description('Creditor portal and customer-service console (issue 16): the staff sign-in\'s OpenID Connect issuer, Microsoft Entra ID https://login.microsoftonline.com/<directory id>/v2.0. Empty = the portal says it is closed. Its client secret is the Key Vault secret portal-oidc-client-secret; the session secret portal-session-secret.')
param portalOidcIssuer string = ''

@description('Portal: the app registration\'s client id. Its app roles creditor.viewer, creditor.editor, service.agent and operator reach the app in the ID token\'s roles claim.')
param portalOidcClientId string = ''

@description('Portal: the ID token claim naming a creditor user\'s tenant (an optional claim or claims-mapping policy on the app registration).')
param portalOidcTenantClaim string = 'creditor_tenant'

@description('Optional object id of the person or group who sets the Key Vault secrets (granted Key Vault Secrets Officer). Empty = none.')
param keyVaultOfficerPrincipalId string = ''

@description('Principal type of keyVaultOfficerPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyVaultOfficerPrincipalType string = 'Group'

@description('E-mail address for operations alerts (a service reopen the partner has not confirmed, dead letters, failed orchestrations, 5xx answers, refused Vipps callbacks, failing webhooks). Empty = the alerts fire in Azure Monitor but nobody is notified.')
param alertEmail string = ''

// ---- Names -------------------------------------------------------------------------------------------------

var appName = 'pfu' // payment follow-up
var env = toLower(environmentName)
var envAlnum = replace(env, '-', '')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, env))
var allTags = union(tags, {
  application: 'payment-follow-up'
  environment: env
})

var names = {
  identity: 'id-${appName}-${env}'
  logAnalytics: 'log-${appName}-${env}'
  appInsights: 'appi-${appName}-${env}'
  storage: take('st${appName}${take(envAlnum, 6)}${resourceToken}', 24)
  cosmos: 'cosmos-${appName}-${env}-${resourceToken}'
  serviceBus: 'sb-${appName}-${env}-${resourceToken}'
  communication: 'acs-${appName}-${env}-${resourceToken}'
  keyVault: take('kv${appName}${take(envAlnum, 6)}${resourceToken}', 24)
  durableTaskScheduler: 'dts-${appName}-${env}-${resourceToken}'
  plan: 'plan-${appName}-${env}'
  functionApp: 'func-${appName}-${env}-${resourceToken}'
  actionGroup: 'ag-${appName}-${env}'
  actionGroupShort: take('${appName}-${env}', 12)
  reopenDelayedAlert: 'alert-${appName}-${env}-reopen-delayed'
  interestRateMissingAlert: 'alert-${appName}-${env}-interest-rate-missing'
  unmatchedPaymentAlert: 'alert-${appName}-${env}-unmatched-payment'
  queuesDeadLetterAlert: 'alert-${appName}-${env}-dead-letters'
  partnerCommandsDeadLetterAlert: 'alert-${appName}-${env}-partner-commands-dlq'
  orchestrationFailedAlert: 'alert-${appName}-${env}-orchestration-failed'
  http5xxAlert: 'alert-${appName}-${env}-http-5xx'
  vippsCallbackAuthAlert: 'alert-${appName}-${env}-vipps-callback-auth'
  webhookDisabledAlert: 'alert-${appName}-${env}-webhook-disabled'
  webhookFailingAlert: 'alert-${appName}-${env}-webhook-failing'
  outboxStuckAlert: 'alert-${appName}-${env}-outbox-stuck'
}

// Service Bus entities are declared once, in service-bus-entities.json; the local broker reads the same file.
var serviceBusEntities = loadJsonContent('service-bus-entities.json')

// The queue carrying suspend/reopen commands to partner systems (declared in service-bus-entities.json).
var partnerCommandsQueueName = 'partner-commands'

// Cosmos DB containers are declared once, in cosmos-containers.json; the dev host creates the same ones locally.
var cosmosContainers = loadJsonContent('cosmos-containers.json')

// Key Vault secret names the app settings below refer to. Set their values after deployment (README).
var secretNames = {
  operatorApiKey: 'operator-api-key'
  vippsClientId: 'vipps-client-id'
  vippsClientSecret: 'vipps-client-secret'
  vippsSubscriptionKey: 'vipps-subscription-key'
  vippsWebhookSecret: 'vipps-webhook-secret'
  digipostSigningKey: 'digipost-signing-key'
  minSideSessionSecret: 'minside-session-secret'
  minSidePinSecret: 'minside-pin-secret'
  minSideOidcClientSecret: 'minside-oidc-client-secret'
  portalSessionSecret: 'portal-session-secret'
  portalOidcClientSecret: 'portal-oidc-client-secret'
}

// ---- Identity, monitoring and data services ---------------------------------------------------------------

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: allTags
    principalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: allTags
    skuName: storageSkuName
    letterRetentionDays: letterRetentionDays
    configureLettersImmutabilityPolicy: configureLettersImmutabilityPolicy
    principalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    name: names.cosmos
    location: location
    tags: allTags
    databaseName: 'payment-follow-up'
    containers: cosmosContainers.containers
    principalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus'
  params: {
    name: names.serviceBus
    location: location
    tags: allTags
    queues: serviceBusEntities.queues
    topics: serviceBusEntities.topics
    principalId: identity.outputs.principalId
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    name: names.communication
    dataLocation: acsDataLocation
    tags: allTags
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    principalId: identity.outputs.principalId
    keyVaultOfficerPrincipalId: keyVaultOfficerPrincipalId
    keyVaultOfficerPrincipalType: keyVaultOfficerPrincipalType
  }
}

// The case orchestrations' backend (host.json storageProvider azureManaged); the task hub is DURABLE_TASK_HUB.
module durableTaskScheduler 'modules/durable-task-scheduler.bicep' = {
  name: 'durable-task-scheduler'
  params: {
    name: names.durableTaskScheduler
    location: location
    tags: allTags
    skuName: durableTaskSchedulerSku
    ipAllowlist: durableTaskSchedulerIpAllowlist
    taskHubName: durableTaskHubName
    principalId: identity.outputs.principalId
    dashboardPrincipalId: durableTaskDashboardPrincipalId
  }
}

// ============================================================================================================
// APP SETTINGS — every setting the Function App reads in Azure, in this one place.
// Keep in step with shared/config (the app's settings schema) and local.settings.example.json. Rules:
//   * no key, SAS or connection string with a secret: services are reached with the managed identity
//     (<connection>__fullyQualifiedNamespace / __accountName + __credential=managedidentity + __clientId);
//   * secrets from outside Azure are Key Vault references (@Microsoft.KeyVault(SecretUri=...));
//   * nothing Flex Consumption rejects (FUNCTIONS_EXTENSION_VERSION, FUNCTIONS_WORKER_RUNTIME, WEBSITE_*).
// ============================================================================================================
var keyVaultSecretUri = '${keyVault.outputs.vaultUri}secrets/'

var appSettings = {
  // Functions host storage (triggers, timers, Durable Functions task hub) through the identity.
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId

  // Telemetry, ingested with the identity (Application Insights has local auth disabled).
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'

  // DefaultAzureCredential in the app's own SDK clients picks the user-assigned identity from this.
  AZURE_CLIENT_ID: identity.outputs.clientId

  // Durable Functions (host.json: hubName = %DURABLE_TASK_HUB%), on the Durable Task Scheduler (host.json:
  // storageProvider azureManaged, connectionStringName DURABLE_TASK_SCHEDULER_CONNECTION_STRING). Not a secret: the
  // endpoint and the identity's client id; the app authenticates with the identity (Durable Task Data Contributor).
  DURABLE_TASK_HUB: durableTaskScheduler.outputs.taskHubName
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskScheduler.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.outputs.clientId}'

  // Cosmos DB for NoSQL (Entra ID auth; no COSMOS_KEY in Azure).
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_DATABASE: cosmos.outputs.databaseName
  COSMOS_ENDPOINT_DISCOVERY: 'true'

  // Service Bus triggers/outputs (connection "ServiceBusConnection") and the app's own sender.
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.outputs.clientId

  // SMS through Azure Communication Services (Entra ID auth; no ACS_CONNECTION_STRING in Azure).
  ACS_ENDPOINT: communication.outputs.endpoint
  // E-mail through the same resource, from its linked Azure-managed domain.
  ACS_EMAIL_SENDER: communication.outputs.emailSenderAddress

  // Letter archive and other application blobs.
  BLOB_ACCOUNT_URL: storage.outputs.blobEndpoint
  LETTERS_CONTAINER: storage.outputs.lettersContainerName

  // Links sent to debtors and creditors.
  PUBLIC_BASE_URL: publicBaseUrl

  // Sender block of letters (postal address, payment account, contact).
  LETTERHEAD: letterheadJson

  // Operator API key — Key Vault reference.
  OPERATOR_API_KEY: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.operatorApiKey}/)'

  // Vipps MobilePay ePayment — credentials are Key Vault references.
  VIPPS_BASE_URL: vippsBaseUrl
  VIPPS_MERCHANT_SERIAL_NUMBER: vippsMerchantSerialNumber
  // The Report API ledger the payment sweep reads (money at Vipps no payment attempt knows); empty: looked up by MSN.
  VIPPS_LEDGER_ID: vippsLedgerId
  VIPPS_CLIENT_ID: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.vippsClientId}/)'
  VIPPS_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.vippsClientSecret}/)'
  VIPPS_SUBSCRIPTION_KEY: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.vippsSubscriptionKey}/)'
  // The secret Vipps returns when POST /api/v1/ops/vipps/webhooks registers our callback URL (README: payments).
  VIPPS_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.vippsWebhookSecret}/)'

  // Digipost (digital mailbox, print fallback). The signing key is the enterprise certificate's private key as PEM
  // (openssl pkcs12 -in cert.p12 -nocerts -nodes | openssl pkey), kept in Key Vault and read through this reference.
  DIGIPOST_API_URL: digipostApiUrl
  DIGIPOST_SENDER_ID: digipostSenderId
  DIGIPOST_SIGNING_KEY: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.digipostSigningKey}/)'

  // Min side (the debtor's own pages): the session cookie's and the letters' PIN secrets, and BankID through the
  // OIDC broker — secrets as Key Vault references (create them before the first deployment: README).
  MINSIDE_SESSION_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.minSideSessionSecret}/)'
  MINSIDE_PIN_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.minSidePinSecret}/)'
  MINSIDE_OIDC_ISSUER: minSideOidcIssuer
  MINSIDE_OIDC_CLIENT_ID: minSideOidcClientId
  MINSIDE_OIDC_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.minSideOidcClientSecret}/)'
  MINSIDE_OIDC_NATIONAL_ID_CLAIM: minSideOidcNationalIdClaim

  // The creditor portal and customer-service console: staff sign in with Entra ID (app roles in the roles claim).
  PORTAL_SESSION_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.portalSessionSecret}/)'
  PORTAL_OIDC_ISSUER: portalOidcIssuer
  PORTAL_OIDC_CLIENT_ID: portalOidcClientId
  PORTAL_OIDC_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultSecretUri}${secretNames.portalOidcClientSecret}/)'
  PORTAL_OIDC_TENANT_CLAIM: portalOidcTenantClaim

  // The partner connections' secrets (HMAC / OAuth2 client secrets, callback secrets): the app writes them here
  // with the identity (Key Vault Secrets Officer) and keeps only their names in Cosmos DB.
  KEY_VAULT_URL: keyVault.outputs.vaultUri

  // Bank OCR giro files (KID payments) land in this container; the blob trigger imports them.
  OCR_INCOMING_CONTAINER: storage.outputs.ocrIncomingContainerName

  // The sweep for payments whose Vipps webhook never came (functions/payments/timer-reconcile-payments.ts).
  PAYMENT_SWEEP_SCHEDULE: '0 */5 * * * *'

  // Paper letters through the print house (docs/print-house.md): batches out, receipt files back (blob trigger),
  // unreadable receipts aside. The batch closes Monday–Friday 13:00 UTC (14:00 Oslo in winter, 15:00 in summer).
  PRINT_OUTBOX_CONTAINER: storage.outputs.printOutboxContainerName
  DEBTOR_UPLOADS_CONTAINER: storage.outputs.debtorUploadsContainerName
  INVOICE_DOCUMENTS_CONTAINER: storage.outputs.invoiceDocumentsContainerName
  PRINT_RECEIPTS_CONTAINER: storage.outputs.printReceiptsContainerName
  PRINT_RECEIPTS_REJECTED_CONTAINER: storage.outputs.printReceiptsRejectedContainerName
  PRINT_BATCH_SCHEDULE: '0 0 13 * * 1-5'
}
// ============================================================================================================

// ---- Function App ------------------------------------------------------------------------------------------

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    identityId: identity.outputs.id
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentsContainerName: storage.outputs.deploymentsContainerName
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
  }
}

// Bank OCR files → the blob trigger, through Event Grid (Flex Consumption). Second pass, after the first code deploy:
// the subscription needs the host's blobs_extension key, which exists only once the app has started with its code.
module ocrBlobEvents 'modules/ocr-blob-events.bicep' = if (deployOcrBlobEvents) {
  name: 'ocr-blob-events'
  params: {
    storageAccountName: storage.outputs.name
    containerName: storage.outputs.ocrIncomingContainerName
    functionAppName: functionApp.outputs.name
    location: location
    tags: allTags
  }
}

// ACS e-mail and SMS delivery reports → the Event Grid trigger applyDeliveryReport. Second pass, after the code
// deploy: the subscription's destination is the function itself, which must exist.
module deliveryReportEvents 'modules/delivery-report-events.bicep' = if (deployDeliveryReportEvents) {
  name: 'delivery-report-events'
  params: {
    communicationServiceName: communication.outputs.name
    functionAppName: functionApp.outputs.name
    tags: allTags
  }
}

// The print house's receipt files → their blob trigger, on the same system topic (one per storage account) and in the
// same second pass.
module printBlobEvents 'modules/print-blob-events.bicep' = if (deployOcrBlobEvents) {
  name: 'print-blob-events'
  params: {
    systemTopicName: '${storage.outputs.name}-blob-events'
    containerName: storage.outputs.printReceiptsContainerName
    functionAppName: functionApp.outputs.name
  }
  dependsOn: [
    ocrBlobEvents
  ]
}

// ---- Alerts ------------------------------------------------------------------------------------------------

// A reopen the partner has not confirmed in time, partner commands Service Bus gave up on, failed orchestrations,
// 5xx answers, refused Vipps callbacks and failing webhook subscriptions (README: Alerts).
module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    appInsightsName: monitoring.outputs.appInsightsName
    serviceBusNamespaceName: serviceBus.outputs.name
    partnerCommandsQueueName: partnerCommandsQueueName
    location: location
    tags: allTags
    alertEmail: alertEmail
    actionGroupName: names.actionGroup
    actionGroupShortName: names.actionGroupShort
    reopenDelayedAlertName: names.reopenDelayedAlert
    interestRateMissingAlertName: names.interestRateMissingAlert
    unmatchedPaymentAlertName: names.unmatchedPaymentAlert
    partnerCommandsDeadLetterAlertName: names.partnerCommandsDeadLetterAlert
    otherQueueNames: [
      'payments'
      'webhook-deliveries'
    ]
    queuesDeadLetterAlertName: names.queuesDeadLetterAlert
    orchestrationFailedAlertName: names.orchestrationFailedAlert
    http5xxAlertName: names.http5xxAlert
    vippsCallbackAuthAlertName: names.vippsCallbackAuthAlert
    webhookDisabledAlertName: names.webhookDisabledAlert
    webhookFailingAlertName: names.webhookFailingAlert
    outboxStuckAlertName: names.outboxStuckAlert
  }
}

// Health and the payment funnel in one Azure Monitor workbook, under Application Insights (README: Workbook).
module operationsWorkbook 'modules/operations-workbook.bicep' = {
  name: 'operations-workbook'
  params: {
    appInsightsName: monitoring.outputs.appInsightsName
    serviceBusNamespaceName: serviceBus.outputs.name
    location: location
    tags: allTags
    displayName: 'Payment follow-up operations (${env})'
  }
}

// ---- Outputs -----------------------------------------------------------------------------------------------

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output cosmosEndpoint string = cosmos.outputs.endpoint
output serviceBusNamespace string = serviceBus.outputs.name
output serviceBusFullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output acsEndpoint string = communication.outputs.endpoint
output acsEmailSender string = communication.outputs.emailSenderAddress
output storageAccountName string = storage.outputs.name
output keyVaultName string = keyVault.outputs.name
output managedIdentityClientId string = identity.outputs.clientId
output durableTaskSchedulerName string = durableTaskScheduler.outputs.name
output durableTaskSchedulerEndpoint string = durableTaskScheduler.outputs.endpoint
