/**
 * Min side's claim history as the debtor reads it (issue 15, a newcomer's finding): it never says a message was sent
 * when none was (a Let's pay SMS to a debtor without a phone number or who refused SMS).
 */
import { describe, expect, it } from "vitest";
import { makeExecuteStep } from "../../../../shared/application/execute-step";
import { makeLoadClaim } from "../../../../shared/application/min-side/pages";
import { CUSTOMER, TENANT_ID, caseRecord, world } from "../case-ladder-fixtures";

const DUE = "2026-11-20";
/** Due + 7 at 09:00 Oslo: the Let's pay SMS of the default Norwegian ladder. */
const SMS_TIME = "2026-11-27T08:00:00.000Z";
const SMS_STEP = { kind: "lets-pay-sms" as const, stepIndex: 0, serviceIds: [] };

async function claimAfterLetsPay(customer = CUSTOMER) {
  const w = await world("2026-11-21T10:00:00.000Z");
  const record = caseRecord("INV-7001", DUE, customer);
  await w.cases.create(record);
  w.clock.set(SMS_TIME);
  await makeExecuteStep(w.deps)(record.caseId, SMS_STEP);
  const load = makeLoadClaim({ cases: w.cases, personCases: w.cases, tenants: w.tenants, clock: w.clock }, {});
  return (await load({ kind: "case", tenantId: TENANT_ID, caseId: record.caseId }, TENANT_ID, record.caseId))!;
}

describe("the claim's history on Min side", () => {
  it("does not list a Let's pay SMS that was not sent because the debtor has no phone number", async () => {
    const { phone: _phone, ...noPhone } = CUSTOMER;
    const claim = await claimAfterLetsPay(noPhone);
    expect(claim.timeline.filter((i) => i.kind === "message")).toEqual([]);
  });

  it("does not list one the debtor refused SMS for either", async () => {
    const claim = await claimAfterLetsPay({ ...CUSTOMER, consent: { sms: false, email: false } });
    expect(claim.timeline.filter((i) => i.kind === "message")).toEqual([]);
  });

  it("lists the Let's pay SMS that was sent, by SMS", async () => {
    const claim = await claimAfterLetsPay();
    expect(claim.timeline.filter((i) => i.kind === "message")).toEqual([
      expect.objectContaining({ step: "lets-pay-sms", channel: "sms" }),
    ]);
  });
});
