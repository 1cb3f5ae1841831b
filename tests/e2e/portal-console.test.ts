/**
 * The customer-service console and the creditor's case list through `npm start`'s dev host (issue 16, part 3): a
 * service agent finds a debtor by KID, by phone (any format) and by national id — masked on the page, absent from
 * every log line — and sees that person's cases at two creditors, each linked to its case page; a debtor's message
 * on Min side is in the agent's inbox until customer service answers; a creditor user gets 404 for the console;
 * strings built to break a query find nothing; the case list searches by name and phone, filters, sorts, and its CSV
 * export is exactly what Norwegian Excel expects for a known set of cases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PERSONS } from "../../devhost/oidc/test-persons";
import { LOCAL_SETTINGS, signInStaff, staffAudit } from "../support/portal-http";
import { makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inputValue, MiniBrowser, signInWithLocalBankId, type Visit } from "../support/min-side-browser";

const OPERATOR_KEY = LOCAL_SETTINGS.OPERATOR_API_KEY!;
const DEMO_KEY = LOCAL_SETTINGS.DEVHOST_DEMO_API_KEY!;
const KARI = TEST_PERSONS.find((p) => p.sub === "test-person-kari")!;
/** The dev host's virtual today (CLOCK_START, 2 November 2026). */
const TODAY = "2026-11-02";
const INJECTIONS = [
  "' OR 1=1 --",
  '" OR c.tenantId != "" --',
  "\\'; DROP TABLE cases; --",
  "x".repeat(500),
  "SELECT * FROM c WHERE 1=1",
  "😀 ÆØÅ ' \" \\ %00 <script>",
];

let host: DevHostProcess;
let agent: MiniBrowser;
let viewer: MiniBrowser;
let tenantId: string;
const kids: Record<string, string> = {};
const caseIds: Record<string, string> = {};

const day = (n: number): string =>
  new Date(Date.parse(`${TODAY}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function invoice(
  key: string,
  number: string,
  customer: { customerId: string; name: string; phone?: string },
  amount: number,
  due: string,
): Promise<void> {
  const response = await fetch(`${host.base}/api/v1/invoices`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json", "idempotency-key": `console-${number}` },
    body: JSON.stringify({
      invoiceNumber: number,
      customer: {
        ...customer,
        address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
        consent: { sms: false, email: false },
      },
      amount: { value: amount, currency: "NOK" },
      issueDate: day(-10),
      dueDate: due,
    }),
  });
  expect(response.status, number).toBe(201);
  const body = (await response.json()) as { caseId: string; kid: string };
  kids[number] = body.kid;
  caseIds[number] = body.caseId;
}

/** The console's search: a POST with the form's CSRF token (the string is never in a URL). */
async function consoleSearch(q: string): Promise<Visit> {
  const form = await agent.go(`${host.base}/portal/kundeservice`);
  expect(form.status).toBe(200);
  return agent.go(`${host.base}/portal/kundeservice`, { form: { csrf: inputValue(form.body, "csrf")!, q } });
}

function listed(html: string): string[] {
  return [...html.matchAll(/<td data-label="(?:Faktura|Invoice)"><a href="[^"]+">([^<]+)<\/a>/gu)].map((m) => m[1]!);
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("portal-console-"), { DEVHOST_DEMO_PEOPLE: "true" });
  const onboarded = await fetch(`${host.base}/api/v1/tenants`, {
    method: "POST",
    headers: { "x-api-key": OPERATOR_KEY, "content-type": "application/json" },
    body: JSON.stringify({ name: "Konsoll Test AS", senderName: "KonsollTest", orgNumber: "998447356", country: "NO" }),
  });
  expect(onboarded.status).toBe(201);
  const created = (await onboarded.json()) as { tenantId: string; apiKey: string };
  tenantId = created.tenantId;
  await invoice(
    created.apiKey,
    "X-1",
    { customerId: "k-1", name: "Sigrid Ødegård", phone: "+4741234567" },
    129_900,
    day(10),
  );
  await invoice(created.apiKey, "X-2", { customerId: "k-2", name: "=SUM(A1:A2)" }, 5_050, day(5));
  await invoice(created.apiKey, "X-3", { customerId: "k-3", name: 'Per; "Pelle" Hansen' }, 100_000, day(20));
  await invoice(DEMO_KEY, "D-77", { customerId: "d-9", name: "Sigrid Ødegård", phone: "412 34 567" }, 20_000, day(15));
  agent = new MiniBrowser();
  expect((await signInStaff(agent, host.base, "test-staff-agent")).status).toBe(200);
  viewer = new MiniBrowser();
  expect((await signInStaff(viewer, host.base, "test-staff-viewer")).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await host?.stop();
});

describe("the customer-service console through the dev host", () => {
  it("finds a debtor by KID and shows her cases at both creditors, each linked to its case page", async () => {
    const found = await consoleSearch(kids["X-1"]!);
    expect(found.status).toBe(200);
    expect(found.body).toContain("Sigrid Ødegård");
    expect(listed(found.body).sort()).toEqual(["D-77", "X-1"]);
    expect(found.body).toContain("Konsoll Test AS");
    expect(found.body).toContain("Demo Kreditor AS");
    expect(found.body).toContain(`href="/portal/${tenantId}/saker/${caseIds["X-1"]}"`);
    expect(found.body).toContain(`href="/portal/t_devhost_demo/saker/${caseIds["D-77"]}"`);
  });

  it("finds her by phone however it is written", async () => {
    for (const phone of ["+47 412 34 567", "41234567", "0047 41 23 45 67"]) {
      const found = await consoleSearch(phone);
      expect(listed(found.body).sort(), phone).toEqual(["D-77", "X-1"]);
      // the search text stays in the field (it was POSTed, never in a URL) and the phone is shown grouped
      expect(inputValue(found.body, "q"), phone).toBe(phone);
      expect(found.body).toContain("<dd>+47 412 34 567</dd>");
    }
  });

  it("finds a person by national id, shows it masked, and never logs it", async () => {
    const found = await consoleSearch(KARI.nationalId);
    expect(found.status).toBe(200);
    expect(found.body).toContain("Kari Nordmann");
    expect(found.body).toContain(`${KARI.nationalId.slice(0, 6)} *****`);
    expect(found.body).not.toContain(KARI.nationalId);
    expect(inputValue(found.body, "q") ?? "").toBe("");
    expect(listed(found.body).sort()).toEqual(["MS-1001", "NE-2001"]);
    expect(found.body).toContain("Nordlys Energi AS");
    expect(JSON.stringify(host.logs)).not.toContain(KARI.nationalId);
    expect(host.stdout()).not.toContain(KARI.nationalId);
  });

  it("finds a person by name, case- and diacritics-insensitively", async () => {
    expect(listed((await consoleSearch("SIGRID odeg")).body).sort()).toEqual(["D-77", "X-1"]);
  });

  it("answers strings built to break the query with a plain 'no results'", async () => {
    for (const q of INJECTIONS) {
      const found = await consoleSearch(q);
      expect(found.status, q).toBe(200);
      expect(found.body, q).toContain("Ingen treff.");
      expect(listed(found.body), q).toEqual([]);
    }
  });

  it("is a 404 for a creditor's own staff, the inbox too", async () => {
    const page = await viewer.go(`${host.base}/portal/kundeservice`);
    expect(page.status).toBe(404);
    expect(page.body).not.toContain("Fødselsnummer");
    const home = await viewer.go(`${host.base}/portal`);
    const posted = await viewer.go(`${host.base}/portal/kundeservice`, {
      form: { csrf: inputValue(home.body, "csrf")!, q: kids["X-1"]! },
    });
    expect(posted.status).toBe(404);
    expect(posted.body).not.toContain("Sigrid");
    expect((await viewer.go(`${host.base}/portal/kundeservice/innboks`)).status).toBe(404);
  });

  it("lists a debtor's message in the inbox until customer service answers it", async () => {
    const kari = new MiniBrowser();
    const overview = await signInWithLocalBankId(kari, host.base, KARI.sub);
    const claimPath = [...overview.body.matchAll(/href="(\/min-side\/krav\/t_devhost_demo\/[^"?/]+)"/gu)][0]![1]!;
    const caseId = claimPath.split("/")[4]!;
    const thread = await kari.go(`${host.base}${claimPath}/meldinger`);
    const sent = await kari.go(`${host.base}${claimPath}/meldinger`, {
      form: { csrf: inputValue(thread.body, "csrf")!, text: "Kan jeg betale neste uke?" },
    });
    expect(sent.status).toBe(200);

    const inbox = await agent.go(`${host.base}/portal/kundeservice/innboks`);
    expect(inbox.status).toBe(200);
    expect(inbox.body).toContain("Melding fra skyldner");
    expect(inbox.body).toContain(`href="/portal/t_devhost_demo/saker/${caseId}"`);
    expect(inbox.body).not.toContain("Kan jeg betale neste uke?");

    const reply = await fetch(`${host.base}/api/v1/cases/${caseId}/messages`, {
      method: "POST",
      headers: { "x-api-key": DEMO_KEY, "content-type": "application/json", "idempotency-key": "console-reply-1" },
      body: JSON.stringify({ text: "Det går fint." }),
    });
    expect(reply.status).toBe(201);
    const after = await agent.go(`${host.base}/portal/kundeservice/innboks`);
    expect(after.body).not.toContain(`href="/portal/t_devhost_demo/saker/${caseId}"`);
  });
});

describe("the creditor's case list through the dev host", () => {
  const list = (query: string) => agent.go(`${host.base}/portal/${tenantId}/saker?${query}`);

  it("searches by name and phone, filters by due date, and sorts by amount owed", async () => {
    expect(listed((await list("q=sigrid")).body)).toEqual(["X-1"]);
    expect(listed((await list("q=%C3%B8deg%C3%A5rd")).body)).toEqual(["X-1"]);
    expect(listed((await list(`q=${encodeURIComponent("+47 412 34 567")}`)).body)).toEqual(["X-1"]);
    expect(listed((await list("")).body)).toEqual(["X-2", "X-1", "X-3"]);
    expect(listed((await list("sort=owed&dir=desc")).body)).toEqual(["X-1", "X-3", "X-2"]);
    expect(listed((await list(`dueFrom=${day(6)}&dueTo=${day(15)}`)).body)).toEqual(["X-1"]);
    expect(listed((await list("stage=reminder")).body)).toEqual([]);
    const bad = await list("dueFrom=2026-13-45");
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("«Forfall fra» må være en dato");
  });

  it("answers strings built to break the query with no cases, and never another creditor's", async () => {
    for (const q of INJECTIONS) {
      const page = await viewer.go(`${host.base}/portal/t_devhost_demo/saker?q=${encodeURIComponent(q)}`);
      expect(page.status, q).toBe(200);
      expect(listed(page.body), q).toEqual([]);
    }
    const own = await viewer.go(`${host.base}/portal/t_devhost_demo/saker?q=sigrid`);
    expect(listed(own.body)).toEqual(["D-77"]);
    expect((await viewer.go(`${host.base}/portal/${tenantId}/saker.csv`)).status).toBe(404);
  });

  it("exports the filtered cases as CSV for Norwegian Excel, exactly, and audits the export", async () => {
    const csv = await agent.request(`${host.base}/portal/${tenantId}/saker.csv?sort=due`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="saker-${tenantId}-${TODAY}.csv"`);
    const bytes = new Uint8Array(
      await (
        await fetch(`${host.base}/portal/${tenantId}/saker.csv?sort=due`, {
          headers: { cookie: `__Host-portal=${agent.jar.get(host.base, "__Host-portal")!}` },
        })
      ).arrayBuffer(),
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.body).toBe(
      [
        "Fakturanummer;KID;Kundenummer;Navn;Status;Steg;Forfallsdato;Skyldig (kr);Sist endret",
        `X-2;="${kids["X-2"]}";k-2;'=SUM(A1:A2);Åpen;Fakturert;${day(5)};50,50;${TODAY}`,
        `X-1;="${kids["X-1"]}";k-1;Sigrid Ødegård;Åpen;Fakturert;${day(10)};1299,00;${TODAY}`,
        `X-3;="${kids["X-3"]}";k-3;"Per; ""Pelle"" Hansen";Åpen;Fakturert;${day(20)};1000,00;${TODAY}`,
        "",
      ].join("\r\n"),
    );
    const filtered = await agent.request(`${host.base}/portal/${tenantId}/saker.csv?q=sigrid`);
    expect(filtered.body.split("\r\n").filter(Boolean)).toHaveLength(2);

    const resources = await staffAudit(host, {
      query: "SELECT * FROM c WHERE c.action = @a AND c.tenantId = @t",
      parameters: [
        { name: "@a", value: "export-cases" },
        { name: "@t", value: tenantId },
      ],
    });
    expect(resources.length).toBeGreaterThanOrEqual(2);
    expect(resources[0]!.subject).toBe("test-staff-agent");
    const searches = await staffAudit(host, "SELECT * FROM c WHERE c.action = 'console-search'");
    expect(searches.length).toBeGreaterThan(0);
    expect(JSON.stringify(searches)).not.toContain(KARI.nationalId);
  });
});
