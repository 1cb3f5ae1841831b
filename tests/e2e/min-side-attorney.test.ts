/**
 * Powers of attorney on Min side through `npm start`'s dev host (issue 15), with the local OpenID Connect provider's
 * test persons: Kari gives Ola read access → Ola sees Kari's claims in their own section with her name and cannot ask
 * for a plan (the same 404 as for a case he may not see); Kari changes it to act → Ola asks for a deferral, and the
 * creditor's API and webhook say an attorney did it; Kari revokes it → Ola sees nothing of hers at once; a grant past
 * its last day on the virtual clock → nothing; Per never sees anything by any route. Bad input is refused at its
 * field, every form needs the session's CSRF token, a case number + PIN sign-in cannot grant, and no national id
 * reaches a URL, the log or a timeline.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
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
const [KARI, OLA, PER] = [TEST_PERSONS[0]!, TEST_PERSONS[1]!, TEST_PERSONS[2]!];

let host: DevHostProcess;
let receiver: http.Server;
const received: Array<{ type: string; data: Record<string, unknown> }> = [];
const kari = new MiniBrowser();
const ola = new MiniBrowser();
const per = new MiniBrowser();
/** Kari's claim at the demo creditor (MS-1001), and its case id. */
let kariClaim: string;
let kariCaseId: string;

const claimLinks = (html: string): string[] =>
  [...html.matchAll(/href="(\/min-side\/krav\/[^"?/]+\/[^"?/]+)"/gu)].map((m) => m[1]!);

async function today(): Promise<string> {
  const now = ((await (await fetch(`${host.base}/api/dev/clock`)).json()) as { now: string }).now;
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo" }).format(new Date(now));
}
const plusDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Kari gives (or changes) Ola's power of attorney; returns the answer (303 when done). */
async function kariGrants(fields: Record<string, string>) {
  const page = await kari.go(`${host.base}/min-side/fullmakter`);
  const csrf = inputValue(page.body, "csrf")!;
  return kari.request(`${host.base}/min-side/fullmakter`, {
    form: { csrf, nationalId: OLA.nationalId, name: "Ola Nordmann", which: "all", ...fields },
  });
}

async function caseTimeline(caseId: string): Promise<Array<{ title: string; details?: Record<string, unknown> }>> {
  const res = await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": DEMO_KEY } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { timeline: Array<{ title: string; details?: Record<string, unknown> }> }).timeline;
}

/** Per, who holds nothing, gets nothing on any route naming Kari's claim (the routes read from the dev host). */
async function perSeesNothing(): Promise<void> {
  const overview = await per.go(`${host.base}/min-side`);
  expect(overview.body).not.toContain("MS-1001");
  expect(claimLinks(overview.body)).toEqual([]);
  const functions = (await (await fetch(`${host.base}/api/dev/functions`)).json()) as Array<{
    bindings: Array<{ type: string; route?: string; methods?: string[] }>;
  }>;
  const routes = functions.flatMap((f) =>
    f.bindings
      .filter((b) => b.type === "httpTrigger" && b.route?.startsWith("min-side/krav/{tenantId}/{caseId}"))
      .flatMap((b) => (b.methods ?? ["GET"]).map((method) => ({ method, route: b.route! }))),
  );
  expect(routes.length).toBeGreaterThanOrEqual(8);
  const csrf = inputValue(overview.body, "csrf")!;
  const [, , , tenantId, caseId] = kariClaim.split("/");
  for (const { method, route } of routes) {
    const url = `${host.base}/${route.replace("{tenantId}", tenantId!).replace("{caseId}", caseId!).replace("{documentId}", "x")}`;
    const answer = await per.request(url, method === "GET" ? {} : { method, form: { csrf } });
    expect(answer.status, `Per: ${method} ${route}`).toBe(404);
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push(JSON.parse(body) as { type: string; data: Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  host = await startDevHost(makeDataDir("min-side-attorney-"), { DEVHOST_DEMO_PEOPLE: "true" });
  const hook = await fetch(`${host.base}/api/v1/webhooks`, {
    method: "POST",
    headers: { "x-api-key": DEMO_KEY, "content-type": "application/json" },
    body: JSON.stringify({
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      events: ["case.debtor_action"],
    }),
  });
  expect(hook.status, await hook.text()).toBe(201);
  const overview = await signInWithLocalBankId(kari, host.base, KARI.sub);
  kariClaim = claimLinks(overview.body).find((p) => p.includes("/t_devhost_demo/"))!;
  kariCaseId = kariClaim.split("/")[4]!;
  await signInWithLocalBankId(ola, host.base, OLA.sub);
  await signInWithLocalBankId(per, host.base, PER.sub);
}, 180_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("powers of attorney on Min side through the dev host", () => {
  it("refuses bad input at its field, a form without the CSRF token, and a case number + PIN sign-in", async () => {
    const page = await kari.go(`${host.base}/min-side/fullmakter`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Gi en ny fullmakt");
    const english = await kari.go(`${host.base}/min-side/fullmakter?lang=en`);
    expect(english.body).toContain('<h1 tabindex="-1">Powers of attorney</h1>');
    expect(english.body).toContain("Give a new power of attorney");
    expect(english.body).toContain("National identity number or D-number");
    const csrf = inputValue(page.body, "csrf")!;
    const bad = await kari.request(`${host.base}/min-side/fullmakter`, {
      form: { csrf, nationalId: "12345678901", name: "", scope: "read", validUntil: "2099-01-01", which: "all" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('href="#nationalId">Skriv et gyldig fødselsnummer');
    expect(bad.body).toMatch(/id="nationalId" name="nationalId"[^>]*aria-invalid="true"/u);
    expect(bad.body).toMatch(/id="name" name="name"[^>]*aria-invalid="true"/u);
    expect(bad.body).toContain("Datoen må være fra i dag og høyst 12 måneder fram.");
    const forged = await kari.request(`${host.base}/min-side/fullmakter`, {
      form: { csrf: "wrong", nationalId: OLA.nationalId, name: "Ola", scope: "act", validUntil: await today() },
    });
    expect(forged.status).toBe(403);
    expect((await kari.go(`${host.base}/min-side/fullmakter`)).body).toContain("Du har ikke gitt noen fullmakter.");

    const claim = await kari.go(`${host.base}${kariClaim}`);
    const kid = /KID \(for nettbank\)<\/dt><dd class="wide">([0-9]+)</u.exec(claim.body)![1]!;
    const [, , , tenantId, caseId] = kariClaim.split("/");
    const reader = new MiniBrowser();
    await reader.go(`${host.base}/min-side/logg-inn/pin`, {
      form: { caseNumber: kid, pin: minSidePin(PIN_SECRET, tenantId!, caseId!) },
    });
    const byPin = await reader.request(`${host.base}/min-side/fullmakter`);
    expect(byPin.status).toBe(403);
    expect(byPin.body).toContain("Fullmakter krever BankID");
  });

  it("read: Ola sees Kari's claims in their own section with her name, and cannot ask for a plan", async () => {
    const granted = await kariGrants({ scope: "read", validUntil: plusDays(await today(), 60) });
    expect(granted.status, granted.body).toBe(303);
    expect(granted.headers.get("location")).toBe("/min-side/fullmakter?utfort=granted");
    expect(granted.headers.get("location")).not.toContain(OLA.nationalId);
    const list = await kari.go(`${host.base}/min-side/fullmakter`);
    expect(list.body).toContain("Ola Nordmann: se,");
    expect(list.body).not.toContain(OLA.nationalId);

    const overview = await ola.go(`${host.base}/min-side`);
    expect(overview.body).toContain("Krav du har fullmakt for");
    expect(overview.body).toContain("Fullmakt fra Kari Nordmann (se)");
    expect(overview.body).toContain("Faktura MS-1001");
    expect(overview.body).toContain("Faktura NE-2001");
    expect(overview.body).toContain("Faktura MS-1002"); // his own
    expect(overview.body).not.toContain(KARI.nationalId);
    expect((await ola.go(`${host.base}/min-side/fullmakter`)).body).toMatch(
      /Fra Kari Nordmann: se, til og med \d{2}\.\d{2}\.\d{4} · alle krav/u,
    );
    const claim = await ola.go(`${host.base}${kariClaim}`);
    expect(claim.status).toBe(200);
    expect(claim.body).toContain("Du har fullmakt til å se dette kravet, ikke til å gjøre noe med det.");
    expect(claim.body).not.toContain(`${kariClaim}/nedbetaling`);
    expect(claim.body).not.toContain(`${kariClaim}/betal`);
    expect((await ola.request(`${host.base}${kariClaim}/faktura`)).status).toBe(200);

    const csrf = inputValue(overview.body, "csrf")!;
    const form = await ola.request(`${host.base}${kariClaim}/nedbetaling`);
    expect(form.status).toBe(404);
    const plan = await ola.request(`${host.base}${kariClaim}/nedbetaling`, { form: { csrf, months: "3" } });
    expect(plan.status).toBe(404);
    expect((await ola.request(`${host.base}${kariClaim}/betal`, { form: { csrf } })).status).toBe(404);
    await perSeesNothing();
  });

  it("act: Ola asks for a deferral on Kari's claim, and the timeline and the webhook say an attorney did it", async () => {
    const changed = await kariGrants({ scope: "act", validUntil: plusDays(await today(), 60) });
    expect(changed.headers.get("location")).toBe("/min-side/fullmakter?utfort=changed");
    const form = await ola.go(`${host.base}${kariClaim}/utsettelse`);
    expect(form.status).toBe(200);
    const done = await ola.request(`${host.base}${kariClaim}/utsettelse`, {
      form: { csrf: inputValue(form.body, "csrf")!, days: "7" },
    });
    expect(done.status, done.body).toBe(303);
    expect(done.headers.get("location")).toBe(`${kariClaim}?bekreftelse=deferral-granted`);

    const timeline = await caseTimeline(kariCaseId);
    const deferral = timeline.find((e) => e.details?.action === "deferral-granted")!;
    const grantRef = (deferral.details!.actor as { grantRef?: string }).grantRef;
    expect(deferral.details!.actor).toMatchObject({
      kind: "debtor-attorney",
      grantRef: expect.stringMatching(/^poa-/u),
    });
    expect(timeline.filter((e) => e.details?.action === "attorney-granted")).toHaveLength(2); // given, then changed
    expect(JSON.stringify(timeline)).not.toContain(OLA.nationalId);
    const kariSees = await kari.go(`${host.base}${kariClaim}`);
    expect(kariSees.body).toContain("(gjort av fullmektig)");

    let hook: { data: Record<string, unknown> } | undefined;
    for (let i = 0; i < 40 && !hook; i++) {
      hook = received.find((e) => e.type === "case.debtor_action" && e.data.action === "deferral-granted");
      if (!hook) await new Promise((r) => setTimeout(r, 250));
    }
    expect(hook?.data.actor).toEqual({ kind: "debtor-attorney", sessionRef: expect.any(String), grantRef });
    expect(JSON.stringify(received)).not.toContain(OLA.nationalId);
    expect(JSON.stringify(received)).not.toContain(KARI.nationalId);
  });

  it("revoked: Ola sees nothing of Kari's at once, and Per cannot revoke for her", async () => {
    const list = await kari.go(`${host.base}/min-side/fullmakter`);
    const grant = inputValue(list.body, "grant")!;
    const perPage = await per.go(`${host.base}/min-side/fullmakter`);
    expect(perPage.body).toContain("Du har ingen krav hos oss å gi fullmakt for.");
    const perCsrf = inputValue((await per.go(`${host.base}/min-side`)).body, "csrf")!;
    expect(
      (await per.request(`${host.base}/min-side/fullmakter/trekk-tilbake`, { form: { csrf: perCsrf, grant } })).status,
    ).toBe(404);
    const revoked = await kari.request(`${host.base}/min-side/fullmakter/trekk-tilbake`, {
      form: { csrf: inputValue(list.body, "csrf")!, grant },
    });
    expect(revoked.headers.get("location")).toBe("/min-side/fullmakter?utfort=revoked");
    expect((await kari.go(`${host.base}/min-side/fullmakter`)).body).toContain("Trukket tilbake");
    const overview = await ola.go(`${host.base}/min-side`);
    expect(overview.body).not.toContain("MS-1001");
    expect(overview.body).not.toContain("Krav du har fullmakt for");
    expect((await ola.request(`${host.base}${kariClaim}`)).status).toBe(404);
    expect((await caseTimeline(kariCaseId)).some((e) => e.details?.action === "attorney-revoked")).toBe(true);
    await perSeesNothing();
  });

  it("expired: a grant past its last day on the virtual clock gives nothing", async () => {
    const day = await today();
    expect((await kariGrants({ scope: "act", validUntil: plusDays(day, 1) })).status).toBe(303);
    expect((await ola.go(`${host.base}/min-side`)).body).toContain("Fullmakt fra Kari Nordmann (se og gjøre ting)");
    await fetch(`${host.base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ advance: "P2D" }) });
    await signInWithLocalBankId(ola, host.base, OLA.sub); // the jump idled his session out
    await signInWithLocalBankId(kari, host.base, KARI.sub);
    const overview = await ola.go(`${host.base}/min-side`);
    expect(overview.status).toBe(200);
    expect(overview.body).not.toContain("MS-1001");
    expect((await ola.request(`${host.base}${kariClaim}`)).status).toBe(404);
    expect((await kari.go(`${host.base}/min-side/fullmakter`)).body).toContain("Utløpt");
  }, 60_000);

  it("never writes a national id to the dev host's log", () => {
    for (const person of TEST_PERSONS) expect(host.stdout()).not.toContain(person.nationalId);
  });
});
