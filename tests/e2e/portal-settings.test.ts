/**
 * The creditor's settings in the portal through `npm start`'s dev host (issue 16): the ladder policy editor saves a
 * lawful change through the same use case as `PUT /api/v1/policy` (the API's GET shows it), refuses an unlawful one
 * with the problem named and nothing changed, and its validation endpoint answers the problems per form row; a
 * viewer's forged POST and a wrong CSRF token are 403, another tenant is 404. A webhook created in the portal shows
 * its secret once, its deliveries in the log (a failing one retried by hand reaches the receiver), and a rotated
 * secret; an API key created in the portal works against the API until it is revoked, then the API answers 401.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../shared/domain/calendar";
import type { LadderPolicy } from "../../shared/domain/policy";
import { policyToForm, type PolicyFormValues } from "../../shared/web/portal/policy-form";
import { LOCAL_SETTINGS, signInStaff, staffAudit, testStaff } from "../support/portal-http";
import { makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";
import { inputValue, MiniBrowser } from "../support/min-side-browser";

const DEMO_KEY = LOCAL_SETTINGS.DEVHOST_DEMO_API_KEY!;
const TENANT = "t_devhost_demo";
const EDITOR = testStaff("test-staff-editor");
const VIEWER = testStaff("test-staff-viewer");

let host: DevHostProcess;
let receiver: http.Server;
let receiverBase: string;
let failing = true;
const received: Array<{ path: string; type: string; id: string }> = [];

/** The form values as the browser would post them (unticked boxes left out). */
function formOf(values: PolicyFormValues, csrf: string): Record<string, string> {
  const form: Record<string, string> = { csrf, ...values.fields, stepCount: String(values.steps.length) };
  values.steps.forEach((s, i) => {
    const p = `s${String(i)}_`;
    form[`${p}orig`] = s.orig;
    form[`${p}kind`] = s.kind;
    form[`${p}offsetDays`] = s.offsetDays;
    form[`${p}channels`] = s.channels;
    form[`${p}deadlineDays`] = s.deadlineDays;
    form[`${p}blackoutFrom`] = s.blackoutFrom;
    form[`${p}blackoutTo`] = s.blackoutTo;
    if (s.chargesFee) form[`${p}chargesFee`] = "on";
  });
  return form;
}

/** `formOf` cannot carry repeated names (services): posts a URLSearchParams with them. */
async function postPolicy(browser: MiniBrowser, url: string, values: PolicyFormValues, csrf: string) {
  const params = new URLSearchParams(formOf(values, csrf));
  values.steps.forEach((s, i) => s.services.forEach((v) => params.append(`s${String(i)}_services`, v)));
  const cookie = browser.jar.header(url);
  const response = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { ...(cookie ? { cookie } : {}), "content-type": "application/x-www-form-urlencoded" },
    body: params.toString(),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

async function apiPolicy(): Promise<{ policy: LadderPolicy; isDefault: boolean }> {
  const res = await fetch(`${host.base}/api/v1/policy`, { headers: { "x-api-key": DEMO_KEY } });
  expect(res.status).toBe(200);
  return json(res);
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until)
      throw new Error(
        `Timed out waiting for ${what}; received ${JSON.stringify(received)}; ${JSON.stringify(host.logs.filter((l) => !/portal/u.test(JSON.stringify(l))).slice(-25))}`,
      );
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const event = JSON.parse(body) as { type: string };
      if (req.url === "/fail" && failing) {
        res.writeHead(503).end();
        return;
      }
      received.push({ path: req.url ?? "", type: event.type, id: String(req.headers["webhook-id"]) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverBase = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}`;
  host = await startDevHost(makeDataDir("portal-settings-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const policyUrl = () => `${host.base}/portal/${TENANT}/innstillinger/inndrivingslop`;

describe("the ladder policy editor in the portal", () => {
  it("saves an editor's lawful change through the API's use case: GET /api/v1/policy shows it", async () => {
    const before = await apiPolicy();
    expect(before.isDefault).toBe(true);
    const editor = new MiniBrowser();
    await signInStaff(editor, host.base, EDITOR.sub);
    const pageBefore = await editor.go(policyUrl());
    expect(pageBefore.status).toBe(200);
    expect(pageBefore.body).toContain("standard inndrivingsløp");
    expect(pageBefore.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(pageBefore.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    const csrf = inputValue(pageBefore.body, "csrf")!;

    const values = policyToForm(before.policy, "nb");
    values.fields.senderName = "Demo Ny";
    values.fields.minimumPayLinkAmount = "1 234,50";
    values.fields.minSmsIntervalHours = "48";
    const saved = await postPolicy(editor, policyUrl(), values, csrf);
    expect(saved.status, saved.body).toBe(303);

    const after = await apiPolicy();
    expect(after.isDefault).toBe(false);
    expect(after.policy.senderName).toBe("Demo Ny");
    expect(after.policy.minimumPayLinkAmount).toEqual({ value: 123_450, currency: "NOK" });
    expect(after.policy.minSmsIntervalHours).toBe(48);
    // What the form does not edit is kept.
    expect(after.policy.steps).toEqual(before.policy.steps);
    expect(after.policy.allocationOrder).toEqual(before.policy.allocationOrder);

    const shown = await editor.go(
      saved.headers.get("location")!.startsWith("/")
        ? `${host.base}${saved.headers.get("location")!}`
        : saved.headers.get("location")!,
    );
    expect(shown.body).toContain("Inndrivingsløpet er lagret.");
    expect(shown.body).toContain("eget inndrivingsløp");
    expect(shown.body).toContain('value="1 234,50"');
  });

  it("refuses an unlawful ladder with the problem next to its step, and changes nothing", async () => {
    const before = await apiPolicy();
    const editor = new MiniBrowser();
    const home = await signInStaff(editor, host.base, EDITOR.sub);
    const csrf = inputValue(home.body, "csrf")!;
    const values = policyToForm(before.policy, "nb");
    const reminder = before.policy.steps.findIndex((s) => s.kind === "reminder" && s.chargesFee);
    values.steps[reminder]!.offsetDays = "3";

    const refused = await postPolicy(editor, policyUrl(), values, csrf);
    expect(refused.status).toBe(422);
    expect(refused.body).toContain("Inndrivingsløpet ble ikke lagret");
    expect(refused.body).toContain("Tomt: standard 500,00 kr"); // the smallest instalment that applies when empty
    expect(refused.body).toContain("digital-mailbox (Digital postkasse)"); // channel codes explained in words
    const box = new RegExp(`id="s${String(reminder)}_problems"[^>]*>(.*?)</div>`, "su").exec(refused.body)?.[1] ?? "";
    expect(box).toContain("gebyr er tidligst lov 14 dager etter forfall");
    expect(box).not.toContain("a fee is only allowed");
    expect(box).toContain("Rettslig grunnlag");
    expect(await apiPolicy()).toEqual(before);

    // Kroner that are not kroner: a message naming the field, no change.
    const bad = policyToForm(before.policy, "nb");
    bad.fields.reopenMinimum = "tolv kroner";
    const badAnswer = await postPolicy(editor, policyUrl(), bad, csrf);
    expect(badAnswer.status).toBe(400);
    expect(badAnswer.body).toContain("Gjenåpne når utestående er høyst (kr)</a>: Skriv et beløp i kroner");
    expect(await apiPolicy()).toEqual(before);
  });

  it("answers the live validation with each problem's form row, before anything is saved", async () => {
    const before = await apiPolicy();
    const editor = new MiniBrowser();
    const home = await signInStaff(editor, host.base, EDITOR.sub);
    const csrf = inputValue(home.body, "csrf")!;
    const values = policyToForm(before.policy, "en");
    const notice = before.policy.steps.findIndex((s) => s.kind === "collection-notice");
    values.steps[notice]!.channels = "sms";
    const answer = await postPolicy(editor, `${policyUrl()}/kontroll?lang=en`, values, csrf);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as {
      problems: Array<{ row: number | null; reason: string; legalBasis: string }>;
    };
    expect(body.problems.length).toBeGreaterThan(0);
    expect(body.problems.every((p) => p.row === notice)).toBe(true);
    expect(body.problems[0]!.reason).toContain("must be sent in writing");
    expect(body.problems[0]!.legalBasis).toContain("inkassoloven § 3a");
    const norwegian = await postPolicy(editor, `${policyUrl()}/kontroll`, values, csrf);
    const nb = JSON.parse(norwegian.body) as typeof body;
    expect(nb.problems[0]!.reason).toContain("må sendes skriftlig");
    expect(nb.problems[0]!.legalBasis).toContain("et brev må leveres skriftlig");
    expect(await apiPolicy()).toEqual(before);

    const lawful = await postPolicy(editor, `${policyUrl()}/kontroll`, policyToForm(before.policy, "nb"), csrf);
    expect(JSON.parse(lawful.body)).toEqual({ errors: [], problems: [] });
  });

  it("refuses a viewer's forged POST and a wrong CSRF token with 403, and another tenant with 404", async () => {
    const before = await apiPolicy();
    const values = policyToForm(before.policy, "nb");
    values.fields.senderName = "Forfalsket";

    const viewer = new MiniBrowser();
    const viewerHome = await signInStaff(viewer, host.base, VIEWER.sub);
    const readOnly = await viewer.go(policyUrl());
    expect(readOnly.status).toBe(200);
    expect(readOnly.body).toContain("ikke endre dem");
    expect(readOnly.body).not.toContain("Lagre inndrivingsløpet");
    const forged = await postPolicy(viewer, policyUrl(), values, inputValue(viewerHome.body, "csrf")!);
    expect(forged.status).toBe(403);
    expect(forged.body).toContain("Du kan ikke endre dette");
    const viewerKey = await viewer.request(`${host.base}/portal/${TENANT}/innstillinger/api-nokler`, {
      form: { csrf: inputValue(viewerHome.body, "csrf")!, label: "viewer" },
    });
    expect(viewerKey.status).toBe(403);

    const editor = new MiniBrowser();
    const home = await signInStaff(editor, host.base, EDITOR.sub);
    expect((await postPolicy(editor, policyUrl(), values, "wrong")).status).toBe(403);
    const other = await postPolicy(
      editor,
      `${host.base}/portal/t_devhost_demo_2/innstillinger/inndrivingslop`,
      values,
      inputValue(home.body, "csrf")!,
    );
    expect(other.status).toBe(404);
    expect((await editor.go(`${host.base}/portal/t_devhost_demo_2/innstillinger/webhooks`)).status).toBe(404);
    expect(await apiPolicy()).toEqual(before);
  });
});

describe("webhooks in the portal", () => {
  it("creates a webhook, shows its deliveries, sends a failed one again and rotates its secret", async () => {
    const editor = new MiniBrowser();
    const home = await signInStaff(editor, host.base, EDITOR.sub);
    const csrf = inputValue(home.body, "csrf")!;
    const hooks = `${host.base}/portal/${TENANT}/innstillinger/webhooks`;

    const params = new URLSearchParams({ csrf, url: `${receiverBase}/fail` });
    params.append("events", "case.created");
    const cookie = editor.jar.header(hooks);
    const createdRes = await fetch(hooks, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: params.toString(),
    });
    const created = await createdRes.text();
    expect(createdRes.status, created).toBe(201);
    const secret = /id="new-secret"[^>]*value="(whsec_[^"]+)"/u.exec(created)?.[1];
    expect(secret).toBeTruthy();
    const webhookId = /innstillinger\/webhooks\/(wh_[0-9a-f]{32})/u.exec(created)?.[1];
    expect(webhookId).toBeTruthy();
    // The list never shows the secret again.
    const list = (await editor.go(hooks)).body;
    expect(list).not.toContain(secret!);
    expect(list).toContain("stengingen er trukket tilbake"); // each event type explained in words next to its code

    // A bad URL is named, not a 5xx.
    const bad = await editor.request(hooks, { form: { csrf, url: "ftp://example.no/x", events: "case.created" } });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Adresse: Adressen må bruke https.");

    const now = (await json(await fetch(`${host.base}/api/dev/clock`))).now as string;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo" }).format(new Date(now));
    const invoice = await fetch(`${host.base}/api/v1/invoices`, {
      method: "POST",
      headers: { "x-api-key": DEMO_KEY, "content-type": "application/json" },
      body: JSON.stringify({
        invoiceNumber: "PORTAL-WH-1",
        customer: { customerId: "cust-wh", name: "Per Hansen" },
        amount: { value: 45_000, currency: "NOK" },
        issueDate: addDays(today, -1),
        dueDate: addDays(today, 10),
      }),
    });
    expect(invoice.status, await invoice.clone().text()).toBe(201);

    const detail = `${hooks}/${webhookId!}`;
    const failedPage = await eventually(async () => {
      const p = await editor.go(detail);
      return p.body.includes("503") && p.body.includes("Send på nytt") ? p : undefined;
    }, "the failed delivery in the log");
    expect(failedPage.body).toContain("case.created");
    expect(failedPage.body).toContain("Feilet");
    const deliveryId = inputValue(failedPage.body, "delivery")!;

    failing = false;
    const retried = await editor.request(`${detail}/send-igjen`, { form: { csrf, delivery: deliveryId } });
    expect(retried.status).toBe(303);
    await eventually(async () => received.some((r) => r.path === "/fail" && r.type === "case.created"), "the retry");
    const log = await eventually(async () => {
      const p = await editor.go(detail);
      return p.body.includes("Levert") ? p : undefined;
    }, "the delivered retry in the log");
    expect(log.body).toContain("204");

    const rotated = await editor.request(`${detail}/ny-hemmelighet`, { form: { csrf } });
    expect(rotated.status).toBe(200);
    const newSecret = /id="new-secret"[^>]*value="(whsec_[^"]+)"/u.exec(rotated.body)?.[1];
    expect(newSecret).toBeTruthy();
    expect(newSecret).not.toBe(secret);

    const unconfirmed = await editor.request(`${detail}/slett`, { form: { csrf } });
    expect(unconfirmed.status).toBe(400);
    const deleted = await editor.request(`${detail}/slett`, { form: { csrf, confirm: "yes" } });
    expect(deleted.status).toBe(303);
    expect((await editor.go(hooks)).body).not.toContain(webhookId!);
    const logs = JSON.stringify(host.logs);
    expect(logs).not.toContain(secret!);
    expect(logs).not.toContain(newSecret!);
    expect(logs).not.toContain(receiverBase);
  }, 90_000);
});

describe("API keys in the portal", () => {
  it("creates a key shown once that works against the API, lists its prefix, and revokes it: 401 at once", async () => {
    const editor = new MiniBrowser();
    const home = await signInStaff(editor, host.base, EDITOR.sub);
    const csrf = inputValue(home.body, "csrf")!;
    const keys = `${host.base}/portal/${TENANT}/innstillinger/api-nokler`;

    const noLabel = await editor.request(keys, { form: { csrf, label: "  " } });
    expect(noLabel.status).toBe(400);
    const created = await editor.request(keys, { form: { csrf, label: "Regnskap" } });
    expect(created.status).toBe(201);
    const key = /id="new-key"[^>]*value="(pfu_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43})"/u.exec(created.body)?.[1];
    expect(key).toBeTruthy();
    const keyId = key!.split("_")[2]!;

    const cases = () => fetch(`${host.base}/api/v1/cases`, { headers: { "x-api-key": key! } });
    expect((await cases()).status).toBe(200);

    const list = await editor.go(keys);
    expect(list.body).toContain(`pfu_live_${keyId}…`);
    expect(list.body).toContain("Regnskap");
    // The demo key's record does not say its environment (it is a test key): no "live" is made up for it.
    expect(list.body).toContain(`pfu_…_${DEMO_KEY.split("_")[2]!}…`);
    expect(list.body).not.toContain(key!);

    const revoked = await editor.request(`${keys}/${keyId}/trekk-tilbake`, { form: { csrf, confirm: "yes" } });
    expect(revoked.status).toBe(303);
    expect((await cases()).status).toBe(401);
    expect((await editor.go(keys)).body).toContain("Trukket tilbake");
    // The demo key still works.
    expect((await fetch(`${host.base}/api/v1/cases`, { headers: { "x-api-key": DEMO_KEY } })).status).toBe(200);
    // The key is in no log.
    expect(JSON.stringify(host.logs)).not.toContain(key!);
  });
});

describe("the staff audit log", () => {
  it("holds every settings change under the editor's subject, with its tenant", async () => {
    const resources = await staffAudit(host, {
      query: "SELECT * FROM c WHERE c.subject = @s",
      parameters: [{ name: "@s", value: EDITOR.sub }],
    });
    const actions = new Set(resources.map((r) => r.action));
    for (const action of [
      "policy-saved",
      "policy-refused",
      "webhook-created",
      "webhook-delivery-retried",
      "webhook-secret-rotated",
      "webhook-deleted",
      "api-key-created",
      "api-key-revoked",
    ])
      expect(actions, action).toContain(action);
    expect(resources.filter((r) => r.action === "policy-saved").every((r) => r.tenantId === TENANT)).toBe(true);
    expect(JSON.stringify(resources)).not.toContain(EDITOR.name);
  });
});
