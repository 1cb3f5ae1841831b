/**
 * Staff actions on the portal's case page over HTTP against `npm start`'s dev host (issue 16): an editor puts a case
 * on hold and resumes it, writes a note, issues a credit note in kroner and sends the pay link by SMS (it lands in the
 * dev host's SMS outbox, in the creditor's name, once however often she clicks within the minute); each is on the
 * partner API's case timeline as done by staff Erik Endring, with no national id and no provider subject in the title.
 * A viewer's forged POST is 403, a wrong CSRF token 403, another creditor's case 404, a bad amount 422 with the
 * message at the field and nothing changed; a service agent grants a deferral, recorded as the agent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SETTINGS, signInStaff, testStaff } from "../support/portal-http";
import { clockNow, toContactHours } from "../support/devhost-clock";
import { makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inputValue, MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";

const API_KEY = LOCAL_SETTINGS.DEVHOST_DEMO_API_KEY!;
const TENANT = "t_devhost_demo";
const VIEWER = testStaff("test-staff-viewer");
const EDITOR = testStaff("test-staff-editor");
const AGENT = testStaff("test-staff-agent");
const NATIONAL_ID = "23079112305";

let host: DevHostProcess;

async function api(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}${url}`, {
    method,
    headers: { "x-api-key": API_KEY, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function invoice(number: string, phone: string): Promise<string> {
  const now = await clockNow(host.base);
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const res = await api("POST", "/api/v1/invoices", {
    invoiceNumber: number,
    customer: {
      customerId: `k-${number}`,
      name: "Kari Nordmann",
      phone,
      nationalId: NATIONAL_ID,
      consent: { sms: true, email: false },
    },
    amount: { value: 125_000, currency: "NOK" },
    issueDate: day(-10),
    dueDate: day(4),
  });
  const body = (await res.json()) as { caseId: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.caseId;
}

async function outboxTo(phone: string): Promise<Array<{ message: string; from: string }>> {
  const res = await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } });
  const o = (await res.json()) as { messages: Array<{ to: string; message: string; from: string }> };
  return o.messages.filter((m) => m.to === phone);
}

async function apiCase(caseId: string) {
  const res = await api("GET", `/api/v1/cases/${caseId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    status: string;
    balance: { principal: { value: number }; total: { value: number } };
    timeline: Array<{ title: string; details?: Record<string, unknown> }>;
  };
}

const casePath = (caseId: string, tenant = TENANT) => `${host.base}/portal/${tenant}/saker/${caseId}`;

beforeAll(async () => {
  host = await startDevHost(makeDataDir("portal-case-"), { DEVHOST_DEMO_PEOPLE: "true" });
  await toContactHours(host.base);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("the case page's staff actions through the dev host", () => {
  it("lets an editor hold, resume, note, credit and send the pay link by SMS — each on the API's timeline by name", async () => {
    const phone = "+4791230001";
    const caseId = await invoice("PC-1001", phone);
    const erik = new MiniBrowser();
    await signInStaff(erik, host.base, EDITOR.sub);
    const page = await erik.go(casePath(caseId));
    expect(page.status).toBe(200);
    expect(page.body).toContain("Kari Nordmann");
    expect(page.body).toContain("PC-1001");
    expect(page.body.replace(/[\u00a0\u202f]/gu, " ")).toContain("1 250,00 kr");
    const csrf = inputValue(page.body, "csrf")!;
    const post = (action: string, form: Record<string, string>) =>
      erik.request(`${casePath(caseId)}/handling/${action}`, { form: { csrf, ...form } });

    const held = await post("hold", { reason: "Kunden har ringt", until: "" });
    expect(held.status).toBe(303);
    expect(held.headers.get("location")).toContain("melding=hold");
    expect((await apiCase(caseId)).status).toBe("on-hold");
    const heldPage = await erik.go(new URL(held.headers.get("location")!, host.base).href);
    expect(heldPage.body).toContain("Saken er satt på vent.");
    expect(heldPage.body).toContain("Erik Endring (kreditor) satte saken på vent");
    expect(heldPage.body).toMatch(/Saken er satt på vent siden \d{1,2}\. [a-zæøå]+\.? \d{4} \(«Kunden har ringt»\)\./u);
    expect(heldPage.body).not.toContain("The case is on hold since");

    expect((await post("resume", {})).status).toBe(303);
    expect((await apiCase(caseId)).status).toBe("open");

    expect((await post("note", { text: "Lovet å betale fredag" })).status).toBe(303);
    expect((await post("credit-note", { amount: "250,50", reason: "Feil i fakturaen" })).status).toBe(303);
    const credited = await apiCase(caseId);
    expect(credited.balance.principal.value).toBe(125_000 - 25_050);

    const before = (await outboxTo(phone)).length;
    expect((await post("pay-link", { channel: "sms" })).headers.get("location")).toContain("melding=pay-link-sms");
    const again = await post("pay-link", { channel: "sms" });
    expect(again.headers.get("location")).toContain("melding=pay-link-already");
    const sent = await outboxTo(phone);
    expect(sent.length).toBe(before + 1);
    expect(sent.at(-1)!.message).toContain("PC-1001");
    expect(sent.at(-1)!.message).toMatch(/\/p\/[A-Za-z0-9_-]{20,}/u);

    const titles = (await apiCase(caseId)).timeline.map((e) => e.title);
    for (const expected of [
      "Put on hold by staff Erik Endring (creditor)",
      "Resumed by staff Erik Endring (creditor)",
      "Note by staff Erik Endring (creditor)",
      "Pay link sent by SMS by staff Erik Endring (creditor)",
    ])
      expect(titles).toContain(expected);
    expect(titles.some((t) => t.startsWith("Credit note") && t.endsWith("by staff Erik Endring (creditor)"))).toBe(
      true,
    );
    const timeline = JSON.stringify((await apiCase(caseId)).timeline);
    expect(timeline).not.toContain(NATIONAL_ID);
    expect(titles.join(" ")).not.toContain(EDITOR.sub);
    // A document: a PDF is archived with the case (the page links it, the API serves it); a page renamed .pdf is not.
    const upload = async (content: Buffer, name: string) => {
      const body = new FormData();
      body.set("csrf", csrf);
      body.set("file", new Blob([new Uint8Array(content)]), name);
      return fetch(`${casePath(caseId)}/handling/document`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: erik.jar.header(casePath(caseId)) },
        body,
      });
    };
    const refusedUpload = await upload(Buffer.from("<html><script>alert(1)</script></html>"), "kvittering.pdf");
    expect(refusedUpload.status).toBe(422);
    expect(await refusedUpload.text()).toContain("Filen må være en PDF, PNG eller JPEG.");
    const uploaded = await upload(Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "avtale.pdf");
    expect(uploaded.status).toBe(303);
    const docs = (await (await api("GET", `/api/v1/cases/${caseId}/documents`)).json()) as {
      items: Array<{ documentId: string; kind: string }>;
    };
    const doc = docs.items.find((d) => d.kind === "staff-upload")!;
    const opened = await erik.request(`${casePath(caseId)}/dokumenter/${doc.documentId}`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-type")).toBe("application/pdf");
    expect(opened.headers.get("content-disposition")).toMatch(/^attachment;/u);

    // The staff actions are on the case page's timeline by name, never by the provider's subject.
    const after = await erik.go(casePath(caseId));
    expect(after.body).toContain("Erik Endring (kreditor) sendte betalingslenken på SMS");
    expect(after.body).not.toContain(EDITOR.sub);
    expect(after.body).toContain("Erik Endring (kreditor) lastet opp dokumentet «avtale.pdf»");
  });

  it("refuses a viewer's forged POST, a wrong CSRF token, another creditor's case and a bad amount — changing nothing", async () => {
    const caseId = await invoice("PC-1002", "+4791230002");
    const vera = new MiniBrowser();
    await signInStaff(vera, host.base, VIEWER.sub);
    const viewerPage = await vera.go(casePath(caseId));
    expect(viewerPage.status).toBe(200);
    expect(viewerPage.body).not.toContain("/handling/");
    expect(viewerPage.body).toContain("Du har lesetilgang og kan ikke gjøre endringer i saken.");
    const veraCsrf = inputValue(viewerPage.body, "csrf")!;
    const forged = await vera.request(`${casePath(caseId)}/handling/hold`, {
      form: { csrf: veraCsrf, reason: "forged" },
    });
    expect(forged.status, forged.body.slice(0, 3000)).toBe(403);

    const erik = new MiniBrowser();
    await signInStaff(erik, host.base, EDITOR.sub);
    const page = await erik.go(casePath(caseId));
    const csrf = inputValue(page.body, "csrf")!;
    const wrong = await erik.request(`${casePath(caseId)}/handling/hold`, { form: { csrf: "wrong", reason: "x" } });
    expect(wrong.status).toBe(403);
    const otherTenant = await erik.request(`${casePath(caseId, "t_devhost_demo_2")}/handling/hold`, {
      form: { csrf, reason: "x" },
    });
    expect(otherTenant.status).toBe(404);
    expect((await erik.request(casePath(caseId, "t_devhost_demo_2"))).status).toBe(404);

    const bad = await erik.request(`${casePath(caseId)}/handling/credit-note`, {
      form: { csrf, amount: "tolv kroner", reason: "x" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('id="credit-note-amount-error"');
    expect(bad.body).toContain("Skriv et beløp i kroner");
    expect(bad.body).toContain('value="tolv kroner"');
    // The summary at the top says so too and links to the field.
    const summary = bad.body.slice(bad.body.indexOf("<h1"), bad.body.indexOf('id="case-live"'));
    expect(summary).toContain('role="alert"');
    expect(summary).toContain('href="#credit-note-amount"');

    const unchanged = await apiCase(caseId);
    expect(unchanged.status).toBe("open");
    expect(unchanged.balance.principal.value).toBe(125_000);
    expect(unchanged.timeline.some((e) => /staff/u.test(e.title))).toBe(false);
  });

  it("lets a service agent grant a deferral on the debtor's behalf, recorded as the agent", async () => {
    const caseId = await invoice("PC-1003", "+4791230003");
    const siri = new MiniBrowser();
    await signInStaff(siri, host.base, AGENT.sub);
    const page = await siri.go(casePath(caseId));
    expect(page.body).toContain("/handling/deferral");
    const csrf = inputValue(page.body, "csrf")!;
    const done = await siri.request(`${casePath(caseId)}/handling/deferral`, { form: { csrf, days: "10" } });
    expect(done.status).toBe(303);
    const entry = (await apiCase(caseId)).timeline.find((e) => e.details?.["action"] === "deferral-granted")!;
    expect(entry.title).toContain("by staff Siri Service (customer service)");
    expect(entry.details?.["actor"]).toEqual({
      kind: "staff",
      subject: AGENT.sub,
      name: "Siri Service",
      role: "service.agent",
    });
    // An editor may not act on the debtor's behalf.
    const erik = new MiniBrowser();
    await signInStaff(erik, host.base, EDITOR.sub);
    const erikPage = await erik.go(casePath(caseId));
    expect(erikPage.body).not.toContain("/handling/deferral");
    const refused = await erik.request(`${casePath(caseId)}/handling/deferral`, {
      form: { csrf: inputValue(erikPage.body, "csrf")!, days: "5" },
    });
    expect(refused.status).toBe(403);
  });

  it("shows the debtor's message on the case page and sends an agent's answer through the partner API's use case", async () => {
    const kari = new MiniBrowser();
    const overview = await signInWithLocalBankId(kari, host.base, TEST_PERSONS[0]!.sub);
    const claimPath = [...overview.body.matchAll(/href="(\/min-side\/krav\/t_devhost_demo\/[^"?/]+)"/gu)][0]![1]!;
    const caseId = claimPath.split("/")[4]!;
    const thread = await kari.go(`${host.base}${claimPath}/meldinger`);
    const question = "Kan jeg betale etter lønning den 20.?";
    const sent = await kari.go(`${host.base}${claimPath}/meldinger`, {
      form: { csrf: inputValue(thread.body, "csrf")!, text: question },
    });
    expect(sent.body).toContain("Meldingen er sendt.");

    const siri = new MiniBrowser();
    await signInStaff(siri, host.base, AGENT.sub);
    const page = await siri.go(casePath(caseId));
    expect(page.body).toContain(question);
    expect(page.body).toContain("Melding fra skyldneren (se Meldinger)");
    expect(page.body).not.toContain("GET/POST /api/v1");
    const csrf = inputValue(page.body, "csrf")!;
    const empty = await siri.request(`${casePath(caseId)}/handling/reply`, { form: { csrf, text: " " } });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain("Skriv svaret til skyldneren.");

    const answer = "Hei Kari, det går fint.";
    const done = await siri.request(`${casePath(caseId)}/handling/reply`, { form: { csrf, text: answer } });
    expect(done.status).toBe(303);
    const listed = (await (await api("GET", `/api/v1/cases/${caseId}/messages`)).json()) as {
      messages: Array<{ from: string; text: string }>;
    };
    expect(listed.messages.map((m) => [m.from, m.text])).toEqual([
      ["debtor", question],
      ["customer-service", answer],
    ]);
    const entry = (await apiCase(caseId)).timeline.find((e) => e.details?.["action"] === "reply")!;
    expect(entry.title).toContain("by staff Siri Service (customer service)");
    const after = await siri.go(casePath(caseId));
    expect(after.body).toContain(answer);
    expect(after.body).toContain("Siri Service (kundeservice) svarte på skyldnerens melding");
  });
});
