/**
 * Min side through `npm start`'s dev host (issue 15), with its demo claims (DEVHOST_DEMO_PEOPLE): a test person signs
 * in with "BankID" at the local OpenID Connect provider and sees her claims at both demo creditors, opens one, downloads
 * its letter and an invoice copy, and pays through a pay link; another person gets the same 404 as for a missing case
 * on EVERY Min side route that names a case (read from the dev host's function list, so the debtor actions are covered
 * as they are added); forged, idle and signed-out cookies go to sign-in; case number + PIN opens that one case, and
 * wrong PINs are locked out with one answer for a wrong PIN and an unknown case number. The national id never appears
 * in a URL, a cookie or the dev host's log. The assistant ("Spør oss") answers "hvor mye skylder jeg?" with what she
 * owes, and after she pays through the pay link and the Vipps simulator, "har dere fått betalingen min?" with the
 * payment's amount and date; her questions never reach the log.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minSidePin } from "../../shared/application/min-side/pin";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inputValue, MiniBrowser, signInWithLocalBankId } from "../support/min-side-browser";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const PIN_SECRET = settings.Values.MINSIDE_PIN_SECRET!;
const KARI = TEST_PERSONS[0]!;
const OLA = TEST_PERSONS[1]!;

let host: DevHostProcess;
let kari: MiniBrowser;
let ola: MiniBrowser;
/** Kari's claim at the first creditor: its path and its letter's id. */
let claimPath: string;
let letterId: string;

/** The claim paths on an overview page. */
function claimLinks(html: string): string[] {
  return [...html.matchAll(/href="(\/min-side\/krav\/[^"?/]+\/[^"?/]+)"/gu)].map((m) => m[1]!);
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("min-side-"), { DEVHOST_DEMO_PEOPLE: "true" });
  kari = new MiniBrowser();
  ola = new MiniBrowser();
  const overview = await signInWithLocalBankId(kari, host.base, KARI.sub);
  expect(overview.status).toBe(200);
  claimPath = claimLinks(overview.body).find((p) => p.includes("/t_devhost_demo/"))!;
  // The demo invoice is past its reminder day: its letter is archived shortly after the dev host starts.
  for (let i = 0; i < 60; i++) {
    const claim = await kari.go(`${host.base}${claimPath}`);
    letterId = /\/dokumenter\/([^"?]+)"/u.exec(claim.body)?.[1] ?? "";
    if (letterId) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(letterId, "the reminder letter of the demo claim").not.toBe("");
  await signInWithLocalBankId(ola, host.base, OLA.sub);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("Min side through the dev host", () => {
  it("signs a person in with the local BankID provider and shows her claims at both creditors", async () => {
    const overview = await kari.go(`${host.base}/min-side`);
    expect(overview.status).toBe(200);
    expect(overview.body).toContain("Demo Kreditor AS");
    expect(overview.body).toContain("Nordlys Energi AS");
    expect(overview.body).toContain("Faktura MS-1001");
    expect(overview.body).toContain("Faktura NE-2001");
    expect(overview.body).not.toContain("MS-1002"); // Ola's
    expect(overview.body).toMatch(/Neste steg: /u);
    expect(claimLinks(overview.body)).toHaveLength(2);
    const cookie = kari.jar.get(host.base, "__Host-minside")!;
    expect(cookie).not.toContain(KARI.nationalId);
    expect(overview.body).not.toContain(KARI.nationalId);
  });

  it("shows a claim with its balance, timeline and documents, and downloads its letter and an invoice copy", async () => {
    const claim = await kari.go(`${host.base}${claimPath}`);
    expect(claim.status).toBe(200);
    for (const text of ["Hovedstol", "Purregebyr", "Renter", "Å betale i dag", "Hva har skjedd", "Purring sendt"])
      expect(claim.body).toContain(text);
    for (const action of ["utsettelse", "nedbetaling", "innsigelse", "jeg-har-betalt"])
      expect(claim.body).toContain(`${claimPath}/${action}`);
    const letter = await kari.request(`${host.base}${claimPath}/dokumenter/${letterId}`);
    expect(letter.status).toBe(200);
    expect(letter.headers.get("content-type")).toBe("application/pdf");
    expect(letter.headers.get("content-disposition")).toMatch(/^attachment;/u);
    const copy = await kari.request(`${host.base}${claimPath}/faktura`);
    expect(copy.status).toBe(200);
    expect(copy.headers.get("content-type")).toBe("application/pdf");
  });

  it("pays through a pay link: the pay button with the session's CSRF token goes to the pay page", async () => {
    const claim = await kari.go(`${host.base}${claimPath}`);
    const csrf = inputValue(claim.body, "csrf")!;
    const refused = await kari.request(`${host.base}${claimPath}/betal`, { form: { csrf: "wrong" } });
    expect(refused.status).toBe(403);
    const pay = await kari.request(`${host.base}${claimPath}/betal`, { form: { csrf } });
    expect(pay.status).toBe(303);
    expect(pay.headers.get("location")).toMatch(/^\/p\/[A-Za-z0-9_-]{27}$/u);
    const payPage = await kari.go(`${host.base}${pay.headers.get("location")!}`);
    expect(payPage.status).toBe(200);
    expect(payPage.body).toContain("MS-1001");
  });

  it("refuses a case number + PIN form posted from another site (login CSRF), setting no session", async () => {
    const res = await fetch(`${host.base}/min-side/logg-inn/pin`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ kid: "1234 5678 9012 3", pin: "12345678" }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie") ?? "").not.toContain("__Host-minside");
    await res.arrayBuffer();
  });

  it("grants a deferral asked for on Min side: the claim page confirms it and its timeline says so", async () => {
    const overview = await kari.go(`${host.base}/min-side`);
    const other = claimLinks(overview.body).find((p) => p !== claimPath)!;
    const form = await kari.go(`${host.base}${other}/utsettelse`);
    expect(form.status).toBe(200);
    const csrf = inputValue(form.body, "csrf")!;
    const done = await kari.request(`${host.base}${other}/utsettelse`, { form: { csrf, days: "7" } });
    expect(done.status, done.body).toBe(303);
    expect(done.headers.get("location")).toBe(`${other}?bekreftelse=deferral-granted`);
    const claim = await kari.go(`${host.base}${done.headers.get("location")!}`);
    expect(claim.status).toBe(200);
    expect(claim.body).toContain("Du har fått utsettelse.");
    expect(claim.body).toMatch(
      /Du fikk utsettelse til \d{1,2}\. [a-z]+ \d{4}|Du fikk utsettelse til \d{2}\.\d{2}\.\d{4}/u,
    );
    // A made-up confirmation says nothing.
    const plain = await kari.go(`${host.base}${other}?bekreftelse=%3Cb%3Ezqxj`);
    expect(plain.body).not.toContain("zqxj");
    expect(plain.body).not.toContain('class="ok"');
  });

  it("gives another person the same 404 as a missing case on every Min side route that names a case", async () => {
    const functions = (await (await fetch(`${host.base}/api/dev/functions`)).json()) as Array<{
      name: string;
      bindings: Array<{ type: string; route?: string; methods?: string[] }>;
    }>;
    const routes = functions.flatMap((f) =>
      f.bindings
        .filter((b) => b.type === "httpTrigger" && b.route?.startsWith("min-side/krav/{tenantId}/{caseId}"))
        .flatMap((b) => (b.methods ?? ["GET"]).map((method) => ({ method, route: b.route! }))),
    );
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const [, , , tenantId, caseId] = claimPath.split("/");
    const olaCsrf = inputValue((await ola.go(`${host.base}/min-side`)).body, "csrf")!;
    const missing = await ola.request(`${host.base}/min-side/krav/${tenantId}/c_doesnotexist000000000000000`);
    expect(missing.status).toBe(404);
    for (const { method, route } of routes) {
      const url = `${host.base}/${route
        .replace("{tenantId}", tenantId!)
        .replace("{caseId}", caseId!)
        .replace("{documentId}", letterId)}`;
      const answer = await ola.request(url, method === "GET" ? {} : { method, form: { csrf: olaCsrf } });
      expect(answer.status, `${method} ${route}`).toBe(404);
      if (answer.headers.get("content-type")?.startsWith("text/html"))
        expect(answer.body.replace(/csrf" value="[^"]*"/gu, ""), `${method} ${route}`).toBe(
          missing.body.replace(/csrf" value="[^"]*"/gu, ""),
        );
      expect(answer.body).not.toContain("MS-1001");
    }
  });

  it("sends a forged cookie, an idle session and a signed-out one to sign-in, revealing nothing", async () => {
    const forged = new MiniBrowser();
    forged.jar.set(host.base, "__Host-minside", `${"A".repeat(43)}.forged`);
    const answer = await forged.request(`${host.base}${claimPath}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/min-side/logg-inn");
    expect(answer.body).toBe("");

    const leaving = new MiniBrowser();
    await signInWithLocalBankId(leaving, host.base, KARI.sub);
    const csrf = inputValue((await leaving.go(`${host.base}/min-side`)).body, "csrf")!;
    const copied = leaving.jar.get(host.base, "__Host-minside")!;
    const out = await leaving.go(`${host.base}/min-side/logg-ut`, { form: { csrf } });
    expect(out.body).toContain("Du er logget ut.");
    const replay = new MiniBrowser();
    replay.jar.set(host.base, "__Host-minside", copied);
    expect((await replay.request(`${host.base}/min-side`)).status).toBe(303);

    const idle = new MiniBrowser();
    await signInWithLocalBankId(idle, host.base, OLA.sub);
    expect((await idle.request(`${host.base}/min-side`)).status).toBe(200);
    await fetch(`${host.base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ advance: "PT16M" }) });
    const late = await idle.request(`${host.base}/min-side`);
    expect(late.status).toBe(303);
    expect(late.headers.get("location")).toBe("/min-side/logg-inn");
  });

  it("opens one case with the KID and PIN from its letter, and locks out guessing", async () => {
    await signInWithLocalBankId(kari, host.base, KARI.sub); // the idle test moved the clock past her session
    const claim = await kari.go(`${host.base}${claimPath}`);
    const kid = /KID \(for nettbank\)<\/dt><dd class="wide">([0-9]+)</u.exec(claim.body)![1]!;
    const [, , , tenantId, caseId] = claimPath.split("/");
    const pin = minSidePin(PIN_SECRET, tenantId!, caseId!);
    const wrongPin = pin === "11111111" ? "22222222" : "11111111";

    const reader = new MiniBrowser();
    const opened = await reader.go(`${host.base}/min-side/logg-inn/pin`, { form: { kid: kid, pin } });
    expect(opened.status).toBe(200);
    expect(opened.url).toBe(`${host.base}${claimPath}`);
    const overview = await reader.go(`${host.base}/min-side`);
    expect(claimLinks(overview.body)).toEqual([claimPath]);
    const other = claimLinks((await kari.go(`${host.base}/min-side`)).body).find((p) => p !== claimPath)!;
    expect((await reader.request(`${host.base}${other}`)).status).toBe(404);

    const guesser = new MiniBrowser();
    const unknown = await guesser.request(`${host.base}/min-side/logg-inn/pin`, {
      form: { kid: "99999999999", pin },
    });
    const wrong = await guesser.request(`${host.base}/min-side/logg-inn/pin`, {
      form: { kid: kid, pin: wrongPin },
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const message = (body: string) => /role="alert"><p>([^<]*)</u.exec(body)?.[1];
    expect(message(unknown.body)).toBe(message(wrong.body));
    for (let i = 0; i < 5; i++)
      await guesser.request(`${host.base}/min-side/logg-inn/pin`, { form: { kid: kid, pin: wrongPin } });
    const locked = await guesser.request(`${host.base}/min-side/logg-inn/pin`, { form: { kid: kid, pin } });
    expect(locked.status).toBe(429);
    expect(locked.body).toContain("For mange forsøk");
  });

  it("answers the assistant's questions from her own claims: what she owes, then the payment's amount and date", async () => {
    const digits = (text: string) => /\d[\d\s\u00a0\u202f.]*,\d{2}/u.exec(text)?.[0].replace(/\D/gu, "");
    const reply = (body: string) => /<p role="status">([^<]*)</u.exec(body)?.[1] ?? "";
    const overview = await kari.go(`${host.base}/min-side`);
    expect(overview.body).toContain('href="/min-side/assistent"');
    const claim = await kari.go(`${host.base}${claimPath}`);
    expect(claim.body).toContain('href="/min-side/assistent"');
    const owed = digits(/>Betal ([^<]+)<\/button>/u.exec(claim.body)![1]!)!;

    const visitor = await new MiniBrowser().request(`${host.base}/min-side/assistent`);
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/min-side/logg-inn");
    const form = await kari.go(`${host.base}/min-side/assistent`);
    expect(form.status).toBe(200);
    const csrf = inputValue(form.body, "csrf")!;
    const ask = (sporsmal: string) => kari.go(`${host.base}/min-side/assistent`, { form: { csrf, sporsmal } });
    expect((await kari.request(`${host.base}/min-side/assistent`, { form: { sporsmal: "hei" } })).status).toBe(403);
    const balance = await ask("hvor mye skylder jeg?");
    expect(balance.status).toBe(200);
    expect(reply(balance.body)).toMatch(/^Du skylder .* på faktura MS-1001 fra Demo Kreditor AS/u);
    expect(reply(balance.body).replace(/\D/gu, "")).toContain(owed);

    // Pay MS-1001 in full through the pay link and the Vipps simulator.
    const pay = await kari.request(`${host.base}${claimPath}/betal`, { form: { csrf } });
    const payLink = `${host.base}${pay.headers.get("location")!}`;
    const started = await fetch(`${payLink}/pay`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "method=vipps&option=full",
      redirect: "manual",
    });
    expect(started.status).toBe(303);
    const reference = decodeURIComponent(/\/landing\/([^/?#]+)/u.exec(started.headers.get("location") ?? "")![1]!);
    const approved = await fetch(`${host.base}/api/dev/vipps/payments/${encodeURIComponent(reference)}/approve`, {
      method: "POST",
    });
    expect(approved.status).toBe(200);

    const question = "har dere fått betalingen min?";
    let answer = "";
    for (let i = 0; i < 60 && !answer.startsWith("Ja, vi har mottatt"); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      answer = reply((await ask(question)).body);
    }
    expect(answer).toMatch(
      /^Ja, vi har mottatt .* \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2} på faktura MS-1001 fra Demo Kreditor AS\.$/u,
    );
    expect(digits(answer)).toBe(owed);
    // The same question answered in nynorsk when the form's "Svar på" says so (the page itself stays bokmål).
    const nynorsk = await kari.go(`${host.base}/min-side/assistent`, {
      form: { csrf, sporsmal: "har de fått betalinga mi?", svarsprak: "nn" },
    });
    const nnAnswer = /<p role="status" lang="nn">([^<]*)</u.exec(nynorsk.body)?.[1] ?? "";
    expect(nnAnswer).toMatch(/^Ja, vi har motteke .* \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2} på faktura MS-1001/u);
    expect(digits(nnAnswer)).toBe(owed);
    expect(nynorsk.body).toMatch(/<input type="radio" id="svarsprak-nn" name="svarsprak" value="nn" checked>/u);
    expect(host.stdout()).not.toContain(question);
    expect(host.stdout()).not.toContain("hvor mye skylder jeg");
  }, 60_000);

  it("never writes a national id to the dev host's log", () => {
    for (const person of TEST_PERSONS) expect(host.stdout()).not.toContain(person.nationalId);
  });
});
