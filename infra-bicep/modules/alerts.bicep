// Escalation, not silence: two alerts for partner commands the app could not get through on its own, and the action
// group that e-mails them.
//
//   * service.reopen_delayed — the app logs this warning when a partner has not confirmed a reopen command within 60 s
//     (a debtor has paid, the service may still be closed). A log search alert on Application Insights fires on any.
//   * interest_rate.missing — the daily interest-rate check logs this warning from 30 days before a half-year that has
//     no late-interest rate (and while it runs without one: interest then accrues provisionally at the last known
//     rate). An operator enters it with PUT /api/v1/ops/interest-rates/{country}/{validFrom}.
//   * payment.unmatched_provider_payment — money authorized or captured at Vipps for a reference no payment attempt
//     here knows (the app logs this error and lists the payment at GET /api/v1/ops/unmatched-payments). An operator
//     places it on a case (POST …/unmatched-payments/{paymentId}/apply) or refunds it.
//   * dead-lettered partner commands — Service Bus gave up on a suspend/reopen command after maxDeliveryCount
//     deliveries. A metric alert on the namespace's DeadletteredMessages for the partner-commands queue fires while
//     its dead-letter queue is not empty.
//
// Without an e-mail address there is no action group: both rules are still created and their alerts appear under
// Azure Monitor → Alerts, but nobody is notified.

@description('Name of the Application Insights component the Function App logs to.')
param appInsightsName string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('Queue carrying suspend/reopen commands to partner systems (service-bus-entities.json); its dead-letter queue is watched.')
param partnerCommandsQueueName string

@description('Azure region of the log search alert rule (that of Application Insights). Action groups and metric alerts are global.')
param location string

@description('Tags applied to every resource in this module.')
param tags object

@description('E-mail address that receives both alerts. Empty = no action group: the alerts fire and show in Azure Monitor, but nobody is notified.')
param alertEmail string = ''

@description('Name of the action group (created only when alertEmail is set).')
param actionGroupName string

@description('Short name of the action group, shown as the sender of its notifications (at most 12 characters).')
@maxLength(12)
param actionGroupShortName string

@description('Name of the log search alert rule on service.reopen_delayed.')
param reopenDelayedAlertName string

@description('Name of the log search alert rule on interest_rate.missing.')
param interestRateMissingAlertName string

@description('Name of the log search alert rule on payment.unmatched_provider_payment.')
param unmatchedPaymentAlertName string

@description('Name of the metric alert rule on the partner commands dead-letter queue.')
param partnerCommandsDeadLetterAlertName string

@description('The other queues whose dead-letter queues are watched (payments, webhook deliveries).')
param otherQueueNames array

@description('Name of the metric alert rule on the other queues\' dead-letter queues.')
param queuesDeadLetterAlertName string

// The Functions Node.js worker writes context.warn(...args) as ONE message, util.format(...args): for
// context.warn("service.reopen_delayed", { tenantId, caseId, serviceId, commandId }) the trace's message is the event
// name, a space and the object, and customDimensions carry only the host's own fields. The customDimensions condition
// covers a logger that sends the event name as a property instead. No severityLevel filter: the name is the contract.
var reopenDelayedQuery = '''
traces
| where message == "service.reopen_delayed"
    or message startswith "service.reopen_delayed "
    or tostring(customDimensions["event"]) == "service.reopen_delayed"
| project timestamp, message, severityLevel, operation_Id
'''

// The same shape for the daily check's warning: context.warn("interest_rate.missing", { event, country, validFrom, daysUntil }).
var interestRateMissingQuery = '''
traces
| where message == "interest_rate.missing"
    or message startswith "interest_rate.missing "
    or tostring(customDimensions["event"]) == "interest_rate.missing"
| project timestamp, message, severityLevel, operation_Id
'''

// context.error("payment.unmatched_provider_payment", { event, reference, provider, amount, currency, state }).
var unmatchedPaymentQuery = '''
traces
| where message == "payment.unmatched_provider_payment"
    or message startswith "payment.unmatched_provider_payment "
    or tostring(customDimensions["event"]) == "payment.unmatched_provider_payment"
| project timestamp, message, severityLevel, operation_Id
'''

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: actionGroupShortName
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroupIds = empty(alertEmail) ? [] : [actionGroup.id]

resource reopenDelayed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: reopenDelayedAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Service reopen not confirmed by the partner (service.reopen_delayed)'
    description: 'A partner system has not confirmed a reopen command within 60 s: the debtor has paid but the service may still be closed. Each trace message holds tenantId, caseId, serviceId and commandId. Check the partner connection and the command; reopen at the partner by hand if it does not confirm.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: reopenDelayedQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Stateful: one notification when it fires, one when no delayed reopen is left in the window.
    autoMitigate: true
    // The component may be seconds old on the first deployment; the query is checked by tests/unit/infra instead.
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

// The check runs once a day (06:00 UTC): a one-day window keeps the alert fired until the next check finds the rate.
resource interestRateMissing 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: interestRateMissingAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Late-interest rate missing for a coming half-year (interest_rate.missing)'
    description: 'No late-interest rate is entered for a half-year starting within 30 days (or already running): interest then accrues at the last known rate, marked provisional. Each trace names the country and the half-year (validFrom). Enter the published rate (Norway: Norges Bank policy rate on 1 Jan / 1 Jul + 8 percentage points, announced at regjeringen.no) with PUT /api/v1/ops/interest-rates/{country}/{validFrom}.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    criteria: {
      allOf: [
        {
          query: interestRateMissingQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

// Money nobody expected: severity 1, every 5 minutes over the last 15, until no new one arrives.
resource unmatchedPayment 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: unmatchedPaymentAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Money at Vipps that no case expected (payment.unmatched_provider_payment)'
    description: 'A payment was authorized or captured at the payment provider for a reference no payment attempt here knows (a lost attempt record, a payment started elsewhere). It is listed at GET /api/v1/ops/unmatched-payments (why: unknown-provider-payment) with the amount and the provider reference. Place it on the right case with POST /api/v1/ops/unmatched-payments/{paymentId}/apply, or refund it at the provider.'
    severity: 1
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: unmatchedPaymentQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

// DeadletteredMessages counts the messages sitting in an entity's dead-letter queue (a gauge, not a rate): the alert
// stays fired until the dead-lettered commands have been resubmitted or settled.
resource partnerCommandsDeadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: partnerCommandsDeadLetterAlertName
  location: 'global'
  tags: tags
  properties: {
    description: 'Suspend/reopen commands to partner systems were dead-lettered after every delivery failed: a service may stay closed after payment (or open after a suspension). Read the DeadLetterReason in ${partnerCommandsQueueName}/$DeadLetterQueue, fix the cause, then resubmit or settle the messages.'
    severity: 1
    enabled: true
    scopes: [
      serviceBus.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered-partner-commands'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                partnerCommandsQueueName
              ]
            }
          ]
          timeAggregation: 'Maximum'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    actions: map(actionGroupIds, id => { actionGroupId: id })
  }
}

// The other queues: a payment that could not be applied (money on the account, not on the case) or a webhook delivery
// given up after its retries. Read and replay them with GET/POST /api/v1/ops/dead-letters/{queue}.
resource queuesDeadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: queuesDeadLetterAlertName
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages were dead-lettered in ${join(otherQueueNames, ' or ')}: a payment not applied to its case, or a webhook delivery given up. List them with GET /api/v1/ops/dead-letters/{queue} (operator key), fix the cause, then POST /api/v1/ops/dead-letters/{queue}/{sequenceNumber}/replay.'
    severity: 2
    enabled: true
    scopes: [
      serviceBus.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered-messages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: otherQueueNames
            }
          ]
          timeAggregation: 'Maximum'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    actions: map(actionGroupIds, id => { actionGroupId: id })
  }
}
