/**
 * Staff actions on a case through the use cases the partner API and Min side use, with every port in memory: a
 * service agent's deferral on the debtor's behalf moves the ladder like the debtor's own and is recorded as the agent
 * (never a debtor session); hold and credit note name the staff user on the case's timeline; an upload is checked by
 * its content and archived with the case's documents, readable through the API's document use case.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { MemoryDebtorUploadStore } from "../../../../shared/adapters/memory/debtor-upload-store.memory";
import { makeHoldCase } from "../../../../shared/application/case-status";
import { makeIssueCreditNote } from "../../../../shared/application/credit-note";
import { makeGetDocument } from "../../../../shared/application/documents";
import { makeRequestDeferral } from "../../../../shared/application/min-side/debtor-actions";
import { makeAttachStaffDocument } from "../../../../shared/application/portal/staff-document";
import { staffActorOf } from "../../../../shared/application/portal/staff-actor";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { seedTenant, testWorld, type TestWorld } from "../../functions/api/api-fixtures";

const SIRI = staffActorOf({ subject: "sub-siri", displayName: "Siri Service", roles: ["service.agent"] });
const ERIK = staffActorOf({ subject: "sub-erik", displayName: "Erik Endring", roles: ["creditor.editor"] });
const PDF = Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");

let w: TestWorld;
let tenantId: string;
let caseId: string;

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" });
  ({ tenantId } = await seedTenant(w));
  caseId = (
    await makeRegisterInvoice(w.deps)(tenantId, {
      invoiceNumber: "S-1",
      customer: { customerId: "c-s1", name: "Kari Nordmann", phone: "+4791234567" },
      amount: { value: 125_000, currency: "NOK" },
      issueDate: "2026-09-15",
      dueDate: "2026-10-01",
    })
  ).caseId;
});

const timeline = async () => (await w.deps.cases.get(tenantId, caseId))!.timeline;

describe("staff actions on a case", () => {
  it("records a service agent's deferral on the debtor's behalf as done by the agent", async () => {
    const deps = { ...w.deps, uploads: new MemoryDebtorUploadStore() };
    const outcome = await makeRequestDeferral(deps)({ onBehalf: SIRI }, tenantId, caseId, { days: "10" });
    expect(outcome).toEqual({ kind: "done", result: "deferral-granted", newDueDate: "2026-11-12" });
    expect((await w.deps.cases.get(tenantId, caseId))!.case.deferredDueDate).toBe("2026-11-12");
    const entry = (await timeline()).find((e) => e.details?.["action"] === "deferral-granted")!;
    expect(entry.title).toContain("on the debtor's behalf by staff Siri Service (customer service)");
    expect(entry.details).toMatchObject({ actor: SIRI, via: "portal" });
    const event = w.events.published.find((e) => e.type === "case.debtor_action");
    expect(event?.data).toMatchObject({ action: "deferral-granted", actor: SIRI });
  });

  it("names the staff user on the timeline of a hold and a credit note", async () => {
    await makeHoldCase(w.deps)(tenantId, caseId, { reason: "Kunden ringte", until: null, actor: ERIK });
    await makeIssueCreditNote(w.deps)(tenantId, caseId, {
      amount: { value: 10_000, currency: "NOK" },
      reference: "p-1",
      reason: "Rabatt",
      actor: ERIK,
    });
    const titles = (await timeline()).map((e) => e.title);
    expect(titles).toContain("Put on hold by staff Erik Endring (creditor)");
    expect(titles.some((t) => t.startsWith("Credit note p-1") && t.endsWith("by staff Erik Endring (creditor)"))).toBe(
      true,
    );
  });

  it("archives an uploaded PDF with the case's documents and refuses a file that is not one by its content", async () => {
    const attach = makeAttachStaffDocument(w.deps);
    const refused = await attach(tenantId, caseId, {
      content: Buffer.from("<html><script>alert(1)</script>"),
      fileName: "receipt.pdf",
      actor: ERIK,
    });
    expect(refused).toEqual({ kind: "refused", code: "file-type" });
    const done = await attach(tenantId, caseId, { content: PDF, fileName: "avtale.pdf", actor: ERIK });
    expect(done.kind).toBe("attached");
    const documentId = done.kind === "attached" ? done.documentId : "";
    const read = await makeGetDocument(w.deps)(tenantId, caseId, documentId);
    expect(read.contentType).toBe("application/pdf");
    expect(Buffer.compare(read.content, PDF)).toBe(0);
    const entry = (await timeline()).find((e) => e.kind === "document")!;
    expect(entry.details).toMatchObject({ name: "avtale.pdf", actor: ERIK });
  });
});
