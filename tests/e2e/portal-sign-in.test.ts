/**
 * Staff sign-in for the creditor portal and customer-service console through `npm start`'s dev host (issue 16): the
 * local OpenID Connect provider (standing in for Entra ID) offers test staff users; a creditor viewer sees only the
 * demo creditor and gets the same 404 for the second demo creditor as for one that does not exist; a service agent
 * sees both; no session, a forged cookie and a signed-out session all go to sign-in; the sign-in is in the staff
 * audit log under the provider's subject, with no name in it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInStaff, staffAudit, testStaff } from "../support/portal-http";
import { makeDataDir, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { inputValue, MiniBrowser } from "../support/min-side-browser";

const VIEWER = testStaff("test-staff-viewer");
const AGENT = testStaff("test-staff-agent");

let host: DevHostProcess;

beforeAll(async () => {
  host = await startDevHost(makeDataDir("portal-"));
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("staff sign-in to the portal through the dev host", () => {
  it("signs a creditor viewer in and shows only her own creditor; the other creditor is a 404", async () => {
    const viewer = new MiniBrowser();
    const home = await signInStaff(viewer, host.base, VIEWER.sub);
    expect(home.url).toBe(`${host.base}/portal`);
    expect(home.status).toBe(200);
    expect(home.body).toContain("Demo Kreditor AS");
    expect(home.body).not.toContain("Nordlys Energi AS");
    expect(home.body).toContain(VIEWER.name);

    const own = await viewer.go(`${host.base}/portal/t_devhost_demo/saker`);
    expect(own.status).toBe(200);
    expect(own.body).toContain("Saker: Demo Kreditor AS");

    const other = await viewer.go(`${host.base}/portal/t_devhost_demo_2/saker`);
    const missing = await viewer.go(`${host.base}/portal/t_no_such_tenant/saker`);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body).not.toContain("Nordlys");
    expect(other.body.replaceAll("t_devhost_demo_2", "X")).toBe(missing.body.replaceAll("t_no_such_tenant", "X"));

    // A case: under another tenant, or one that does not exist under her own, is the same 404.
    const otherCase = await viewer.go(`${host.base}/portal/t_devhost_demo_2/saker/c_anything`);
    const missingCase = await viewer.go(`${host.base}/portal/t_devhost_demo/saker/c_no_such_case`);
    expect(otherCase.status).toBe(404);
    expect(missingCase.status).toBe(404);

    const english = await viewer.go(`${host.base}/portal/t_devhost_demo/saker?lang=en`);
    expect(english.body).toContain("Cases: Demo Kreditor AS");
  });

  it("shows a service agent both demo creditors", async () => {
    const agent = new MiniBrowser();
    const home = await signInStaff(agent, host.base, AGENT.sub);
    expect(home.status).toBe(200);
    expect(home.body).toContain("Demo Kreditor AS");
    expect(home.body).toContain("Nordlys Energi AS");
    expect((await agent.go(`${host.base}/portal/t_devhost_demo/saker`)).status).toBe(200);
    expect((await agent.go(`${host.base}/portal/t_devhost_demo_2/saker`)).status).toBe(200);
  });

  it("sends a browser without a session, or with a forged cookie, to sign-in", async () => {
    const nobody = new MiniBrowser();
    const first = await nobody.request(`${host.base}/portal/t_devhost_demo/saker`);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/portal/logg-inn");
    const page = await nobody.go(`${host.base}/portal`);
    expect(page.url).toBe(`${host.base}/portal/logg-inn`);
    expect(page.body).toContain("Logg inn");

    const forger = new MiniBrowser();
    const forged = await fetch(`${host.base}/portal`, {
      redirect: "manual",
      headers: { cookie: `__Host-portal=${"A".repeat(43)}.${"B".repeat(43)}` },
    });
    expect(forged.status).toBe(303);
    expect(forged.headers.get("location")).toBe("/portal/logg-inn");
    expect(forger.jar.get(host.base, "__Host-portal")).toBeUndefined();
  });

  it("ends the session on sign-out: the old cookie no longer opens anything", async () => {
    const viewer = new MiniBrowser();
    const home = await signInStaff(viewer, host.base, VIEWER.sub);
    const csrf = inputValue(home.body, "csrf")!;
    const cookie = viewer.jar.get(host.base, "__Host-portal")!;
    expect(cookie).toBeTruthy();
    const withoutCsrf = await viewer.request(`${host.base}/portal/logg-ut`, { form: { csrf: "wrong" } });
    expect(withoutCsrf.status).toBe(403);
    const out = await viewer.request(`${host.base}/portal/logg-ut`, { form: { csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/portal/logg-inn");
    const replay = await fetch(`${host.base}/portal`, {
      redirect: "manual",
      headers: { cookie: `__Host-portal=${cookie}` },
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toBe("/portal/logg-inn");
  });

  it("records the sign-in in the staff audit log by the provider's subject, with no name", async () => {
    const resources = await staffAudit(host, {
      query: "SELECT * FROM c WHERE c.subject = @s",
      parameters: [{ name: "@s", value: VIEWER.sub }],
    });
    const actions = resources.map((r) => r.action);
    expect(actions).toContain("sign-in");
    expect(actions).toContain("view-cases");
    expect(actions).toContain("sign-out");
    const signIn = resources.find((r) => r.action === "sign-in")!;
    expect(signIn.tenantId).toBe("t_devhost_demo");
    expect(typeof signIn.at).toBe("string");
    expect(JSON.stringify(resources)).not.toContain(VIEWER.name);
    const log = JSON.stringify(host.logs);
    expect(log).not.toContain(VIEWER.name);
  });
});
