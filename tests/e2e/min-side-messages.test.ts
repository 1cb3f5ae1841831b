/**
 * Min side's messages and settings through `npm start`'s dev host (issue 15), with its demo claims: Kari sets her
 * mobile number, e-mail and consent on Min side's settings, writes to customer service on her claim, the creditor's
 * partner API lists the message and replies, the SMS and e-mail alerts are in the ACS stand-in's outboxes with the
 * link and WITHOUT the text, and Kari reads the reply (marked new once, then read). She withdraws SMS consent: the next
 * reply sends no SMS. The assistant's hand-over ("jeg vil snakke med et menneske") opens a thread with the question and
 * the answer. Ola cannot read or write Kari's thread by any route (Min side's 404; the other creditor's API key: 404),
 * and neither the texts nor the contact data reach the dev host's log.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inputValue, MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const DEMO_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const SECOND_KEY = settings.Values.DEVHOST_SECOND_DEMO_API_KEY!;
const KARI = TEST_PERSONS[0]!;
const OLA = TEST_PERSONS[1]!;
const PHONE = "+4791726354";
const EMAIL = "kari.meldinger@example.no";
const QUESTION = "Kan jeg betale etter lønning den 20.? Hilsen Kari, konto 1503.22.44556";
const REPLY = "Hei Kari, det går fint: vi venter til 20. desember med neste steg.";

let host: DevHostProcess;
let kari: MiniBrowser;
let ola: MiniBrowser;
let claimPath: string;
let caseId: string;

interface Sms {
  to: string;
  message: string;
}
interface Mail {
  to: Array<{ address: string }>;
  subject: string;
  plainText?: string;
  html?: string;
}

async function smsTo(phone: string): Promise<Sms[]> {
  const o = (await (await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } })).json()) as {
    messages: Sms[];
  };
  return o.messages.filter((m) => m.to === phone);
}

async function mailTo(address: string): Promise<Mail[]> {
  const o = (await (await fetch(`${host.base}/api/dev/email?format=json`)).json()) as { messages: Mail[] };
  return o.messages.filter((m) => m.to.some((t) => t.address === address));
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function api(method: "GET" | "POST", key: string, body?: unknown): Promise<Response> {
  return fetch(`${host.base}/api/v1/cases/${caseId}/messages`, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

async function saveSettings(form: Record<string, string>): Promise<void> {
  const page = await kari.go(`${host.base}/min-side/innstillinger`);
  const csrf = inputValue(page.body, "csrf")!;
  const saved = await kari.request(`${host.base}/min-side/innstillinger`, { form: { csrf, ...form } });
  expect(saved.status, saved.body).toBe(303);
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("min-side-messages-"), { DEVHOST_DEMO_PEOPLE: "true" });
  kari = new MiniBrowser();
  ola = new MiniBrowser();
  const overview = await signInWithLocalBankId(kari, host.base, KARI.sub);
  expect(overview.status).toBe(200);
  claimPath = [...overview.body.matchAll(/href="(\/min-side\/krav\/t_devhost_demo\/[^"?/]+)"/gu)][0]![1]!;
  caseId = claimPath.split("/")[4]!;
  await signInWithLocalBankId(ola, host.base, OLA.sub);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("Min side's messages through the dev host", () => {
  it("links the overview to messages and settings, and the claim page to its thread", async () => {
    const overview = await kari.go(`${host.base}/min-side`);
    expect(overview.body).toContain('href="/min-side/meldinger"');
    expect(overview.body).toContain('href="/min-side/innstillinger"');
    const claim = await kari.go(`${host.base}${claimPath}`);
    expect(claim.body).toContain(`href="${claimPath}/meldinger"`);
  });

  it("refuses a malformed mobile number on the settings form, naming the field and keeping what was typed", async () => {
    const page = await kari.go(`${host.base}/min-side/innstillinger`);
    expect(page.body).toContain("Endringene gjelder alle dine åpne krav (2).");
    const csrf = inputValue(page.body, "csrf")!;
    const refused = await kari.request(`${host.base}/min-side/innstillinger`, {
      form: { csrf, phone: "9172 abc", email: EMAIL, consentSms: "1" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain("Dette er ikke et gyldig mobilnummer.");
    expect(refused.body).toContain('value="9172 abc"');
    expect(refused.body).toContain(`value="${EMAIL}"`);
  });

  it("debtor writes → the API lists it → the API replies → SMS and e-mail alerts without the text → she reads it", async () => {
    await saveSettings({
      phone: "917 26 354",
      email: EMAIL,
      consentSms: "1",
      consentEmail: "1",
      alertSms: "1",
      alertEmail: "1",
    });
    const view = (await (
      await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": DEMO_KEY } })
    ).json()) as { timeline: Array<{ kind: string; title: string; details?: Record<string, unknown> }> };
    expect(view.timeline.find((e) => e.kind === "customer")?.title).toMatch(/by the debtor on Min side/u);

    const thread = await kari.go(`${host.base}${claimPath}/meldinger`);
    expect(thread.status).toBe(200);
    const csrf = inputValue(thread.body, "csrf")!;
    const sent = await kari.go(`${host.base}${claimPath}/meldinger`, { form: { csrf, text: QUESTION } });
    expect(sent.body).toContain("Meldingen er sendt.");
    expect(sent.body).toContain("konto 1503.22.44556");

    const listed = await api("GET", DEMO_KEY);
    expect(listed.status).toBe(200);
    const messages = ((await listed.json()) as { messages: Array<{ from: string; text: string; unread: boolean }> })
      .messages;
    expect(messages).toEqual([expect.objectContaining({ from: "debtor", text: QUESTION, unread: true })]);

    const replied = await api("POST", DEMO_KEY, { text: REPLY });
    expect(replied.status).toBe(201);
    const link = `${claimPath}/meldinger`;
    const alert = await eventually(async () => (await smsTo(PHONE))[0], "the SMS alert");
    expect(alert.message).toMatch(/^Du har en ny melding fra Demo Kreditor AS på Min side: http/u);
    expect(alert.message).toContain(link);
    expect(alert.message).not.toContain("lønning");
    expect(alert.message).not.toContain("20. desember");
    const mail = await eventually(async () => (await mailTo(EMAIL))[0], "the e-mail alert");
    expect(mail.subject).toBe("Ny melding fra Demo Kreditor AS");
    expect(JSON.stringify(mail)).toContain(link);
    expect(JSON.stringify(mail)).not.toContain("20. desember");

    const after = (await (
      await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": DEMO_KEY } })
    ).json()) as { timeline: Array<{ title: string }> };
    expect(after.timeline.map((e) => e.title)).toEqual(
      expect.arrayContaining(["Message alert sent by SMS", "Message alert sent by e-mail"]),
    );
    expect(JSON.stringify(after.timeline)).not.toContain("lønning");

    const list = await kari.go(`${host.base}/min-side/meldinger`);
    expect(list.body).toContain("(1 ulest)");
    const read = await kari.go(`${host.base}${claimPath}/meldinger`);
    expect(read.body).toContain(REPLY);
    expect(read.body).toContain("(Ny)");
    expect((await kari.go(`${host.base}/min-side/meldinger`)).body).not.toContain("ulest");
  });

  it("withdraws SMS consent on the settings page: the next reply sends no SMS", async () => {
    const before = (await smsTo(PHONE)).length;
    await saveSettings({ phone: "917 26 354", email: EMAIL, consentEmail: "1", alertSms: "1", alertEmail: "1" });
    const replied = await api("POST", DEMO_KEY, { text: "Ett spørsmål til: ble det riktig?" });
    expect(replied.status).toBe(201);
    expect(((await replied.json()) as { alerts: unknown[] }).alerts).toEqual([
      { channel: "sms", outcome: "skipped", reason: "no-consent" },
      { channel: "email", outcome: "sent" },
    ]);
    await eventually(async () => (await mailTo(EMAIL)).length >= 2, "the second e-mail alert");
    expect(await smsTo(PHONE)).toHaveLength(before);
  });

  it("hands the assistant's conversation over: 'jeg vil snakke med et menneske' → a thread with the question and the answer", async () => {
    const page = await kari.go(`${host.base}/min-side/assistent`);
    const csrf = inputValue(page.body, "csrf")!;
    const answer = await kari.go(`${host.base}/min-side/assistent`, {
      form: { csrf, sporsmal: "jeg vil snakke med et menneske" },
    });
    expect(answer.body).toContain("Send til kundeservice");
    // The claims to choose from are her own: the radio buttons name both of hers and no one else's.
    const claims = [...answer.body.matchAll(/name="claim" value="([^"]+)"/gu)].map((m) => m[1]!);
    expect(claims).toHaveLength(2);
    const claim = claims.find((c) => c === `t_devhost_demo/${caseId}`)!;
    const unescape = (s: string) =>
      s
        .replace(/&#39;/gu, "'")
        .replace(/&quot;/gu, '"')
        .replace(/&amp;/gu, "&");
    const handedOver = await kari.go(`${host.base}/min-side/meldinger/ny`, {
      form: {
        csrf,
        claim,
        question: unescape(inputValue(answer.body, "question")!),
        answer: unescape(inputValue(answer.body, "answer")!),
      },
    });
    expect(handedOver.url).toBe(`${host.base}${claimPath}/meldinger?sendt=1`);
    expect(handedOver.body).toContain("Spørsmål til assistenten: jeg vil snakke med et menneske");
    expect(handedOver.body).toContain("Svar fra assistenten: Kundeservice kan hjelpe deg med det.");
  });

  it("lets Ola read or write Kari's thread by no route", async () => {
    const olaCsrf = inputValue((await ola.go(`${host.base}/min-side`)).body, "csrf")!;
    const missing = await ola.request(
      `${host.base}/min-side/krav/t_devhost_demo/c_aaaaaaaaaaaaaaaaaaaaaaaaaa/meldinger`,
    );
    expect(missing.status).toBe(404);
    const read = await ola.request(`${host.base}${claimPath}/meldinger`);
    const write = await ola.request(`${host.base}${claimPath}/meldinger`, { form: { csrf: olaCsrf, text: "hei" } });
    const handOver = await ola.request(`${host.base}/min-side/meldinger/ny`, {
      form: { csrf: olaCsrf, claim: `t_devhost_demo/${caseId}`, question: "hei", answer: "hei" },
    });
    for (const res of [read, write, handOver]) {
      expect(res.status).toBe(404);
      expect(res.body).toBe(missing.body);
    }
    const list = await ola.go(`${host.base}/min-side/meldinger`);
    expect(list.body).not.toContain("MS-1001");
    expect(list.body).not.toContain(REPLY);
    // The other creditor's API key: the case is not its own.
    expect((await api("GET", SECOND_KEY)).status).toBe(404);
    expect((await api("POST", SECOND_KEY, { text: "hei" })).status).toBe(404);
    const texts = ((await (await api("GET", DEMO_KEY)).json()) as { messages: Array<{ text: string }> }).messages;
    expect(texts.map((m) => m.text)).not.toContain("hei");
  });

  it("writes neither a message, a reply nor the contact data to the dev host's log", () => {
    const log = host.stdout();
    for (const secret of ["lønning", "1503.22.44556", "20. desember", PHONE, "917 26 354", EMAIL, KARI.nationalId])
      expect(log).not.toContain(secret);
  });
});
