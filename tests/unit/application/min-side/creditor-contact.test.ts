/**
 * How Min side's claim page tells the debtor to reach a creditor (issue 15, a newcomer's finding): a creditor with no
 * contact details of its own is reached on the contact its letters print (the platform's letterhead), said once.
 */
import { describe, expect, it } from "vitest";
import { makeLoadClaim } from "../../../../shared/application/min-side/pages";
import { LETTERHEAD, TENANT_ID, caseRecord, tenant, world } from "../case-ladder-fixtures";

const DUE = "2026-11-20";

describe("how the debtor reaches a creditor without contact details of its own", () => {
  it("is the contact its letters print: the platform's letterhead, under the creditor's name", async () => {
    const w = await world("2026-11-21T10:00:00.000Z", tenant());
    const record = caseRecord("INV-7002", DUE);
    await w.cases.create(record);
    const load = makeLoadClaim(
      { cases: w.cases, personCases: w.cases, tenants: w.tenants, clock: w.clock },
      { agency: { name: "Betalingsoppfølging AS", contact: LETTERHEAD.contact } },
    );
    const claim = (await load({ kind: "case", tenantId: TENANT_ID, caseId: record.caseId }, TENANT_ID, record.caseId))!;
    expect(claim.creditorContact).toEqual({ name: "Fjordkraft Demo AS", phone: "22 12 34 56", web: "www.example.no" });
    // Said once: the agency's block would only repeat the same numbers.
    expect(claim.agencyContact).toBeUndefined();
  });

  it("stays the creditor's own when it has one", async () => {
    const own = { phone: "55 55 55 55", email: "post@fjordkraft.example" };
    const w = await world("2026-11-21T10:00:00.000Z", tenant({ contact: own }));
    const record = caseRecord("INV-7003", DUE);
    await w.cases.create(record);
    const load = makeLoadClaim(
      { cases: w.cases, personCases: w.cases, tenants: w.tenants, clock: w.clock },
      { agency: { name: "Betalingsoppfølging AS", contact: LETTERHEAD.contact } },
    );
    const claim = (await load({ kind: "case", tenantId: TENANT_ID, caseId: record.caseId }, TENANT_ID, record.caseId))!;
    expect(claim.creditorContact).toEqual({ name: "Fjordkraft Demo AS", ...own });
    expect(claim.agencyContact).toMatchObject({ name: "Betalingsoppfølging AS", phone: "22 12 34 56" });
  });
});
