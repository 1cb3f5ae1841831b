import { describe, expect, it } from "vitest";
import { makeUpdateCaseCustomer, mergeCustomer } from "../../../shared/application/customer-contact";
import { makeExecuteStep } from "../../../shared/application/execute-step";
import { CUSTOMER, TENANT_ID, caseRecord, world } from "./case-ladder-fixtures";

const DUE = "2026-11-20";
/** Due + 7 at 09:00 Oslo: the Let's pay SMS of the default Norwegian ladder. */
const SMS_TIME = "2026-11-27T08:00:00.000Z";
const SMS_STEP = { kind: "lets-pay-sms" as const, stepIndex: 0, serviceIds: [] };

describe("merging a contact patch (JSON Merge Patch; the address as a whole)", () => {
  it("keeps what is left out, removes what is null, merges consent member by member and names what changed", () => {
    const { customer, changed } = mergeCustomer(CUSTOMER, {
      email: "kari@example.no",
      phone: null,
      consent: { sms: false },
    });
    expect(customer).toEqual({
      customerId: "cust-1",
      name: "Kari Nordmann",
      email: "kari@example.no",
      address: CUSTOMER.address,
      consent: { sms: false, email: false },
    });
    expect(changed).toEqual(["email", "phone", "consent.sms"]);
  });

  it("replaces the address as a whole and reports nothing for values that stay the same", () => {
    const address = { lines: ["Bryggen 2"], postalCode: "5003", city: "Bergen", country: "NO" };
    expect(mergeCustomer(CUSTOMER, { address }).customer.address).toEqual(address);
    const same = mergeCustomer(CUSTOMER, {
      phone: CUSTOMER.phone!,
      address: CUSTOMER.address!,
      consent: { sms: true },
    });
    expect(same.changed).toEqual([]);
    expect(same.customer).toBe(CUSTOMER);
  });

  it("states one consent on a customer without any, leaving the other unstated", () => {
    const { consent: _consent, ...noConsent } = CUSTOMER;
    const { customer, changed } = mergeCustomer(noConsent, { consent: { sms: false } });
    expect(customer.consent).toEqual({ sms: false });
    expect(changed).toEqual(["consent.sms"]);
  });
});

describe("a consent withdrawn by PATCH holds at send time", () => {
  it("sends no Let's pay SMS after consent.sms is set to false; the case left alone still gets its SMS", async () => {
    const w = await world("2026-11-21T10:00:00.000Z");
    const patched = caseRecord("INV-5001", DUE);
    const untouched = caseRecord("INV-5002", DUE);
    await w.cases.create(patched);
    await w.cases.create(untouched);

    const updated = await makeUpdateCaseCustomer(w.deps)(TENANT_ID, patched.caseId, { consent: { sms: false } });
    expect(updated.changed).toEqual(["consent.sms"]);

    w.clock.set(SMS_TIME);
    const execute = makeExecuteStep(w.deps);
    const outcome = await execute(patched.caseId, SMS_STEP);
    expect(outcome).toMatchObject({ delivery: { channel: "none", status: "skipped" } });
    await execute(untouched.caseId, SMS_STEP);
    expect(w.sms.attempts.map((m) => m.idempotencyKey)).toEqual([`${untouched.caseId}:step:0`]);
  });

  it("puts the change on the timeline and publishes case.customer_updated by field name, never the values", async () => {
    const w = await world("2026-11-21T10:00:00.000Z");
    const record = caseRecord("INV-5003", DUE);
    await w.cases.create(record);
    const update = makeUpdateCaseCustomer(w.deps);
    await update(TENANT_ID, record.caseId, { email: "kari.ny@example.no", phone: "912 34 568" });

    const stored = (await w.cases.getById(record.caseId))!;
    expect(stored.customer).toMatchObject({ email: "kari.ny@example.no", phone: "+4791234568" }); // stored as E.164
    const entry = stored.timeline.at(-1)!;
    expect(entry).toMatchObject({ kind: "customer", details: { fields: ["email", "phone"] } });
    expect(entry.title).toContain("email, phone");
    expect(w.events.ofType("case.customer_updated")).toEqual([
      expect.objectContaining({ caseId: record.caseId, data: { fields: ["email", "phone"] } }),
    ]);
    const written = JSON.stringify([stored.timeline, w.events.published]);
    for (const value of ["kari.ny@example.no", "+4791234568", "912 34 568", CUSTOMER.phone!]) {
      expect(written).not.toContain(value);
    }

    // the same patch again changes nothing: no second entry, no second event
    await update(TENANT_ID, record.caseId, { email: "kari.ny@example.no", phone: "+4791234568" });
    expect((await w.cases.getById(record.caseId))!.timeline).toHaveLength(stored.timeline.length);
    expect(w.events.ofType("case.customer_updated")).toHaveLength(1);
  });
});
