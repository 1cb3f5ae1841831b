/**
 * ACS delivery reports, through an Event Grid subscription on the Communication Services resource
 * (infra-bicep/modules/delivery-report-events.bicep): `Microsoft.Communication.EmailDeliveryReportReceived` and
 * `Microsoft.Communication.SMSDeliveryReportReceived`, one event per invocation. Each becomes a DeliveryReport for the
 * application (letters/deliver-letter.ts): a delivered e-mail makes its letter count (fee, deadline), a bounced one
 * sends it by the next channel.
 *
 * Bad input: an event of another type, or one whose data does not parse, is logged and acknowledged (Event Grid
 * would only send it again); a report for a message the platform does not know is logged and acknowledged too.
 * Transient failures (Cosmos DB) throw, so Event Grid delivers the event again. Logs carry message ids and statuses,
 * never addresses or phone numbers.
 */
import * as df from "durable-functions";
import { app, type EventGridEvent, type InvocationContext } from "@azure/functions";
import { z } from "zod";
import { makeRecordDeliveryReport } from "../../shared/application/letters/deliver-letter";
import type { DeliveryReport } from "../../shared/ports/delivery-report";
import { forInvocation } from "../deps";
import { deliverLetterDepsFrom } from "../deliver-letter-deps";
import type { LettersDeps } from "./deps";
import { APPLY_DELIVERY_REPORT_FUNCTION } from "./names";

export const EMAIL_REPORT_EVENT = "Microsoft.Communication.EmailDeliveryReportReceived";
export const SMS_REPORT_EVENT = "Microsoft.Communication.SMSDeliveryReportReceived";

const EmailReport = z.object({
  messageId: z.string().min(1),
  status: z.string().min(1),
  deliveryStatusDetails: z.object({ statusMessage: z.string().optional() }).partial().nullish(),
  deliveryAttemptTimestamp: z.string().optional(),
  deliveryAttemptTimeStamp: z.string().optional(),
});

/** ACS sends camelCase; some samples (and the dev host) PascalCase: both are read. */
const SmsReport = z
  .record(z.string(), z.unknown())
  .transform((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v])))
  .pipe(
    z.object({
      messageId: z.string().min(1),
      deliveryStatus: z.string().min(1),
      deliveryStatusDetails: z.string().optional(),
      receivedTimestamp: z.string().optional(),
      tag: z.string().max(200).optional(),
    }),
  );

/** The report an Event Grid event carries, or why it carries none. */
export function deliveryReportOf(event: EventGridEvent): DeliveryReport | { ignored: string } {
  if (event.eventType === EMAIL_REPORT_EVENT) {
    const parsed = EmailReport.safeParse(event.data);
    if (!parsed.success) return { ignored: `unreadable e-mail report: ${parsed.error.issues[0]?.path.join(".")}` };
    const d = parsed.data;
    return {
      channel: "email",
      messageId: d.messageId,
      outcome: d.status === "Delivered" ? "delivered" : "failed",
      status: d.status,
      at: d.deliveryAttemptTimestamp ?? d.deliveryAttemptTimeStamp ?? event.eventTime,
      ...(d.deliveryStatusDetails?.statusMessage ? { detail: d.deliveryStatusDetails.statusMessage } : {}),
    };
  }
  if (event.eventType === SMS_REPORT_EVENT) {
    const parsed = SmsReport.safeParse(event.data);
    if (!parsed.success) return { ignored: `unreadable SMS report: ${parsed.error.issues[0]?.path.join(".")}` };
    const d = parsed.data;
    return {
      channel: "sms",
      messageId: d.messageId,
      outcome: d.deliveryStatus === "Delivered" ? "delivered" : "failed",
      status: d.deliveryStatus,
      at: d.receivedTimestamp ?? event.eventTime,
      ...(d.tag ? { tag: d.tag } : {}),
    };
  }
  return { ignored: `event type ${event.eventType} is not a delivery report` };
}

export function makeApplyDeliveryReportFunction(resolve: () => LettersDeps) {
  return async (event: EventGridEvent, context: InvocationContext): Promise<void> => {
    const report = deliveryReportOf(event);
    if ("ignored" in report) {
      context.warn("Delivery report ignored", { eventId: event.id, reason: report.ignored });
      return;
    }
    const deps = forInvocation(resolve(), context);
    const record = makeRecordDeliveryReport(deliverLetterDepsFrom(deps, deps.workflow));
    const result = await record(report);
    const log = {
      eventId: event.id,
      channel: report.channel,
      messageId: report.messageId,
      status: report.status,
      result,
    };
    if (result === "unknown-message") context.warn("Delivery report for a message the platform does not know", log);
    else context.log("Delivery report applied", log);
  };
}

export function registerApplyDeliveryReportFunction(deps: () => LettersDeps): void {
  app.eventGrid(APPLY_DELIVERY_REPORT_FUNCTION, {
    // The case's orchestration waits for its letter: a delivered or failed letter wakes it through the durable client.
    extraInputs: [df.input.durableClient()],
    handler: makeApplyDeliveryReportFunction(deps),
  });
}
