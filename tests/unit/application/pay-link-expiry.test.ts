/**
 * One pay link, one expiry (issue 15, a newcomer's finding): after the Let's pay SMS, the case API's
 * `payLink.expiresAt` is the expiry of the link that SMS carries — the one the pay page says "virker til" — not the
 * expiry of the link handed out at intake.
 */
import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../shared/application/execute-step";
import { toCaseView } from "../../../shared/application/get-case";
import { payLinkExpiry, payLinkTokenHash } from "../../../shared/application/pay-links";
import { caseRecord, tenant, world } from "./case-ladder-fixtures";

const DUE = "2026-11-20";
const HANDED_OVER = "2026-11-17T10:00:00.000Z";
/** Due + 7 at 09:00 Oslo: the Let's pay SMS of the default Norwegian ladder. */
const SMS_TIME = "2026-11-27T08:00:00.000Z";

describe("the case's pay link expiry", () => {
  it("is the expiry of the link in the Let's pay SMS once that is sent", async () => {
    const w = await world(HANDED_OVER);
    const record = caseRecord("INV-8001", DUE);
    // As register-invoice.ts records the link it hands out at intake.
    record.timeline.push({
      at: HANDED_OVER,
      kind: "created",
      title: "Pay link issued",
      details: { payLinkExpiresAt: payLinkExpiry(new Date(HANDED_OVER)) },
    });
    await w.cases.create(record);
    w.clock.set(SMS_TIME);
    await makeExecuteStep(w.deps)(record.caseId, { kind: "lets-pay-sms", stepIndex: 0, serviceIds: [] });

    const token = /\/p\/([A-Za-z0-9_-]+)/u.exec(w.sms.delivered[0]!.text)![1]!;
    const link = (await w.payLinks.get(payLinkTokenHash(token)))!;
    const view = toCaseView((await w.cases.getById(record.caseId))!, tenant(), w.clock.now());
    expect(view.payLink).toEqual({ issued: true, expiresAt: link.expiresAt });
    expect(link.expiresAt).not.toBe(payLinkExpiry(new Date(HANDED_OVER)));
  });
});
