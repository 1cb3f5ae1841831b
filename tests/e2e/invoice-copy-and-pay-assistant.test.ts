/**
 * The creditor's original invoice and the pay page's assistant, through `npm start`'s dev host with its demo claims
 * (issue 15): the demo creditor uploads its PDF of Kari's invoice MS-1001 through the partner API, and Kari downloads
 * exactly those bytes from Min side's claim page, as an attachment that no browser renders as a page of ours; a body
 * that is not a PDF is refused naming what is wrong; Ola (another person) and the other demo creditor get 404. Then
 * Kari pays MS-1001 through its pay link and the Vipps simulator, and the pay page's "Spør oss" answers "har dere fått
 * betalingen min?" with the payment's amount and date — and in nynorsk with `?lang=nn`; no question reaches the log.
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
/** A small but real-looking PDF: what matters is that the debtor gets these very bytes. */
const CREDITORS_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n" +
    "% Demo Kreditor AS, faktura MS-1001\ntrailer <</Root 1 0 R>>\n%%EOF\n",
);

let host: DevHostProcess;
let kari: MiniBrowser;
let ola: MiniBrowser;
/** Kari's claim MS-1001 at the demo creditor: its Min side path and its case id. */
let claimPath: string;
let caseId: string;

function claimLinks(html: string): string[] {
  return [...html.matchAll(/href="(\/min-side\/krav\/[^"?/]+\/[^"?/]+)"/gu)].map((m) => m[1]!);
}

function putDocument(key: string, body: Buffer | string, contentType = "application/pdf"): Promise<Response> {
  return fetch(`${host.base}/api/v1/cases/${caseId}/invoice-document`, {
    method: "PUT",
    headers: { "x-api-key": key, "content-type": contentType },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("invoice-copy-"), { DEVHOST_DEMO_PEOPLE: "true" });
  kari = new MiniBrowser();
  ola = new MiniBrowser();
  const overview = await signInWithLocalBankId(kari, host.base, TEST_PERSONS[0]!.sub);
  expect(overview.status).toBe(200);
  claimPath = claimLinks(overview.body).find((p) => p.includes("/t_devhost_demo/"))!;
  caseId = claimPath.split("/")[4]!;
  await signInWithLocalBankId(ola, host.base, TEST_PERSONS[1]!.sub);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("the creditor's original invoice", () => {
  it("offers the generated copy until the creditor sends its PDF, then the creditor's bytes as an attachment", async () => {
    const before = await kari.go(`${host.base}${claimPath}`);
    expect(before.body).toContain("Kopi av fakturaen (PDF)");
    expect(before.body).not.toContain("Original faktura");

    const uploaded = await putDocument(DEMO_KEY, CREDITORS_PDF);
    expect(uploaded.status).toBe(201);
    expect(await uploaded.json()).toMatchObject({
      caseId,
      contentType: "application/pdf",
      bytes: CREDITORS_PDF.length,
    });
    expect((await putDocument(DEMO_KEY, CREDITORS_PDF)).status).toBe(200); // the same again: nothing changes

    const after = await kari.go(`${host.base}${claimPath}`);
    expect(after.body).toContain(`href="${claimPath}/faktura">Original faktura fra Demo Kreditor AS (PDF)</a>`);
    expect(after.body).not.toContain("Kopi av fakturaen (PDF)");
    const download = await fetch(`${host.base}${claimPath}/faktura`, {
      headers: { cookie: kari.jar.header(host.base) },
      redirect: "manual",
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="faktura-MS-1001.pdf"');
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await download.arrayBuffer()).equals(CREDITORS_PDF)).toBe(true);

    const view = (await (
      await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": DEMO_KEY } })
    ).json()) as { timeline: Array<{ kind: string; title: string }> };
    expect(view.timeline.filter((e) => e.kind === "document").map((e) => e.title)).toEqual([
      "The creditor's PDF of the invoice was received",
    ]);
  });

  it("refuses an upload that is not a PDF, naming what is wrong, and keeps the PDF it has", async () => {
    const page = await putDocument(DEMO_KEY, "<html><script>alert(document.cookie)</script></html>");
    expect(page.status).toBe(422);
    expect(page.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await page.json()) as { detail: string; errors: Array<{ pointer: string; code: string }> };
    expect(problem.detail).toBe("The request body is not a PDF (it does not start with %PDF-).");
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: "", code: "NOT_A_PDF" })]);
    const typed = await putDocument(DEMO_KEY, CREDITORS_PDF, "text/html");
    expect(typed.status).toBe(415);
    expect(((await typed.json()) as { errors: Array<{ pointer: string }> }).errors[0]!.pointer).toBe(
      "#/header/Content-Type",
    );
    const kept = await fetch(`${host.base}/api/v1/cases/${caseId}/invoice-document`, {
      headers: { "x-api-key": DEMO_KEY },
    });
    expect(Buffer.from(await kept.arrayBuffer()).equals(CREDITORS_PDF)).toBe(true);
  });

  it("gives another person and another creditor 404 for the document, as for a missing case", async () => {
    const byOla = await ola.request(`${host.base}${claimPath}/faktura`);
    expect(byOla.status).toBe(404);
    expect(byOla.body).not.toContain("%PDF");
    const missing = await ola.request(`${host.base}${claimPath.replace(caseId, "c_missing")}/faktura`);
    expect(missing.status).toBe(404);
    expect(byOla.body).toBe(missing.body);
    const other = await fetch(`${host.base}/api/v1/cases/${caseId}/invoice-document`, {
      headers: { "x-api-key": SECOND_KEY },
    });
    expect(other.status).toBe(404);
    expect((await putDocument(SECOND_KEY, CREDITORS_PDF)).status).toBe(404);
  });
});

describe("the assistant on the pay page", () => {
  it("answers 'har dere fått betalingen min?' with the payment's amount and date, in bokmål and nynorsk", async () => {
    const digits = (text: string) => /\d[\d\s\u00a0\u202f.]*,\d{2}/u.exec(text)?.[0].replace(/\D/gu, "");
    const reply = (body: string) => /<p role="status">([^<]*)</u.exec(body)?.[1] ?? "";
    const claim = await kari.go(`${host.base}${claimPath}`);
    const owed = digits(/>Betal ([^<]+)<\/button>/u.exec(claim.body)![1]!)!;
    const csrf = inputValue(claim.body, "csrf")!;
    const pay = await kari.request(`${host.base}${claimPath}/betal`, { form: { csrf } });
    const payLink = `${host.base}${pay.headers.get("location")!}`;

    const page = await (await fetch(payLink)).text();
    expect(page).toContain("Spør oss");
    const action = /<form method="post" action="([^"]+)">\s*<div class="field">\s*<label for="sporsmal">/u.exec(
      page,
    )?.[1];
    expect(action).toBe(`${new URL(payLink).pathname}/assistent#sporsmal-tittel`);
    const ask = async (question: string, lang?: string) => {
      const res = await fetch(`${payLink}/assistent${lang ? `?lang=${lang}` : ""}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ sporsmal: question }).toString(),
      });
      return { status: res.status, body: await res.text() };
    };
    const before = await ask("har dere fått betalingen min?");
    expect(before.status).toBe(200);
    expect(reply(before.body)).not.toMatch(/^Ja, vi har mottatt/u);

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

    let answer = "";
    for (let i = 0; i < 60 && !answer.startsWith("Ja, vi har mottatt"); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      answer = reply((await ask("har dere fått betalingen min?")).body);
    }
    expect(answer).toMatch(
      /^Ja, vi har mottatt .* \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2} på faktura MS-1001 fra Demo Kreditor AS\.$/u,
    );
    expect(digits(answer)).toBe(owed);

    const nn = await ask("har de fått betalinga mi?", "nn");
    expect(nn.status).toBe(200);
    expect(nn.body).toContain('<section class="ask" aria-labelledby="sporsmal-tittel" lang="nn">');
    expect(reply(nn.body)).toMatch(/^Ja, vi har motteke .* \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2} .*MS-1001/u);
    expect(digits(reply(nn.body))).toBe(owed);

    for (const question of ["har dere fått betalingen min", "har de fått betalinga mi"])
      expect(host.stdout()).not.toContain(question);
  }, 60_000);
});
