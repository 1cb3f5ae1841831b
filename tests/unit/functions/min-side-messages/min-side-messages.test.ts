/**
 * Min side's messages and settings through the registered functions with literal ports: the debtor writes on a claim
 * (the thread, the timeline entry and `case.debtor_action` with action "message", never the text), customer service
 * lists and replies through the partner API (the debtor is alerted by SMS without the text, only with consent), the
 * debtor reads the reply (marked read), and settings change contact data and consent with the debtor as actor —
 * a malformed number is refused at its field with nothing lost. Another person gets the 404 of a missing claim.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installFunctionsCore, type FunctionRegistry } from "../../../../devhost/functions-core";
import type { RootDeps } from "../../../../functions/index";
import { API_FUNCTIONS } from "../../../../functions/api/names";
import { MIN_SIDE_MESSAGES_FUNCTIONS } from "../../../../functions/min-side-messages/names";
import { MemoryDebtorUploadStore } from "../../../../shared/adapters/memory/debtor-upload-store.memory";
import { makeLoadClaim } from "../../../../shared/application/min-side/pages";
import type { MinSideSession } from "../../../../shared/application/min-side/subject";
import { renderClaimPage } from "../../../../shared/web/min-side-pages";
import { makeRegisterInvoice } from "../../../../shared/application/register-invoice";
import type { SmsMessage } from "../../../../shared/ports/sms-sender";
import { seedTenant, testWorld, type TestWorld } from "../api/api-fixtures";

const NID_A = "01017012345";
const NID_B = "01019010046";
const BASE = "https://pay.example.test";
const SECRET_TEXT = "Jeg betalte 12. november, kontonummer 1234.56.78903";

let registry: FunctionRegistry;
let root: typeof import("../../../../functions/index");
let w: TestWorld;
let signedIn: MinSideSession | undefined;
let tenantId: string;
let apiKey: string;
let caseA: string;
let sms: SmsMessage[];

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

beforeEach(async () => {
  w = testWorld({ now: "2026-11-02T10:00:00Z" });
  sms = [];
  signedIn = sessionOf(NID_A);
  const deps: RootDeps = {
    ...w.deps,
    debtorUploads: new MemoryDebtorUploadStore(),
    resolveSession: async () => signedIn,
    sms: { send: async (m) => (sms.push(m), { ok: true, messageId: `sms-${sms.length}` }) },
  };
  root.configureApp({ deps });
  ({ tenantId, apiKey } = await seedTenant(w));
  const r = await makeRegisterInvoice(w.deps)(tenantId, {
    invoiceNumber: "A-1",
    customer: {
      customerId: "c-a",
      name: "Kari Nordmann",
      phone: "+4791234567",
      nationalId: NID_A,
      consent: { sms: true, email: false },
    },
    amount: { value: 125_000, currency: "NOK" },
    issueDate: "2026-09-15",
    dueDate: "2026-10-01",
  });
  caseA = r.caseId;
  w.events.published.length = 0;
});

function context(name: string): InvocationContext {
  return new InvocationContext({ invocationId: "inv-1", functionName: name, logHandler: () => undefined });
}

async function call(name: string, request: HttpRequest): Promise<HttpResponseInit> {
  return (await registry.require(name, "httpTrigger").callback(request, context(name))) as HttpResponseInit;
}

function page(path: string, params: Record<string, string>, form?: Record<string, string>): HttpRequest {
  return new HttpRequest({
    method: form ? "POST" : "GET",
    url: `${BASE}${path}`,
    params,
    ...(form
      ? {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: { string: new URLSearchParams(form).toString() },
        }
      : {}),
  });
}

const threadOf = (caseId: string, form?: Record<string, string>) =>
  call(
    MIN_SIDE_MESSAGES_FUNCTIONS.thread,
    page(`/min-side/krav/${tenantId}/${caseId}/meldinger`, { tenantId, caseId }, form),
  );

function api(
  method: "GET" | "POST",
  caseId: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResponseInit> {
  return call(
    method === "GET" ? API_FUNCTIONS.listMessages : API_FUNCTIONS.replyToDebtor,
    new HttpRequest({
      method,
      url: `${BASE}/api/v1/cases/${caseId}/messages`,
      params: { caseId },
      headers: { "x-api-key": apiKey, "content-type": "application/json", ...headers },
      ...(body ? { body: { string: JSON.stringify(body) } } : {}),
    }),
  );
}

const html = (res: HttpResponseInit): string => (typeof res.body === "string" ? res.body : "");
const json = (res: HttpResponseInit) => res.jsonBody as Record<string, unknown>;

describe("a debtor and customer service write to each other", () => {
  it("takes the debtor's message into the thread, onto the timeline and as case.debtor_action, never the text", async () => {
    const sent = await threadOf(caseA, { csrf: CSRF[NID_A]!, text: SECRET_TEXT });
    expect(sent.status).toBe(303);
    expect((sent.headers as Record<string, string>).location).toBe(
      `/min-side/krav/${tenantId}/${caseA}/meldinger?sendt=1`,
    );
    const record = await w.deps.cases.get(tenantId, caseA);
    const entry = record!.timeline.find((e) => e.details?.action === "message");
    expect(entry).toMatchObject({ kind: "message", details: { via: "min-side", actor: { kind: "debtor-bankid" } } });
    const event = w.events.published.find((e) => e.type === "case.debtor_action");
    expect(event?.data).toMatchObject({ action: "message", textLength: SECRET_TEXT.length });
    expect(JSON.stringify(record!.timeline)).not.toContain("kontonummer");
    expect(JSON.stringify(w.events.published)).not.toContain("kontonummer");

    const listed = await api("GET", caseA);
    expect(listed.status).toBe(200);
    expect(json(listed).messages).toEqual([
      expect.objectContaining({ from: "debtor", text: SECRET_TEXT, unread: true }),
    ]);
    const again = await api("GET", caseA);
    expect(json(again).messages).toEqual([expect.objectContaining({ unread: false })]);
  });

  it("alerts the debtor to a reply by SMS with the link and without the text; the debtor reads it, marked new once", async () => {
    await threadOf(caseA, { csrf: CSRF[NID_A]!, text: "Kan jeg få utsettelse?" });
    const reply = await api("POST", caseA, { text: "Ja, vi har gitt deg 14 dager." });
    expect(reply.status).toBe(201);
    expect(json(reply).alerts).toEqual([
      { channel: "sms", outcome: "sent" },
      { channel: "email", outcome: "skipped", reason: "no-consent" },
    ]);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.to).toBe("+4791234567");
    expect(sms[0]!.text).toBe(
      `Du har en ny melding fra Creditor ${tenantId} på Min side: ${BASE}/min-side/krav/${tenantId}/${caseA}/meldinger`,
    );
    const record = await w.deps.cases.get(tenantId, caseA);
    expect(record!.timeline.map((e) => e.title)).toContain("Message alert sent by SMS");

    const list = await call(MIN_SIDE_MESSAGES_FUNCTIONS.threads, page("/min-side/meldinger", {}));
    expect(html(list)).toContain("1 ulest");
    const read = await threadOf(caseA);
    expect(read.status).toBe(200);
    expect(html(read)).toContain("Ja, vi har gitt deg 14 dager.");
    expect(html(read)).toContain("(Ny)");
    expect(html(await threadOf(caseA))).not.toContain("(Ny)");
    expect(html(await call(MIN_SIDE_MESSAGES_FUNCTIONS.threads, page("/min-side/meldinger", {})))).not.toContain(
      "ulest",
    );
  });

  it("stores and alerts a reply once when it is POSTed again with its Idempotency-Key; without a key each POST is a reply", async () => {
    await threadOf(caseA, { csrf: CSRF[NID_A]!, text: "Kan jeg få utsettelse?" });
    const key = { "idempotency-key": "reply-7f3c2a10-1b2c-4d5e-8f90-a1b2c3d4e5f6" };
    const first = await api("POST", caseA, { text: "Ja, 14 dager." }, key);
    const again = await api("POST", caseA, { text: "Ja, 14 dager." }, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(json(again)).toEqual(json(first));
    expect(sms).toHaveLength(1);
    const replies = async () =>
      (await w.deps.messageThreads.get(tenantId, caseA))!.messages.filter((m) => m.from === "customer-service");
    expect(await replies()).toHaveLength(1);
    const reused = await api("POST", caseA, { text: "Nei." }, key);
    expect(reused.status).toBe(409);
    expect(await replies()).toHaveLength(1);

    // Documented: the text is no identity (two agents may send the same words) — without a key, two replies.
    await api("POST", caseA, { text: "Ja, 14 dager." });
    await api("POST", caseA, { text: "Ja, 14 dager." });
    expect(await replies()).toHaveLength(3);
    expect(sms).toHaveLength(3);
  });

  it("refuses an empty message, a message without the CSRF token, and a reply without text (problem+json at /text)", async () => {
    const empty = await threadOf(caseA, { csrf: CSRF[NID_A]!, text: "   " });
    expect(empty.status).toBe(422);
    expect(html(empty)).toContain("Skriv en melding.");
    const forged = await threadOf(caseA, { csrf: "wrong", text: "hei" });
    expect(forged.status).toBe(403);
    expect(html(forged)).toContain("hei");
    expect(await w.deps.messageThreads.get(tenantId, caseA)).toBeUndefined();
    const bad = await api("POST", caseA, { text: "" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.jsonBody)).toContain("/text");
  });

  it("gives another person the 404 of a missing claim, reading or writing", async () => {
    await threadOf(caseA, { csrf: CSRF[NID_A]!, text: SECRET_TEXT });
    signedIn = sessionOf(NID_B);
    const missing = await threadOf("c_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    for (const res of [await threadOf(caseA), await threadOf(caseA, { csrf: CSRF[NID_B]!, text: "hei" })]) {
      expect(res.status).toBe(404);
      expect(html(res)).toBe(html(missing));
    }
    const handOver = await call(
      MIN_SIDE_MESSAGES_FUNCTIONS.handOver,
      page("/min-side/meldinger/ny", {}, { csrf: CSRF[NID_B]!, claim: `${tenantId}/${caseA}`, question: "q" }),
    );
    expect(handOver.status).toBe(404);
    expect(html(await call(MIN_SIDE_MESSAGES_FUNCTIONS.threads, page("/min-side/meldinger", {})))).not.toContain("A-1");
    expect((await w.deps.messageThreads.get(tenantId, caseA))!.messages).toHaveLength(1);
  });

  it("sends someone without a session to sign-in", async () => {
    signedIn = undefined;
    const res = await threadOf(caseA);
    expect(res.status).toBe(303);
    expect((res.headers as Record<string, string>).location).toBe("/min-side/logg-inn");
  });
});

describe("the claim's timeline on Min side", () => {
  const claimPage = async (lang: "nb" | "en") => {
    const deps = {
      cases: w.deps.cases,
      personCases: w.deps.personCases,
      tenants: w.deps.tenants,
      clock: w.deps.clock,
    };
    const claim = await makeLoadClaim(deps, {})(sessionOf(NID_A).subject, tenantId, caseA);
    const body = renderClaimPage({ lang, csrf: CSRF[NID_A]!, claim: claim! });
    return body.slice(body.indexOf("<ol"), body.indexOf("</ol>"));
  };

  it("shows that the debtor wrote and customer service answered, with the date and a link to the thread, never the text", async () => {
    await threadOf(caseA, { csrf: CSRF[NID_A]!, text: SECRET_TEXT });
    await api("POST", caseA, { text: "Takk, vi ser på det." });
    const link = `/min-side/krav/${tenantId}/${caseA}/meldinger`;
    const nb = await claimPage("nb");
    expect(nb).toContain(`<span class="nowrap">02.11.2026</span>: <a href="${link}">Du sendte en melding</a>`);
    expect(nb).toContain(`<a href="${link}">Svar fra kundeservice</a>`);
    expect(nb).not.toContain("kontonummer");
    expect(nb).not.toContain("Takk, vi ser");
    const en = await claimPage("en");
    expect(en).toContain(`">You sent a message</a>`);
    expect(en).toContain(`">Reply from customer service</a>`);
    expect(en).toContain(`${link}?lang=en`);
  });
});

/** The case store refuses its next write (Cosmos DB unreachable for a moment), then works again. */
function failNextCaseWrite(): void {
  const store = w.deps.cases;
  const update = store.update.bind(store);
  store.update = async () => {
    store.update = update;
    throw new Error("case store unavailable");
  };
}

const messageEntries = async (action: string) =>
  (await w.deps.cases.get(tenantId, caseA))!.timeline.filter(
    (e) => e.kind === "message" && e.details?.action === action,
  );

describe("nothing lost when the case write fails after the thread's", () => {
  it("keeps the debtor's message, and writes its timeline entry and case.debtor_action once when the thread is read next", async () => {
    failNextCaseWrite();
    const sent = await threadOf(caseA, { csrf: CSRF[NID_A]!, text: SECRET_TEXT });
    expect(sent.status).toBe(303); // the debtor is not asked to write it again
    expect((await w.deps.messageThreads.get(tenantId, caseA))!.messages).toHaveLength(1);
    expect(await messageEntries("message")).toHaveLength(0);

    const page = await threadOf(caseA); // where the debtor is sent after writing
    expect(html(page)).toContain("kontonummer");
    expect(await messageEntries("message")).toHaveLength(1);
    expect(w.events.published.filter((e) => e.type === "case.debtor_action")).toHaveLength(1);

    await threadOf(caseA);
    await api("GET", caseA);
    expect(await messageEntries("message")).toHaveLength(1);
    expect(w.events.published.filter((e) => e.type === "case.debtor_action")).toHaveLength(1);
    expect((await w.deps.messageThreads.get(tenantId, caseA))!.messages[0]!.pending).toBeUndefined();
  });

  it("customer service's GET writes the case side of a debtor message left pending", async () => {
    failNextCaseWrite();
    await threadOf(caseA, { csrf: CSRF[NID_A]!, text: SECRET_TEXT });
    const listed = await api("GET", caseA);
    expect(json(listed).messages).toEqual([expect.objectContaining({ from: "debtor", text: SECRET_TEXT })]);
    expect(await messageEntries("message")).toHaveLength(1);
    expect(w.events.published.filter((e) => e.type === "case.debtor_action")).toHaveLength(1);
  });

  it("keeps a reply whose timeline write failed (201, the debtor alerted) and writes its entry on the next GET", async () => {
    await threadOf(caseA, { csrf: CSRF[NID_A]!, text: "Kan jeg få utsettelse?" });
    failNextCaseWrite();
    const reply = await api("POST", caseA, { text: "Ja, vi har gitt deg 14 dager." });
    expect(reply.status).toBe(201);
    expect(sms).toHaveLength(1);
    expect(await messageEntries("reply")).toHaveLength(0);
    await api("GET", caseA);
    expect(await messageEntries("reply")).toHaveLength(1);
    await api("GET", caseA);
    expect(await messageEntries("reply")).toHaveLength(1);
  });
});

describe("settings", () => {
  const settings = (form?: Record<string, string>) =>
    call(MIN_SIDE_MESSAGES_FUNCTIONS.settings, page("/min-side/innstillinger", {}, form));

  it("shows the claim's contact data and consent", async () => {
    const res = await settings();
    expect(res.status).toBe(200);
    expect(html(res)).toContain('value="+4791234567"');
    expect(html(res)).toMatch(/id="consentSms" name="consentSms" value="1" checked/u);
    expect(html(res)).not.toMatch(/id="consentEmail" name="consentEmail" value="1" checked/u);
  });

  it("refuses a malformed phone number at its field, keeping what was typed, and changes nothing", async () => {
    const res = await settings({ csrf: CSRF[NID_A]!, phone: "12ab", email: "kari@example.no", consentEmail: "1" });
    expect(res.status).toBe(422);
    expect(html(res)).toContain("Dette er ikke et gyldig mobilnummer.");
    expect(html(res)).toContain('value="12ab"');
    expect(html(res)).toContain('value="kari@example.no"');
    expect(html(res)).toMatch(/id="phone"[^>]*aria-invalid="true"/u);
    const bad = await settings({ csrf: CSRF[NID_A]!, phone: "+4791234567", email: "not-an-address" });
    expect(html(bad)).toContain("Dette er ikke en gyldig e-postadresse.");
    expect((await w.deps.cases.get(tenantId, caseA))!.customer.email).toBeUndefined();
  });

  it("withdraws SMS consent through the creditor's contact use case, as the debtor: the next reply sends no SMS", async () => {
    const saved = await settings({
      csrf: CSRF[NID_A]!,
      phone: "912 34 567",
      email: "kari@example.no",
      consentEmail: "1",
      alertSms: "1",
      alertEmail: "1",
    });
    expect(saved.status).toBe(303);
    const record = await w.deps.cases.get(tenantId, caseA);
    expect(record!.customer).toMatchObject({ email: "kari@example.no", consent: { sms: false, email: true } });
    const entry = record!.timeline.find((e) => e.kind === "customer");
    expect(entry?.title).toBe("Contact details updated by the debtor on Min side: email, consent.sms, consent.email");
    expect(entry?.details).toMatchObject({ via: "min-side", actor: { kind: "debtor-bankid" } });
    expect(JSON.stringify(entry)).not.toContain("kari@example.no");
    const reply = await api("POST", caseA, { text: "Svar" });
    expect(json(reply).alerts).toEqual([
      { channel: "sms", outcome: "skipped", reason: "no-consent" },
      { channel: "email", outcome: "skipped", reason: "not-configured" },
    ]);
    expect(sms).toHaveLength(0);
  });
});

describe("alerts a debtor is promised (only where consent and an address are)", () => {
  const settings = () => call(MIN_SIDE_MESSAGES_FUNCTIONS.settings, page("/min-side/innstillinger", {}));
  const ticked = (body: string, id: string) => new RegExp(`id="${id}" name="${id}" value="1" checked`, "u").test(body);

  it("ticks by default only the SMS box for a debtor with a phone and SMS consent, and promises SMS", async () => {
    const body = html(await settings());
    expect(ticked(body, "alertSms")).toBe(true);
    expect(ticked(body, "alertEmail")).toBe(false);
    expect(html(await threadOf(caseA))).toContain("Vi varsler deg på SMS når du får svar.");
  });

  it("ticks no box for a debtor with no phone, no e-mail and no consent, and says the reply comes on Min side", async () => {
    const r = await makeRegisterInvoice(w.deps)(tenantId, {
      invoiceNumber: "B-1",
      customer: { customerId: "c-b", name: "Ola Nordmann", nationalId: NID_B },
      amount: { value: 50_000, currency: "NOK" },
      issueDate: "2026-09-15",
      dueDate: "2026-10-01",
    });
    signedIn = sessionOf(NID_B);
    const body = html(await settings());
    expect(ticked(body, "alertSms")).toBe(false);
    expect(ticked(body, "alertEmail")).toBe(false);
    const thread = html(await threadOf(r.caseId));
    expect(thread).not.toContain("Vi varsler deg");
    expect(thread).toContain("Svaret kommer her på Min side.");
    const sent = await threadOf(r.caseId, { csrf: CSRF[NID_B]!, text: "Hei" });
    expect(sent.status).toBe(303);
    const after = html(
      await call(
        MIN_SIDE_MESSAGES_FUNCTIONS.thread,
        page(`/min-side/krav/${tenantId}/${r.caseId}/meldinger?sendt=1`, { tenantId, caseId: r.caseId }),
      ),
    );
    expect(after).toContain("Meldingen er sendt. Svaret fra kundeservice kommer her på Min side.");
    expect(after).not.toContain("Du får et varsel");
  });
});

describe("a power of attorney", () => {
  const grant = (scope: "read" | "act"): MinSideSession => ({
    ...sessionOf(NID_B),
    subject: {
      kind: "person",
      nationalId: NID_B,
      held: [
        {
          grantId: `poa-${scope}`,
          grantorNationalId: NID_A,
          grantorName: "Kari Nordmann",
          scope,
          cases: "all",
          validFrom: "2026-11-01",
          validUntil: "2026-12-31",
        },
      ],
    },
  });

  it("to read shows the grantor's thread but writes nothing in her name; to act writes as the attorney", async () => {
    signedIn = grant("read");
    expect((await threadOf(caseA)).status).toBe(200);
    expect((await threadOf(caseA, { csrf: CSRF[NID_B]!, text: "hei" })).status).toBe(404);
    expect(await w.deps.messageThreads.get(tenantId, caseA)).toBeUndefined();
    signedIn = grant("act");
    expect((await threadOf(caseA, { csrf: CSRF[NID_B]!, text: "hei" })).status).toBe(303);
    const record = await w.deps.cases.get(tenantId, caseA);
    expect(record!.timeline.find((e) => e.details?.action === "message")?.details?.actor).toMatchObject({
      kind: "debtor-attorney",
      grantRef: "poa-act",
    });
  });

  it("never changes the grantor's contact data or consent from the attorney's settings", async () => {
    signedIn = grant("act");
    const page = await call(MIN_SIDE_MESSAGES_FUNCTIONS.settings, settingsRequest("/min-side/innstillinger"));
    expect(html(page)).toContain("Du har ingen åpne krav");
    const saved = await call(
      MIN_SIDE_MESSAGES_FUNCTIONS.settings,
      settingsRequest("/min-side/innstillinger", { csrf: CSRF[NID_B]!, phone: "", email: "" }),
    );
    expect(saved.status).toBe(422);
    expect((await w.deps.cases.get(tenantId, caseA))!.customer.phone).toBe("+4791234567");
  });
});

function settingsRequest(path: string, form?: Record<string, string>): HttpRequest {
  return page(path, {}, form);
}
