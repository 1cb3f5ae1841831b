import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../../../shared/adapters/memory/case-store.memory";
import { MemoryMessageThreadStore } from "../../../../shared/adapters/memory/message-thread-store.memory";
import { MemoryWorkItemStore } from "../../../../shared/adapters/memory/work-item-store.memory";
import {
  lookupsFor,
  makeFindPerson,
  makeInbox,
  maskNationalId,
  mayUseConsole,
} from "../../../../shared/application/portal/console";
import { openWork } from "../../../../shared/application/portal/work-items";
import { newService } from "../../../../shared/domain/service-lifecycle";
import type { CaseRecord } from "../../../../shared/ports/case-store";
import { emptyThread } from "../../../../shared/ports/message-thread-store";
import { aCaseRecord } from "../../../integration/adapters/cosmos/store-fixtures";

const TENANTS = [
  { tenantId: "t_a", name: "Alfa AS" },
  { tenantId: "t_b", name: "Beta AS" },
];
const directory = { list: async () => TENANTS };
const KARI_NID = "12038512356";

function person(tenantId: string, n: string, who: { name: string; nationalId?: string; phone?: string }): CaseRecord {
  const r = aCaseRecord(tenantId, n, { kid: `4${n.replace(/\D/gu, "")}7`, customerId: `c-${n}` });
  return {
    ...r,
    customer: {
      ...r.customer,
      name: who.name,
      phone: who.phone,
      ...(who.nationalId ? { nationalId: who.nationalId } : {}),
    },
  };
}

async function world() {
  const cases = new MemoryCaseStore();
  await cases.create(person("t_a", "A-1", { name: "Kari Nordmann", nationalId: KARI_NID }));
  await cases.create(person("t_b", "B-1", { name: "Kari Nordmann", nationalId: KARI_NID }));
  await cases.create(person("t_a", "A-2", { name: "Sigrid Ødegård", phone: "+4741234567" }));
  await cases.create(person("t_b", "B-2", { name: "Sigrid Odegard", phone: "412 34 567" }));
  await cases.create(person("t_gone", "G-1", { name: "Kari Nordmann", nationalId: KARI_NID }));
  const find = makeFindPerson({ cases, personCases: cases, caseSearch: cases, tenantDirectory: directory });
  return { cases, find };
}

describe("the console's lookups", () => {
  it("reads a national id, a phone, a KID, a case id, an invoice number and a name from the search string", () => {
    expect(lookupsFor(KARI_NID).map((l) => l.kind)).toEqual(["national-id", "kid", "invoice-number"]);
    expect(lookupsFor("120385 12356").map((l) => l.kind)).toEqual(["national-id"]);
    expect(lookupsFor("12038512357").map((l) => l.kind)).toEqual(["kid", "invoice-number"]);
    expect(lookupsFor("+47 412 34 567").map((l) => l.kind)).toEqual(["phone"]);
    expect(lookupsFor("Kari Nord").map((l) => l.kind)).toEqual(["name"]);
    expect(lookupsFor("c_abcdefghijklmnopqrstuvwxyz").map((l) => l.kind)).toEqual([
      "case-id",
      "invoice-number",
      "name",
    ]);
    expect(lookupsFor("x".repeat(101))).toEqual([]);
    expect(lookupsFor("' OR 1=1 --").map((l) => l.kind)).toEqual(["name"]);
  });

  it("masks the national id to its birth date", () => {
    expect(maskNationalId(KARI_NID)).toBe("120385 *****");
  });

  it("is for service agents and operators only", () => {
    const staff = (roles: string[]) => ({ subject: "s", displayName: "S", roles, creditorTenantId: "t_a" }) as never;
    expect(mayUseConsole(staff(["service.agent"]))).toBe(true);
    expect(mayUseConsole(staff(["operator"]))).toBe(true);
    expect(mayUseConsole(staff(["creditor.editor"]))).toBe(false);
    expect(mayUseConsole(staff(["creditor.viewer"]))).toBe(false);
  });
});

describe("finding a person across creditors", () => {
  it("finds a person by national id with her cases at both creditors, masked, and none of an unknown tenant", async () => {
    const { find } = await world();
    const [kari, ...others] = await find(KARI_NID);
    expect(others).toEqual([]);
    expect(kari!.nationalIdMasked).toBe("120385 *****");
    expect(JSON.stringify(kari)).not.toContain(KARI_NID);
    // Both due the same day: the order between them is the case ids'.
    expect(kari!.cases.map((c) => [c.creditorName, c.invoiceNumber]).sort()).toEqual([
      ["Alfa AS", "A-1"],
      ["Beta AS", "B-1"],
    ]);
  });

  it("finds the rest of a person's cases from one case's KID, by the phone they share", async () => {
    const { find, cases } = await world();
    const kid = (await cases.get(
      "t_a",
      (await cases.list("t_a", { customerId: "c-A-2" }, { limit: 1 })).items[0]!.caseId,
    ))!.kid;
    const people = await find(kid);
    expect(people.map((p) => p.cases.map((c) => c.invoiceNumber))).toEqual([["A-2", "B-2"]]);
    expect((await find("sigrid o")).flatMap((p) => p.cases.map((c) => c.invoiceNumber)).sort()).toEqual(["A-2", "B-2"]);
  });

  it("finds nothing for strings built to break a query", async () => {
    const { find } = await world();
    for (const q of ["' OR 1=1 --", '"; SELECT * FROM c', "\\", "x".repeat(500), "💥"])
      expect(await find(q)).toEqual([]);
  });
});

describe("the inbox", () => {
  it("lists open work and delayed reopens oldest first with their age, and clears work found done", async () => {
    const now = new Date("2026-11-05T12:00:00Z");
    const cases = new MemoryCaseStore();
    const workItems = new MemoryWorkItemStore();
    const messageThreads = new MemoryMessageThreadStore();
    const message = await cases.create(aCaseRecord("t_a", "M-1"));
    const answered = await cases.create(aCaseRecord("t_a", "M-2"));
    const dispute = await cases.create(aCaseRecord("t_b", "D-1"));
    const reopen = aCaseRecord("t_b", "R-1");
    await cases.create({
      ...reopen,
      case: {
        ...reopen.case,
        services: [
          {
            ...newService("svc", "broadband"),
            state: "escalated",
            lastCommand: {
              commandId: "cmd-1",
              target: "active",
              sequence: 2,
              issuedAt: "2026-11-05T09:30:00.000Z",
              partnerState: null,
              attempts: 3,
            },
          },
        ],
      },
    });
    await messageThreads.update("t_a", message.caseId, () => ({
      ...emptyThread("t_a", message.caseId, "2026-11-03T10:00:00.000Z"),
      messages: [{ messageId: "m1", from: "debtor", text: "Hei", at: "2026-11-03T10:00:00.000Z" }],
    }));
    await messageThreads.update("t_a", answered.caseId, () => ({
      ...emptyThread("t_a", answered.caseId, "2026-11-01T10:00:00.000Z"),
      messages: [
        { messageId: "m1", from: "debtor", text: "Hei", at: "2026-11-01T10:00:00.000Z" },
        { messageId: "m2", from: "customer-service", text: "Hei", at: "2026-11-01T11:00:00.000Z" },
      ],
    }));
    await openWork(workItems, "debtor-message", message, new Date("2026-11-03T10:00:00Z"));
    await openWork(workItems, "debtor-message", answered, new Date("2026-11-01T10:00:00Z"));
    await openWork(workItems, "dispute", dispute, new Date("2026-11-04T10:00:00Z")); // the case is open: not disputed
    const inbox = makeInbox({
      cases,
      workItems,
      messageThreads,
      tenantDirectory: directory,
      clock: { now: () => now },
    });
    expect((await inbox()).map((i) => [i.kind, i.invoiceNumber, i.creditorName, i.ageHours])).toEqual([
      ["debtor-message", "M-1", "Alfa AS", 50],
      ["reopen-delayed", "R-1", "Beta AS", 2],
    ]);
    expect((await workItems.list(10)).map((w) => w.caseId)).toEqual([message.caseId]);
  });
});
