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
//   * failed or terminated case orchestrations — the Durable extension's own tracking trace (Host.Triggers.DurableTask,
//     prop__state Failed/Terminated for an Orchestrator) and the daily self-healing run's summary when it found
//     orchestrations to restart or could not check some cases.
//   * 5xx rate on HTTP functions — requests with resultCode >= 500 as a share of all HTTP requests.
//   * Vipps callback authentication failures — a spike of 401 answers on POST /api/callbacks/vipps (forged or
//     misconfigured signatures; a wrong VIPPS_WEBHOOK_SECRET after a webhook re-registration looks the same).
//   * webhook subscriptions failing / disabled — a creditor's delivery exhausted its retries (the subscription is marked
//     failing), and a subscription the app disabled (failing for 5 days, or the receiver answered 410 Gone).
//
// Without an e-mail address there is no action group: every rule is still created and its alerts appear under
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

@description('Name of the log search alert rule on failed or terminated case orchestrations.')
param orchestrationFailedAlertName string

@description('Name of the log search alert rule on the share of HTTP requests answered 5xx.')
param http5xxAlertName string

@description('Percentage of HTTP requests answered 5xx over 15 minutes above which the 5xx alert fires (only counted from 20 requests on).')
@minValue(1)
@maxValue(100)
param http5xxPercentThreshold int = 5

@description('Name of the log search alert rule on Vipps callbacks refused as unauthenticated (401).')
param vippsCallbackAuthAlertName string

@description('Vipps callbacks answered 401 within 15 minutes above which the callback authentication alert fires.')
@minValue(0)
param vippsCallbackAuthFailureThreshold int = 10

@description('Name of the log search alert rule on webhook subscriptions the app disabled.')
param webhookDisabledAlertName string

@description('Name of the log search alert rule on webhook deliveries that failed their last attempt (subscription marked failing).')
param webhookFailingAlertName string

@description('Name of the log alert on the outbox sweep leaving entries it could not relay (events or orchestration starts held back).')
param outboxStuckAlertName string

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

// A case orchestration that failed or was terminated: the case's ladder stops until the daily self-healing timer
// (healCaseOrchestrations, 03:15 UTC) restarts it. Two sources, either is enough:
//   * the Durable extension's tracking trace for the orchestrator (category Host.Triggers.DurableTask, written by the
//     extension itself, whatever the storage backend), with prop__state Failed or Terminated;
//   * the self-healing run's summary, context.log("Self-healing: N active case(s) checked, M without a live
//     orchestration, R restarted, E error(s)") when M > 0, and its warning "Self-healing: E case(s) could not be
//     checked or restarted; retried on the next run" (functions/cases/timer-heal-orchestrations.ts).
// The app writes no trace of its own when an orchestration fails.
var orchestrationFailedQuery = '''
traces
| where (tostring(customDimensions["Category"]) == "Host.Triggers.DurableTask"
        and tostring(customDimensions["prop__functionType"]) == "Orchestrator"
        and tostring(customDimensions["prop__state"]) in ("Failed", "Terminated"))
    or message matches regex @"^Self-healing: [0-9]+ active case\(s\) checked, [1-9][0-9]* without a live orchestration"
    or message matches regex @"^Self-healing: [0-9]+ case\(s\) could not be checked or restarted"
| project timestamp, message, severityLevel, operation_Id, instanceId = tostring(customDimensions["prop__instanceId"]), state = tostring(customDimensions["prop__state"])
'''

// HTTP functions only (a request row of a queue, timer or Event Grid trigger has no url). Requests are not sampled
// (host.json excludedTypes: Request), so counts are exact; itemCount keeps them right if that ever changes. Below 20
// requests in the window no rate is computed: one 503 out of three is not an outage.
var http5xxQuery = '''
requests
| where isnotempty(url)
| summarize total = sum(itemCount), failed = sumif(itemCount, toint(resultCode) >= 500)
| where total >= 20
| extend failedPercent = 100.0 * failed / total
'''

// POST /api/callbacks/vipps answered 401: unsigned, wrong signature, wrong content hash or a stale date
// (functions/payments/http-vipps-callback.ts). The function also writes context.warn("payment callback refused",
// { reason }) — for 400 malformed payloads too, and traces are sampled — so the alert counts the unsampled request
// rows; the trace tells the reason when you look (the workbook groups them).
var vippsCallbackAuthQuery = '''
requests
| where name == "vippsCallback" or url has "/api/callbacks/vipps"
| where resultCode == "401"
| project timestamp, name, url, resultCode, operation_Id
'''

// context.warn("webhook.disabled", { event, eventId, type, subscriptionId, attempt, reason }) when a subscription has
// failed for 5 days, and context.warn("webhook receiver answered 410 Gone: not retried", {...}) when the receiver
// asked to stop (functions/webhooks/sb-deliver-webhook.ts). The creditor gets no more events until it re-registers.
var webhookDisabledQuery = '''
traces
| where message == "webhook.disabled"
    or message startswith "webhook.disabled "
    or tostring(customDimensions["event"]) == "webhook.disabled"
    or message startswith "webhook receiver answered 410 Gone"
| project timestamp, message, severityLevel, operation_Id
'''

// context.error("webhook delivery failed on its last attempt", {...}): a delivery exhausted its 8 attempts (about
// 27.6 hours) and the subscription is marked failing; it is disabled after 5 failing days unless a delivery succeeds.
var webhookFailingQuery = '''
traces
| where message == "webhook delivery failed on its last attempt"
    or message startswith "webhook delivery failed on its last attempt "
| project timestamp, message, severityLevel, operation_Id
'''

// context.warn("outbox.relay_failed: N entr(ies) of M case(s) could not be relayed; …") from the outbox sweep
// (functions/cases/timer-relay-outbox.ts): events or orchestration starts written with a case change are held back
// because publishing (Service Bus) or the durable client keeps failing. Nothing is lost; nothing is told either.
var outboxStuckQuery = '''
traces
| where message startswith "outbox.relay_failed:"
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

// A failed orchestration is not lost (the self-healing timer restarts it), but the case waits until then and the cause
// (a bug, poison input) usually fails it again: severity 2, checked every 5 minutes over the last 15.
resource orchestrationFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: orchestrationFailedAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Case orchestration failed or terminated (caseLadder)'
    description: 'A case orchestration (caseLadder) failed or was terminated, or the daily self-healing run found active cases without a live orchestration or could not check some. The case\'s ladder (reminders, notices, suspension) stands still until the self-healing timer (03:15 UTC) restarts it. Look up the instance id (case-<caseId>) in the trace and the exception of the same operation_Id, and fix the cause before the next self-healing run restarts it.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: orchestrationFailedQuery
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

// The pay page, the partner API and the callbacks answer 5xx: severity 1 when more than http5xxPercentThreshold % of
// at least 20 requests in 15 minutes failed, checked every 5 minutes.
resource http5xx 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: http5xxAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'HTTP 5xx rate above ${http5xxPercentThreshold} %'
    description: 'More than ${http5xxPercentThreshold} % of the HTTP requests of the last 15 minutes (at least 20) were answered with a 5xx status: debtors may not reach the pay page, partners the API, Vipps the callback. Open Application Insights → Failures, group by operation name and result code, and read the exceptions of the failed requests (a 503 from the pay page means a dependency such as Cosmos DB failed).'
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
          query: http5xxQuery
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failedPercent'
          operator: 'GreaterThan'
          threshold: http5xxPercentThreshold
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

// A few 401s are normal (a probe, a stale retry); a spike is someone forging callbacks or a secret out of step.
resource vippsCallbackAuth 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: vippsCallbackAuthAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Vipps callbacks refused as unauthenticated (401 on /api/callbacks/vipps)'
    description: 'More than ${vippsCallbackAuthFailureThreshold} Vipps callbacks in 15 minutes were refused with 401 (unsigned, wrong signature, wrong content hash or a stale date). Either someone is sending forged callbacks, or VIPPS_WEBHOOK_SECRET no longer matches the webhook registered at Vipps (payments then wait for the 5-minute reconcile sweep). The trace "payment callback refused" of each request names the reason; if it is bad-signature for every callback, re-register the webhook (POST /api/v1/ops/vipps/webhooks) and store the new secret in Key Vault.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: vippsCallbackAuthQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: vippsCallbackAuthFailureThreshold
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

// A creditor's webhook subscription is off: they get no more case events until they register again.
resource webhookDisabled 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: webhookDisabledAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Webhook subscription disabled (webhook.disabled)'
    description: 'The app disabled a creditor\'s webhook subscription: every delivery failed for 5 days, or the receiver answered 410 Gone. The trace names the subscriptionId and the last reason. Tell the creditor: GET /api/v1/webhooks shows why it is disabled; they fix their receiver and register the subscription again.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: webhookDisabledQuery
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

// Early warning, days before the disable: a delivery gave up after all its retries and the subscription is failing.
resource webhookFailing 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: webhookFailingAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Webhook delivery failed its last attempt: subscription failing'
    description: 'A webhook delivery to a creditor failed all 8 attempts (about 27.6 hours) and went to the webhook-deliveries dead-letter queue; the subscription is marked failing and will be disabled after 5 failing days unless a delivery succeeds. The trace names the subscriptionId, the event and the last reason. Contact the creditor; once their receiver works, replay the dead letters with POST /api/v1/ops/dead-letters/webhook-deliveries/{sequenceNumber}/replay.'
    severity: 3
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: webhookFailingQuery
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

resource outboxStuck 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: outboxStuckAlertName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Outbox: case events or orchestration starts held back'
    description: 'The outbox sweep (every minute) could not relay entries written with case changes in three runs within 10 minutes: case events (webhooks to creditors) or orchestration starts and re-plans are held back. Nothing is lost — the entries stay in the cases container (type outbox) and are relayed once publishing works — but creditors hear nothing and new cases do not start their ladder. Check the Service Bus namespace (topic case-events) and the Durable Task Scheduler.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      allOf: [
        {
          query: outboxStuckQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 2
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
