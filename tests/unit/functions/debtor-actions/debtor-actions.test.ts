/**
 * Min side's debtor actions through the app's real function registrations (functions/index.ts, `configureApp` with
 * every port in memory and a session resolver that returns the session the test built — the sign-in area's real
 * resolver is wired at merge): the forms, a deferral that moves the ladder's next step as the creditor's API shows it,
 * a chosen plan the pay page then offers as "the instalment due", a dispute that stops the ladder and reaches the
 * creditor's webhook with the actor, uploads checked at the field, CSRF, and person A getting the same 404 as for a
 * missing case on every route of person B's case.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installFunctionsCore, type FunctionRegistry } from "../../../../devhost/functions-core";
import type { RootDeps } from "../../../../functions/index";
import { DEBTOR_ACTION_FUNCTIONS } from "../../../../functions/debtor-actions/names";
import { MemoryDebtorUploadStore } from "../../../../shared/adapters/memory/debtor-upload-store.memory";
import type { MinSideSession } from "../../../../shared/application/min-side/subject";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import { makeFanOutEvent } from "../../../../shared/application/webhooks/fan-out";
import type { WebhookDeliveryMessage } from "../../../../shared/ports/webhook-delivery-queue";
import { FakePaymentProvider } from "../../../support/fake-payment-provider";
import { seedTenant, testWorld, type TestWorld } from "../api/api-fixtures";

const NID_A = "01017012345";
const NID_B = "01019010046";
const BASE = "https://pay.example.test";
const PDF = Buffer.from("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj <<>> endobj\n");

let registry: FunctionRegistry;
let root: typeof import("../../../../functions/index");
let w: TestWorld;
let uploads: MemoryDebtorUploadStore;
let signedIn: MinSideSession | undefined;
let tenantId: string;
let apiKey: string;
let caseA: string;
let caseB: string;
let tokenA: string;
let deliveries: WebhookDeliveryMessage[];

const CSRF: Record<string, string> = { [NID_A]: "csrf-of-a", [NID_B]: "csrf-of-b" };
const sessionOf = (nationalId: string): MinSideSession => ({
  sessionId: `session-${CSRF[nationalId]!}`,
  subject: { kind: "person", nationalId },
  csrfToken: CSRF[nationalId]!,
  lang: "nb",
});

beforeAll(async () => {
  registry = installFunctionsCore();
  root = await import("../../../../functions/index");
});

function context(name: string): InvocationContext {
  return new InvocationContext({ invocationId: "inv-1", functionName: name, logHandler: () => undefined });
}

async function call(name: string, request: HttpRequest): Promise<HttpResponseInit> {
  const fn = registry.require(name, "httpTrigger");
  return (await fn.callback(request, context(name))) as HttpResponseInit;
}

const ACTIONS = [
  [DEBTOR_ACTION_FUNCTIONS.deferral, "utsettelse"],
  [DEBTOR_ACTION_FUNCTIONS.instalmentPlan, "nedbetaling"],
  [DEBTOR_ACTION_FUNCTIONS.dispute, "innsigelse"],
  [DEBTOR_ACTION_FUNCTIONS.paymentReported, "jeg-har-betalt"],
] as const;

function actionRequest(
  suffix: string,
  caseId: string,
  method: "GET" | "POST",
  body?: { form: Record<string, string> },
): HttpRequest {
  const url = `${BASE}/min-side/krav/${tenantId}/${caseId}/${suffix}`;
  if (!body) return new HttpRequest({ method, url, params: { tenantId, caseId } });
  return new HttpRequest({
    method,
    url,
    params: { tenantId, caseId },
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: { string: new URLSearchParams(body.form).toString() },
  });
}

/** A multipart request (the body read from a real FormData encoding). */
async function multipartRequest(suffix: string, caseId: string, form: FormData): Promise<HttpRequest> {
  const encoded = new Response(form);
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  return new HttpRequest({
    method: "POST",
    url: `${BASE}/min-side/krav/${tenantId}/${caseId}/${suffix}`,
    params: { tenantId, caseId },
    headers: { "content-type": encoded.headers.get("content-type")!, "content-length": String(bytes.length) },
    body: { bytes },
  });
}

function body(res: HttpResponseInit): string {
  if (typeof res.body !== "string") throw new Error(`expected a page, got ${typeof res.body}`);
  return res.body;
}
const text = (res: HttpResponseInit) =>
  body(res)
    .replace(/<[^>]+>/gu, " ")
    .replace(/[\s\u00a0\u202f]+/gu, " ");
const header = (res: HttpResponseInit, name: string) => (res.headers as Record<string, string>)[name];

async function getCase(caseId: string): Promise<Record<string, unknown>> {
  const res = await call(
    "getCase",
    new HttpRequest({
      method: "GET",
      url: `${BASE}/api/v1/cases/${caseId}`,
      params: { caseId },
      headers: { "x-api-key": apiKey },
    }),
  );
  expect(res.status).toBe(200);
  return res.jsonBody as Record<string, unknown>;
}

async function invoice(number: string, nationalId: string): Promise<{ caseId: string; token: string }> {
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: number,
    customer: { customerId: `c-${number}`, name: "Kari Nordmann", phone: "+4791234567", nationalId },
    amount: { value: 125_000, currency: "NOK" },
    issueDate: "2026-09-15",
    dueDate: "2026-10-01",
  });
  return { caseId: r.caseId, token: r.payLink.split("/p/")[1]! };
}

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" });
  uploads = new MemoryDebtorUploadStore();
  deliveries = [];
  signedIn = sessionOf(NID_A);
  const deps: RootDeps = {
    ...w.deps,
    debtorUploads: uploads,
    resolveSession: async () => signedIn,
    paymentProvider: new FakePaymentProvider(),
    fanOutEvent: makeFanOutEvent({
      webhooks: w.deps.webhooks,
      queue: { send: async (d) => void deliveries.push(...d), schedule: async () => undefined },
    }),
  };
  root.configureApp({ deps });
  ({ tenantId, apiKey } = await seedTenant(w));
  ({ caseId: caseA, token: tokenA } = await invoice("A-1", NID_A));
  ({ caseId: caseB } = await invoice("B-1", NID_B));
  w.events.published.length = 0;
});

describe("the forms", () => {
  it("are registered for GET and POST under /min-side/krav/{tenantId}/{caseId}/…", () => {
    for (const [name, suffix] of ACTIONS) {
      const f = registry.require(name, "httpTrigger");
      expect(f.trigger.route).toBe(`min-side/krav/{tenantId}/{caseId}/${suffix}`);
      expect(f.trigger.methods).toEqual(["GET", "POST"]);
    }
  });

  it("send someone without a session to sign in, and show nothing", async () => {
    signedIn = undefined;
    for (const [name, suffix] of ACTIONS) {
      const res = await call(name, actionRequest(suffix, caseA, "GET"));
      expect(res.status).toBe(303);
      expect(header(res, "location")).toBe("/min-side/logg-inn");
      expect(res.body).toBeUndefined();
    }
  });

  it("show each form with the claim, the CSRF field and the pages' headers", async () => {
    for (const [name, suffix] of ACTIONS) {
      const res = await call(name, actionRequest(suffix, caseA, "GET"));
      expect(res.status).toBe(200);
      expect(body(res)).toContain(`name="csrf" value="csrf-of-a"`);
      expect(text(res)).toContain("Faktura A-1 fra Creditor t_alpha");
      expect(header(res, "content-security-policy")).toContain("default-src 'none'");
      expect(header(res, "cache-control")).toBe("no-store");
      expect(body(res)).not.toContain(NID_A);
    }
    const plan = await call(DEBTOR_ACTION_FUNCTIONS.instalmentPlan, actionRequest("nedbetaling", caseA, "GET"));
    expect(text(plan)).toMatch(/2 avdrag på omtrent 631,58 kr i måneden/u);
    expect(text(plan)).toContain("Gebyr for avtalen: 0,00 kr");
  });

  it("refuse a submission without the session's CSRF token and change nothing", async () => {
    const res = await call(
      DEBTOR_ACTION_FUNCTIONS.deferral,
      actionRequest("utsettelse", caseA, "POST", { form: { days: "5", csrf: "forged" } }),
    );
    expect(res.status).toBe(403);
    expect((await w.deps.cases.get(tenantId, caseA))!.case.deferredDueDate).toBeNull();
  });
});

describe("a deferral inside the creditor's limit", () => {
  it("moves the ladder's next step, as the creditor's API shows, and lands on the claim page", async () => {
    const before = (await getCase(caseA))["nextAction"] as { on?: string } | null;
    const res = await call(
      DEBTOR_ACTION_FUNCTIONS.deferral,
      actionRequest("utsettelse", caseA, "POST", { form: { days: "10", csrf: "csrf-of-a" } }),
    );
    expect(res.status).toBe(303);
    expect(header(res, "location")).toBe(`/min-side/krav/${tenantId}/${caseA}?bekreftelse=deferral-granted`);
    const after = await getCase(caseA);
    expect(JSON.stringify(after["nextAction"])).toContain("2026-11-19");
    expect(JSON.stringify(before)).not.toContain("2026-11-19");
    expect(w.workflowCalls).toContainEqual({ op: "caseChanged", caseId: caseA, reason: "deferral-granted" });
  });

  it("a refused number of days comes back at the field with 422", async () => {
    const res = await call(
      DEBTOR_ACTION_FUNCTIONS.deferral,
      actionRequest("utsettelse", caseA, "POST", { form: { days: "hundre", csrf: "csrf-of-a" } }),
    );
    expect(res.status).toBe(422);
    expect(body(res)).toContain('id="days" name="days"');
    expect(body(res)).toContain('aria-invalid="true"');
    expect(text(res)).toContain("Skriv et helt antall dager fra 1 til 90.");
    expect(body(res)).toContain('value="hundre"');
  });
});

describe("a chosen instalment plan", () => {
  it("makes the pay page offer the first instalment", async () => {
    const res = await call(
      DEBTOR_ACTION_FUNCTIONS.instalmentPlan,
      actionRequest("nedbetaling", caseA, "POST", { form: { months: "2", csrf: "csrf-of-a" } }),
    );
    expect(res.status).toBe(303);
    const first = (await w.deps.cases.get(tenantId, caseA))!.case.instalmentPlan!.instalments[0]!;
    const pay = await call(
      "payPage",
      new HttpRequest({
        method: "GET",
        url: `${BASE}/p/${tokenA}`,
        params: { token: tokenA },
        headers: { "x-forwarded-for": "203.0.113.7:5555" },
      }),
    );
    expect(pay.status).toBe(200);
    const kroner = (first.amount.value / 100).toFixed(2).replace(".", ",");
    expect(text(pay)).toContain("Betal avdraget som forfaller 16.11.2026");
    expect(text(pay)).toContain(kroner);
  });
});

describe("a dispute", () => {
  it("stops the ladder; the creditor's API and webhook show it with the actor, not the person", async () => {
    await w.deps.webhooks.create({
      schemaVersion: 1,
      id: "wh_1",
      tenantId,
      url: "https://creditor.example/hooks",
      events: ["case.debtor_action", "case.status_changed"],
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      createdAt: w.clock.now().toISOString(),
    });
    const form = new FormData();
    form.set("csrf", "csrf-of-a");
    form.set("reason", "Jeg har sagt opp abonnementet i august");
    form.set("attachment", new Blob([PDF], { type: "application/pdf" }), "oppsigelse.pdf");
    const res = await call(DEBTOR_ACTION_FUNCTIONS.dispute, await multipartRequest("innsigelse", caseA, form));
    expect(res.status).toBe(303);
    expect(header(res, "location")).toContain("bekreftelse=dispute-opened");

    const view = await getCase(caseA);
    expect(view["status"]).toBe("disputed");
    expect(JSON.stringify(view)).toContain("dispute-resolved"); // the ladder waits for the creditor's decision
    const entry = (view["timeline"] as Array<{ details?: Record<string, unknown> }>).at(-1)!;
    expect(entry.details).toMatchObject({ actor: { kind: "debtor-bankid" }, via: "min-side" });
    expect(uploads.uploads[0]).toMatchObject({ purpose: "dispute", contentType: "application/pdf" });

    for (const event of w.events.published) {
      await registry.require("fanOutCaseEventsToWebhooks", "serviceBusTrigger").callback(event, context("fanOut"));
    }
    const action = deliveries.find((d) => d.event.type === "case.debtor_action")!;
    expect(action.event.data).toMatchObject({ action: "dispute-opened", actor: { kind: "debtor-bankid" } });
    expect(deliveries.map((d) => d.event.type)).toContain("case.status_changed");
    expect(JSON.stringify(deliveries)).not.toContain(NID_A);
  });

  it("refuses an attachment that is not a PDF, JPEG or PNG, at the field", async () => {
    const form = new FormData();
    form.set("csrf", "csrf-of-a");
    form.set("reason", "Feil beløp");
    form.set("attachment", new Blob(["<script>alert(1)</script>"], { type: "application/pdf" }), "x.pdf");
    const res = await call(DEBTOR_ACTION_FUNCTIONS.dispute, await multipartRequest("innsigelse", caseA, form));
    expect(res.status).toBe(422);
    expect(text(res)).toContain("Filen må være en PDF, JPG eller PNG.");
    expect(body(res)).toContain("Feil beløp"); // what was typed is kept
    expect((await w.deps.cases.get(tenantId, caseA))!.case.status).toBe("open");
  });
});

describe("I have paid", () => {
  it("takes the receipt, pauses the next step and refuses a body too large unread", async () => {
    const big = new HttpRequest({
      method: "POST",
      url: `${BASE}/min-side/krav/${tenantId}/${caseA}/jeg-har-betalt`,
      params: { tenantId, caseId: caseA },
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(11 * 1024 * 1024) },
      body: { bytes: new Uint8Array(0) },
    });
    const refused = await call(DEBTOR_ACTION_FUNCTIONS.paymentReported, big);
    expect(refused.status).toBe(422);
    expect(text(refused)).toContain("Filen er større enn 10 MB.");

    const form = new FormData();
    form.set("csrf", "csrf-of-a");
    form.set("receipt", new Blob([PDF], { type: "application/pdf" }), "kvittering.pdf");
    const res = await call(
      DEBTOR_ACTION_FUNCTIONS.paymentReported,
      await multipartRequest("jeg-har-betalt", caseA, form),
    );
    expect(res.status).toBe(303);
    const view = await getCase(caseA);
    expect(JSON.stringify(view["nextAction"])).toContain("2026-11-07");
    expect(JSON.stringify(view["timeline"])).toContain("check-reported-payment");
  });
});

describe("person A on person B's case", () => {
  it("gets the same 404 as for a case that does not exist, on every route, GET and POST", async () => {
    const missing = await call(DEBTOR_ACTION_FUNCTIONS.deferral, actionRequest("utsettelse", "c_nope", "GET"));
    expect(missing.status).toBe(404);
    for (const [name, suffix] of ACTIONS) {
      const get = await call(name, actionRequest(suffix, caseB, "GET"));
      expect(get.status).toBe(404);
      expect(get.body).toBe(missing.body);
      const post = await call(
        name,
        actionRequest(suffix, caseB, "POST", {
          form: { csrf: "csrf-of-a", days: "5", months: "2", reason: "x" },
        }),
      );
      expect(post.status).toBe(404);
      expect(post.body).toBe(missing.body);
    }
    const b = (await w.deps.cases.get(tenantId, caseB))!;
    expect(b.timeline.map((e) => e.kind)).toEqual(["created"]);
    expect(w.events.published).toEqual([]);
  });
});
