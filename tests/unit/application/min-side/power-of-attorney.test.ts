/**
 * Powers of attorney on Min side, as use cases with every port in memory: a grant for read lets the grantee see the
 * grantor's claims and nothing more; changed to act, the grantee acts and the actor says `debtor-attorney` with the
 * grant's id; revoked, or past its last day on the clock, it is gone at once; bad input is refused at its field; the
 * grantee's national id is never stored, and no national id reaches a timeline or an event.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { MemoryCaseStore } from "../../../../shared/adapters/memory/case-store.memory";
import { MemoryDebtorUploadStore } from "../../../../shared/adapters/memory/debtor-upload-store.memory";
import { MemoryPowerOfAttorneyStore } from "../../../../shared/adapters/memory/power-of-attorney-store.memory";
import {
  makeRequestDeferral,
  type DebtorActionUseCaseDeps,
} from "../../../../shared/application/min-side/debtor-actions";
import { casesOf, makeIssueClaimPayLink, makeLoadOverview } from "../../../../shared/application/min-side/pages";
import {
  makeGrantPowerOfAttorney,
  makeLoadPowerOfAttorneyPage,
  makeRevokePowerOfAttorney,
  withHeldGrants,
  type GrantInput,
  type PowerOfAttorneyDeps,
} from "../../../../shared/application/min-side/power-of-attorney";
import { caseAccess, type MinSideSession } from "../../../../shared/application/min-side/subject";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { CaseNotFound } from "../../../../shared/ports/errors";
import { seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";

/** The world's case store is the memory one, which also finds a person's cases by national id. */
const memoryCases = () => w.deps.cases as MemoryCaseStore;

const KARI = "12038512356";
const OLA = "23079112305";
const PER = "05056712358";
const SECRET = "a-session-secret-of-at-least-32-characters";

let w: TestWorld;
let store: MemoryPowerOfAttorneyStore;
let deps: PowerOfAttorneyDeps;
let actionDeps: DebtorActionUseCaseDeps;
let tenantId: string;
let kariCase: string;
let kariOther: string;

const session = (nationalId: string, sessionId: string): MinSideSession => ({
  sessionId,
  subject: { kind: "person", nationalId },
  csrfToken: "csrf",
  lang: "nb",
});
const kari = () => session(KARI, "session-kari");
/** A request of this person, resolved as the app does: the session plus the grants held now. */
const signedIn = (nationalId: string, sessionId = `session-${nationalId}`) =>
  withHeldGrants(
    async () => session(nationalId, sessionId),
    { grants: store, clock: w.clock },
    SECRET,
  )({
    headers: { get: () => null },
  }) as Promise<MinSideSession>;

async function invoice(number: string, nationalId: string, name: string): Promise<string> {
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: number,
    customer: { customerId: `c-${number}`, name, phone: "+4791234567", nationalId },
    amount: { value: 125_000, currency: "NOK" },
    issueDate: "2026-09-15",
    dueDate: "2026-10-01",
  });
  return r.caseId;
}

const grant = (input: Partial<GrantInput> = {}) =>
  makeGrantPowerOfAttorney(deps, { secret: SECRET })(kari(), {
    nationalId: OLA,
    name: "Ola Nordmann",
    scope: "read",
    validUntil: "2026-12-31",
    which: "all",
    ...input,
  });

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" });
  store = new MemoryPowerOfAttorneyStore();
  deps = { ...w.deps, grants: store, personCases: memoryCases() };
  actionDeps = { ...w.deps, uploads: new MemoryDebtorUploadStore() };
  ({ tenantId } = await seedTenant(w));
  kariCase = await invoice("K-1", KARI, "Kari Nordmann");
  kariOther = await invoice("K-2", KARI, "Kari Nordmann");
  await invoice("O-1", OLA, "Ola Nordmann");
  w.events.published.length = 0;
});

describe("a power of attorney for read", () => {
  it("shows the grantor's claims to the grantee, with the grantor's name, and lets them act on none", async () => {
    expect(await grant()).toMatchObject({ kind: "done", changed: false });
    const ola = await signedIn(OLA);
    const seen = await casesOf({ ...w.deps, personCases: memoryCases() }, ola.subject);
    expect(seen.map((r) => r.invoiceNumber).sort()).toEqual(["K-1", "K-2", "O-1"]);
    const overview = await makeLoadOverview({ ...w.deps, personCases: memoryCases() })(ola.subject);
    const held = overview.open.filter((c) => c.heldFor);
    expect(held.map((c) => [c.invoiceNumber, c.heldFor])).toEqual(
      expect.arrayContaining([["K-1", { grantorName: "Kari Nordmann", scope: "read" }]]),
    );
    await expect(makeRequestDeferral(actionDeps)(ola, tenantId, kariCase, { days: "7" })).rejects.toBeInstanceOf(
      CaseNotFound,
    );
    const payLink = await makeIssueClaimPayLink({ ...w.deps }, { publicBaseUrl: "https://pay.example" })(
      ola.subject,
      tenantId,
      kariCase,
    );
    expect(payLink).toBeUndefined();
  });

  it("never gives a third person anything", async () => {
    await grant();
    const per = await signedIn(PER);
    expect(await casesOf({ ...w.deps, personCases: memoryCases() }, per.subject)).toEqual([]);
    const record = (await w.deps.cases.get(tenantId, kariCase))!;
    expect(caseAccess(per.subject, record)).toBeUndefined();
  });

  it("covers only the chosen claims when the grantor chose some", async () => {
    await grant({ which: "chosen", cases: [`${tenantId}/${kariOther}`] });
    const ola = await signedIn(OLA);
    const seen = await casesOf({ ...w.deps, personCases: memoryCases() }, ola.subject);
    expect(seen.map((r) => r.invoiceNumber).sort()).toEqual(["K-2", "O-1"]);
  });
});

describe("a power of attorney to act", () => {
  it("replaces the read grant, and the grantee's deferral is recorded as the attorney's", async () => {
    const first = await grant();
    const second = await grant({ scope: "act" });
    expect(second).toMatchObject({ kind: "done", changed: true });
    expect(first.kind === "done" && second.kind === "done" && first.grantId === second.grantId).toBe(true);
    const ola = await signedIn(OLA);
    const outcome = await makeRequestDeferral(actionDeps)(ola, tenantId, kariCase, { days: "7" });
    expect(outcome.kind).toBe("done");
    const record = (await w.deps.cases.get(tenantId, kariCase))!;
    const entry = record.timeline.find((e) => e.details?.action === "deferral-granted")!;
    expect(entry.details?.actor).toMatchObject({
      kind: "debtor-attorney",
      grantRef: second.kind === "done" ? second.grantId : "",
    });
    const event = w.events.published.find(
      (e) => e.type === "case.debtor_action" && e.data.action === "deferral-granted",
    );
    expect(event?.data.actor).toMatchObject({ kind: "debtor-attorney" });
    expect(JSON.stringify(w.events.published)).not.toContain(OLA);
    expect(JSON.stringify(w.events.published)).not.toContain(KARI);
  });
});

describe("granting and revoking", () => {
  it("are timeline entries and events on the affected cases, and the grantee's national id is not stored", async () => {
    const done = await grant({ scope: "act" });
    const grantId = done.kind === "done" ? done.grantId : "";
    expect(await makeRevokePowerOfAttorney(deps, { secret: SECRET })(kari(), grantId)).toBe("revoked");
    for (const caseId of [kariCase, kariOther]) {
      const record = (await w.deps.cases.get(tenantId, caseId))!;
      const actions = record.timeline.map((e) => e.details?.action).filter((a) => String(a).startsWith("attorney"));
      expect(actions).toEqual(["attorney-granted", "attorney-revoked"]);
      expect(JSON.stringify(record.timeline)).not.toContain(OLA);
    }
    expect(w.events.published.filter((e) => e.data.action === "attorney-revoked")).toHaveLength(2);
    expect(JSON.stringify([...store.grants.values()])).not.toContain(OLA);
  });

  it("stops at once when revoked: the grantee sees nothing of the grantor's", async () => {
    const done = await grant();
    await makeRevokePowerOfAttorney(deps, { secret: SECRET })(kari(), done.kind === "done" ? done.grantId : "");
    const ola = await signedIn(OLA);
    const seen = await casesOf({ ...w.deps, personCases: memoryCases() }, ola.subject);
    expect(seen.map((r) => r.invoiceNumber)).toEqual(["O-1"]);
  });

  it("ends after its last day on the clock", async () => {
    await grant({ validUntil: "2026-11-30" });
    w.clock.set("2026-11-30T22:59:00Z"); // 23:59 in Oslo on the last day
    expect((await signedIn(OLA)).subject).toMatchObject({ held: [expect.anything()] });
    w.clock.set("2026-11-30T23:00:00Z"); // 1 December in Oslo
    const ola = await signedIn(OLA);
    expect(ola.subject).not.toHaveProperty("held");
    const page = await makeLoadPowerOfAttorneyPage(deps, { secret: SECRET })(kari().subject as never);
    expect(page.given.map((g) => g.state)).toEqual(["expired"]);
  });

  it("only the grantor revokes: another person's revocation finds nothing", async () => {
    const done = await grant();
    const other = await makeRevokePowerOfAttorney(deps, { secret: SECRET })(
      session(OLA, "s"),
      done.kind === "done" ? done.grantId : "",
    );
    expect(other).toBe("not-found");
  });
});

describe("bad input", () => {
  it("is refused at each field it concerns", async () => {
    const out = await grant({
      nationalId: "12038512357",
      name: " ",
      scope: "all",
      validUntil: "2028-01-01",
      which: "chosen",
    });
    expect(out).toEqual({
      kind: "refused",
      errors: [
        { field: "nationalId", code: "national-id-invalid" },
        { field: "name", code: "name-missing" },
        { field: "scope", code: "scope-invalid" },
        { field: "validUntil", code: "until-range" },
        { field: "cases", code: "cases-missing" },
      ],
    });
    expect(await grant({ nationalId: KARI })).toMatchObject({
      errors: [{ field: "nationalId", code: "national-id-self" }],
    });
    expect(await grant({ validUntil: "2026-11-01" })).toMatchObject({
      errors: [{ field: "validUntil", code: "until-range" }],
    });
    expect(await grant({ validUntil: "31.02.2026" })).toMatchObject({
      errors: [{ field: "validUntil", code: "until-invalid" }],
    });
    expect(store.grants.size).toBe(0);
  });

  it("takes the last day as Norwegians write it, or as an ISO date", async () => {
    expect(await grant({ validUntil: "1.12.2026" })).toMatchObject({ kind: "done" });
    expect([...store.grants.values()][0]?.validUntil).toBe("2026-12-01");
    expect(await grant({ validUntil: "2026-12-24" })).toMatchObject({ kind: "done", changed: true });
    expect([...store.grants.values()][0]?.validUntil).toBe("2026-12-24");
  });

  it("accepts a D-number and a national id typed with spaces", async () => {
    expect(await grant({ nationalId: "520385 00023" })).toMatchObject({ kind: "done" });
    expect(await grant({ nationalId: "230791 12305" })).toMatchObject({ kind: "done" });
    expect(await grant({ nationalId: "52038500024" })).toMatchObject({ kind: "refused" });
    expect(store.grants.size).toBe(2);
  });
});
