/** An SMS's delivery report finds its case and delivery by the tag the SMS was sent with, not through an index. */
import { describe, expect, it } from "vitest";
import type { EventGridEvent } from "@azure/functions";
import { smsDeliveryOfTag, smsTagFor } from "../../../../shared/application/messages/sms-tag";
import { deliveryReportOf, SMS_REPORT_EVENT } from "../../../../functions/letters/eventgrid-apply-delivery-report";

const CASE = "c_l5n666nywsktkelojwkteqxk7r";

describe("the tag a ladder SMS is sent with", () => {
  it("names the case and the delivery of a Let's pay SMS and of a letter's alert, and reads them back", () => {
    expect(smsTagFor(CASE, "step:0:lets-pay-sms:sms")).toBe(`${CASE}:step:0:lets-pay-sms`);
    expect(smsTagFor(CASE, "step:1:reminder:alert")).toBe(`${CASE}:step:1:reminder:alert`);
    for (const deliveryId of ["step:0:lets-pay-sms:sms", "step:1:reminder:alert", "step:4:suspension-notice:alert"])
      expect(smsDeliveryOfTag(smsTagFor(CASE, deliveryId))).toEqual({ caseId: CASE, deliveryId });
  });

  it("names nothing for a tag the platform did not write", () => {
    for (const tag of [undefined, "", "case-1", `${CASE}`, `${CASE}:step:x:reminder`, `${CASE}:step:1:reminder:other`])
      expect(smsDeliveryOfTag(tag)).toBeUndefined();
  });

  it("is read from ACS's SMS delivery report, camelCase or PascalCase", () => {
    const event = (data: Record<string, unknown>) =>
      ({
        id: "e-1",
        eventType: SMS_REPORT_EVENT,
        eventTime: "2026-11-12T08:00:02Z",
        data,
      }) as unknown as EventGridEvent;
    expect(
      deliveryReportOf(event({ messageId: "m-1", deliveryStatus: "Delivered", tag: `${CASE}:step:0:lets-pay-sms` })),
    ).toMatchObject({ channel: "sms", messageId: "m-1", outcome: "delivered", tag: `${CASE}:step:0:lets-pay-sms` });
    expect(
      deliveryReportOf(event({ MessageId: "m-2", DeliveryStatus: "Failed", Tag: `${CASE}:step:1:reminder:alert` })),
    ).toMatchObject({ messageId: "m-2", outcome: "failed", tag: `${CASE}:step:1:reminder:alert` });
    expect(deliveryReportOf(event({ messageId: "m-3", deliveryStatus: "Delivered" }))).not.toHaveProperty("tag");
  });
});
