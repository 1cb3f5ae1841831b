/**
 * What a newcomer found in Min side's power-of-attorney view and on disputed claims (issue 15), through `npm start`'s
 * dev host with the local OpenID Connect provider's test persons. Kari agrees an instalment plan on MS-1001, disputes
 * NE-2001, writes to customer service (who answers), and gives Ola READ access to all her claims:
 *
 * - Ola sees no pay button for her claims anywhere (the plan's "Betal neste avdrag", the claim's, the overview's).
 * - Ola may read her message thread (a debt adviser usually may) but gets no form, sees her messages under her name,
 *   and his visit leaves her unread reply unread for her. With ACT access his own message is his ("Du"), hers hers.
 * - Her actions are told in her name ("Kari Nordmann valgte en nedbetalingsplan"), in bokmål and English.
 * - A disputed claim offers neither a new dispute, nor deferral, nor a plan — "Jeg har betalt" stays.
 * - A KID + PIN sign-in is told "KID og PIN" on /min-side/fullmakter.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { minSidePin } from "../../shared/application/min-side/pin";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inputValue, MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const DEMO_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const PIN_SECRET = settings.Values.MINSIDE_PIN_SECRET!;
const [KARI, OLA] = [TEST_PERSONS[0]!, TEST_PERSONS[1]!];
const KARIS_MESSAGE = "Kan dere sende meg fakturaen på nytt?";
const REPLY = "Vi har sendt den i posten.";

let host: DevHostProcess;
const kari = new MiniBrowser();
const ola = new MiniBrowser();
/** Kari's claim at the demo creditor (MS-1001: the plan, the thread) and her other one (NE-2001: the dispute). */
let planClaim: string;
let disputedClaim: string;

const claimLinks = (html: string): string[] =>
  [...html.matchAll(/href="(\/min-side\/krav\/[^"?/]+\/[^"?/]+)"/gu)].map((m) => m[1]!);

async function today(): Promise<string> {
  const now = ((await (await fetch(`${host.base}/api/dev/clock`)).json()) as { now: string }).now;
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo" }).format(new Date(now));
}
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function kariGrants(scope: "read" | "act") {
  const page = await kari.go(`${host.base}/min-side/fullmakter`);
  const granted = await kari.request(`${host.base}/min-side/fullmakter`, {
    form: {
      csrf: inputValue(page.body, "csrf")!,
      nationalId: OLA.nationalId,
      name: "Ola Nordmann",
      which: "all",
      scope,
      validUntil: plusDays(await today(), 60),
    },
  });
  expect(granted.status, granted.body).toBe(303);
}

/** The thread's authors as the page names them, in order. */
const authors = (html: string): string[] =>
  [...html.matchAll(/<li class="case"><h2>([^<]+?) · /gu)].map((m) => m[1]!.trim());

beforeAll(async () => {
  host = await startDevHost(makeDataDir("min-side-attorney-view-"), { DEVHOST_DEMO_PEOPLE: "true" });
  const overview = await signInWithLocalBankId(kari, host.base, KARI.sub);
  planClaim = claimLinks(overview.body).find((p) => p.includes("/t_devhost_demo/"))!;
  disputedClaim = claimLinks(overview.body).find((p) => !p.includes("/t_devhost_demo/"))!;
  expect(planClaim).toBeDefined();
  expect(disputedClaim).toBeDefined();

  const planForm = await kari.go(`${host.base}${planClaim}/nedbetaling`);
  const months = /name="months" value="(\d+)"/u.exec(planForm.body)![1]!;
  const plan = await kari.request(`${host.base}${planClaim}/nedbetaling`, {
    form: { csrf: inputValue(planForm.body, "csrf")!, months },
  });
  expect(plan.status, plan.body).toBe(303);

  const disputeForm = await kari.go(`${host.base}${disputedClaim}/innsigelse`);
  const dispute = await kari.request(`${host.base}${disputedClaim}/innsigelse`, {
    form: { csrf: inputValue(disputeForm.body, "csrf")!, reason: "Jeg har aldri bestilt dette abonnementet." },
  });
  expect(dispute.status, dispute.body).toBe(303);

  const thread = await kari.go(`${host.base}${planClaim}/meldinger`);
  const sent = await kari.request(`${host.base}${planClaim}/meldinger`, {
    form: { csrf: inputValue(thread.body, "csrf")!, text: KARIS_MESSAGE },
  });
  expect(sent.status, sent.body).toBe(303);
  const replied = await fetch(`${host.base}/api/v1/cases/${planClaim.split("/")[4]!}/messages`, {
    method: "POST",
    headers: { "x-api-key": DEMO_KEY, "content-type": "application/json" },
    body: JSON.stringify({ text: REPLY }),
  });
  expect(replied.status).toBe(201);

  await kariGrants("read");
  await signInWithLocalBankId(ola, host.base, OLA.sub);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("a read-only power of attorney, and a disputed claim, on Min side through the dev host", () => {
  it("read: no pay button for Kari's claims anywhere, not even the plan's", async () => {
    const claim = await ola.go(`${host.base}${planClaim}`);
    expect(claim.status).toBe(200);
    expect(claim.body).toContain("Nedbetalingsplan");
    expect(claim.body).not.toContain("Betal neste avdrag");
    expect(claim.body).not.toContain(`${planClaim}/betal`);
    const overview = await ola.go(`${host.base}/min-side`);
    expect(overview.body).toContain("Krav du har fullmakt for");
    expect(overview.body).not.toContain(`${planClaim}/betal`);
    expect(overview.body).not.toContain(`${disputedClaim}/betal`);
  });

  it("read: Ola reads Kari's thread without a form, under her name, and leaves her reply unread", async () => {
    expect((await kari.go(`${host.base}/min-side/meldinger`)).body).toContain("(1 ulest)");
    const thread = await ola.go(`${host.base}${planClaim}/meldinger`);
    expect(thread.status).toBe(200);
    expect(thread.body).toContain(KARIS_MESSAGE);
    expect(thread.body).toContain(REPLY);
    expect(authors(thread.body)).toEqual(["Kari Nordmann", "Kundeservice"]);
    expect(thread.body).not.toContain("Send melding");
    expect(thread.body).not.toContain('name="text"');
    const english = await ola.go(`${host.base}${planClaim}/meldinger?lang=en`);
    expect(authors(english.body)).toEqual(["Kari Nordmann", "Customer service"]);
    const refused = await ola.request(`${host.base}${planClaim}/meldinger`, {
      form: { csrf: inputValue((await ola.go(`${host.base}/min-side`)).body, "csrf")!, text: "Hei" },
    });
    expect(refused.status).toBe(404);

    expect((await kari.go(`${host.base}/min-side/meldinger`)).body).toContain("(1 ulest)");
    // Her unread reply is hers: Ola's list has no badge his reading could never clear.
    expect((await ola.go(`${host.base}/min-side/meldinger`)).body).not.toContain("ulest");
    const hers = await kari.go(`${host.base}${planClaim}/meldinger`);
    expect(hers.body).toContain("(Ny)");
    expect(authors(hers.body)).toEqual(["Du", "Kundeservice"]);
  });

  it("read: Kari's actions are told in her name, in bokmål and English", async () => {
    const plan = await ola.go(`${host.base}${planClaim}`);
    expect(plan.body).toContain("Kari Nordmann valgte en nedbetalingsplan");
    expect(plan.body).not.toContain("Du valgte en nedbetalingsplan");
    const disputed = await ola.go(`${host.base}${disputedClaim}`);
    expect(disputed.body).toContain("Kari Nordmann har klaget — saken står stille");
    expect(disputed.body).toContain("Kari Nordmann klaget på kravet");
    expect(disputed.body).not.toContain("Du har klaget");
    const english = await ola.go(`${host.base}${disputedClaim}?lang=en`);
    expect(english.body).toContain("Kari Nordmann disputed it — the case is paused");
    expect(english.body).toContain("Kari Nordmann disputed the claim");
    expect(english.body).not.toContain("You disputed");
    expect((await ola.go(`${host.base}${planClaim}?lang=en`)).body).toContain("Kari Nordmann chose an instalment plan");
    // Kari's own page still speaks to her.
    expect((await kari.go(`${host.base}${planClaim}`)).body).toContain("Du valgte en nedbetalingsplan");
  });

  it("Spør oss answers Ola from his own claims, never counting Kari's as his debt", async () => {
    const csrf = inputValue((await ola.go(`${host.base}/min-side/assistent`)).body, "csrf")!;
    const asked = await ola.go(`${host.base}/min-side/assistent`, {
      form: { csrf, sporsmal: "hvor mye skylder jeg?" },
    });
    const answer = /<p role="status">([^<]*)</u.exec(asked.body)?.[1] ?? "";
    expect(answer).toMatch(/^Du skylder /u);
    for (const kariInvoice of ["MS-1001", "NE-2001"]) expect(answer).not.toContain(kariInvoice);
    expect(asked.body).not.toContain(planClaim);
  });

  it("a disputed claim offers no new dispute, deferral or plan — only “Jeg har betalt”", async () => {
    const claim = await kari.go(`${host.base}${disputedClaim}`);
    expect(claim.status).toBe(200);
    expect(claim.body).not.toContain(`${disputedClaim}/innsigelse`);
    expect(claim.body).not.toContain(`${disputedClaim}/utsettelse`);
    expect(claim.body).not.toContain(`${disputedClaim}/nedbetaling`);
    expect(claim.body).toContain(`${disputedClaim}/jeg-har-betalt`);
  });

  it("act: Ola's own message is his, Kari's hers, and his writing leaves her reply unread", async () => {
    await kariGrants("act");
    const page = await ola.go(`${host.base}${planClaim}/meldinger`);
    expect(page.body).toContain("Send melding");
    const sent = await ola.request(`${host.base}${planClaim}/meldinger`, {
      form: { csrf: inputValue(page.body, "csrf")!, text: "Jeg er gjeldsrådgiveren til Kari." },
    });
    expect(sent.status, sent.body).toBe(303);
    const thread = await ola.go(`${host.base}${planClaim}/meldinger`);
    expect(authors(thread.body)).toEqual(["Kari Nordmann", "Kundeservice", "Du"]);
    // Kari has not read the reply yet (her earlier visit read it: a new one comes now).
    const again = await fetch(`${host.base}/api/v1/cases/${planClaim.split("/")[4]!}/messages`, {
      method: "POST",
      headers: { "x-api-key": DEMO_KEY, "content-type": "application/json" },
      body: JSON.stringify({ text: "Takk, vi ser på det." }),
    });
    expect(again.status).toBe(201);
    await ola.go(`${host.base}${planClaim}/meldinger`);
    expect((await kari.go(`${host.base}/min-side/meldinger`)).body).toContain("(1 ulest)");
    const hers = await kari.go(`${host.base}${planClaim}/meldinger`);
    expect(authors(hers.body)).toEqual(["Du", "Kundeservice", "Fullmektigen din", "Kundeservice"]);
  });

  it("a KID + PIN sign-in is told on /min-side/fullmakter that it signed in with KID and PIN", async () => {
    const claim = await kari.go(`${host.base}${planClaim}`);
    const kid = /KID \(for nettbank\)<\/dt><dd class="wide">([0-9]+)</u.exec(claim.body)![1]!;
    const [, , , tenantId, caseId] = planClaim.split("/");
    const reader = new MiniBrowser();
    await reader.go(`${host.base}/min-side/logg-inn/pin`, {
      form: { kid, pin: minSidePin(PIN_SECRET, tenantId!, caseId!) },
    });
    const nb = await reader.request(`${host.base}/min-side/fullmakter`);
    expect(nb.status).toBe(403);
    expect(nb.body).toContain("Du er logget inn med KID og PIN.");
    expect(nb.body).not.toContain("saksnummer");
    const en = await reader.request(`${host.base}/min-side/fullmakter?lang=en`);
    expect(en.body).toContain("You are signed in with a KID and PIN.");
  });
});
