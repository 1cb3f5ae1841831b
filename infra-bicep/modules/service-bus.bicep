// Service Bus namespace (Standard: topics, sessions and duplicate detection need it) with local (SAS) auth
// disabled, and every entity declared in ../service-bus-entities.json — the same file the local broker reads.
// main.bicep loads that file with loadJsonContent and passes its `queues` and `topics` here unchanged.

// ---- The shape of service-bus-entities.json ----------------------------------------------------------------
// Mirrors the schema the local broker validates the file with (devhost/service-bus/entities.ts), including its
// defaults: maxDeliveryCount 10, lockDurationSeconds 60, requiresSession false, no rules = the $Default 1=1 rule.

type queueSpec = {
  name: string
  description: string?
  maxDeliveryCount: int?
  lockDurationSeconds: int?
  requiresSession: bool?
  @description('Duplicate detection on message id within this window; absent or 0 turns detection off.')
  duplicateDetectionWindowMinutes: int?
}

@description('Same property names as @azure/service-bus CorrelationRuleFilter; mapped to the ARM names below.')
type correlationFilterSpec = {
  correlationId: string?
  messageId: string?
  to: string?
  replyTo: string?
  subject: string?
  @description('The former name of subject.')
  label: string?
  sessionId: string?
  replyToSessionId: string?
  contentType: string?
  applicationProperties: object?
}

@description('Exactly one of sqlFilter or correlationFilter.')
type ruleSpec = {
  name: string
  sqlFilter: string?
  correlationFilter: correlationFilterSpec?
}

type subscriptionSpec = {
  name: string
  description: string?
  maxDeliveryCount: int?
  lockDurationSeconds: int?
  requiresSession: bool?
  rules: ruleSpec[]?
}

type topicSpec = {
  name: string
  description: string?
  duplicateDetectionWindowMinutes: int?
  subscriptions: subscriptionSpec[]?
}

// ---- Parameters --------------------------------------------------------------------------------------------

@description('Service Bus namespace name (6-50 letters, digits and hyphens, globally unique).')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the namespace.')
param tags object

@description('Queues, from service-bus-entities.json.')
param queues queueSpec[]

@description('Topics with their subscriptions and rules, from service-bus-entities.json.')
param topics topicSpec[]

@description('Principal id of the Function App identity; granted Azure Service Bus Data Sender and Data Receiver.')
param principalId string

var roleIds = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2552a45a'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
}

// Bicep has no nested resource loops: flatten topic → subscription → rule, keeping each child's parent index.
var subscriptionList = flatten(map(range(0, length(topics)), t => map(topics[t].?subscriptions ?? [], s => {
  topicIndex: t
  spec: s
})))
var ruleList = flatten(map(range(0, length(subscriptionList)), i => map(subscriptionList[i].spec.?rules ?? [], r => {
  subscriptionIndex: i
  spec: r
})))

// ---- Resources ---------------------------------------------------------------------------------------------

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queueResources 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for q in queues: {
  parent: namespace
  name: q.name
  properties: {
    maxDeliveryCount: q.?maxDeliveryCount ?? 10
    lockDuration: 'PT${q.?lockDurationSeconds ?? 60}S'
    requiresSession: q.?requiresSession ?? false
    requiresDuplicateDetection: (q.?duplicateDetectionWindowMinutes ?? 0) > 0
    duplicateDetectionHistoryTimeWindow: (q.?duplicateDetectionWindowMinutes ?? 0) > 0
      ? 'PT${q.?duplicateDetectionWindowMinutes ?? 0}M'
      : null
    deadLetteringOnMessageExpiration: true
  }
}]

resource topicResources 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [for t in topics: {
  parent: namespace
  name: t.name
  properties: {
    requiresDuplicateDetection: (t.?duplicateDetectionWindowMinutes ?? 0) > 0
    duplicateDetectionHistoryTimeWindow: (t.?duplicateDetectionWindowMinutes ?? 0) > 0
      ? 'PT${t.?duplicateDetectionWindowMinutes ?? 0}M'
      : null
  }
}]

resource subscriptionResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for s in subscriptionList: {
  parent: topicResources[s.topicIndex]
  name: s.spec.name
  properties: {
    maxDeliveryCount: s.spec.?maxDeliveryCount ?? 10
    lockDuration: 'PT${s.spec.?lockDurationSeconds ?? 60}S'
    requiresSession: s.spec.?requiresSession ?? false
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
  }
}]

// Creating a rule through ARM replaces the subscription's implicit $Default (1=1) rule, so a subscription gets
// exactly the rules the JSON lists; a subscription that lists none keeps $Default (every message), as locally.
resource ruleResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for r in ruleList: {
  parent: subscriptionResources[r.subscriptionIndex]
  name: r.spec.name
  properties: r.spec.?sqlFilter != null
    ? {
        filterType: 'SqlFilter'
        sqlFilter: {
          sqlExpression: r.spec.?sqlFilter ?? ''
        }
      }
    : {
        filterType: 'CorrelationFilter'
        correlationFilter: {
          correlationId: r.spec.?correlationFilter.?correlationId
          messageId: r.spec.?correlationFilter.?messageId
          to: r.spec.?correlationFilter.?to
          replyTo: r.spec.?correlationFilter.?replyTo
          label: r.spec.?correlationFilter.?subject ?? r.spec.?correlationFilter.?label // ARM's name for the subject
          sessionId: r.spec.?correlationFilter.?sessionId
          replyToSessionId: r.spec.?correlationFilter.?replyToSessionId
          contentType: r.spec.?correlationFilter.?contentType
          properties: r.spec.?correlationFilter.?applicationProperties // user (application) properties
        }
      }
}]

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in items(roleIds): {
  name: guid(namespace.id, principalId, roleId.value)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId.value)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ (suffix differs in sovereign clouds): keep the host.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
output queueNames array = map(queues, q => q.name)
output topicNames array = map(topics, t => t.name)
output subscriptionNames array = map(subscriptionList, s => '${topics[s.topicIndex].name}/${s.spec.name}')
