/**
 * A/B experiments on the Let's pay SMS, end to end through `npm start`'s dev host on its virtual clock: the demo
 * creditor PUTs a ladder policy with an experiment (variant A: the ladder's own text at 09:00; variant B: its own text
 * at 17:00), hands over 40 invoices of 40 debtors, and the clock moves to the evening of the Let's pay day. Each
 * case's SMS in the dev host's SMS outbox has its variant's text and hour, and the `case.step_executed` webhooks name
 * the experiment and variant. A second dev host, started fresh, puts the same case ids in the same variants.
 *
 * The demo creditor (`DEVHOST_DEMO_API_KEY`) has a fixed tenant id, so the same invoice numbers give the same case ids
 * in both runs.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toLocalDate } from "../../shared/domain/calendar";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const API_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;
const CREDITOR = "Demo Kreditor AS";
const INVOICES = 40;
/** The dev host starts Monday 2 November 2026; due Wednesday 4 November, so the Let's pay SMS is Wednesday 11th. */
const ISSUED = "2026-10-20";
const DUE = "2026-11-04";
const EVENING = "2026-11-11T17:30:00Z"; // 18:30 in Oslo: both variants' hours have passed
const B_TEXT = "Hei! {creditor} minner om faktura {invoice} på {amount}. Betal på et blunk her: {link}";

interface Sent {
  variant: "A" | "B";
  text: string;
  /** Oslo wall-clock time the SMS reached the outbox, HH:MM. */
  osloTime: string;
}

const receivedBodies: string[] = [];
let receiver: http.Server;
let receiverUrl: string;
const runs: Array<Map<string, Sent>> = [];

function policy(base: Record<string, unknown>) {
  return {
    ...base,
    experiments: [
      {
        id: "lets-pay-evening",
        step: "lets-pay-sms",
        startsOn: "2026-11-02",
        variants: { A: { sendAt: "09:00" }, B: { text: B_TEXT, sendAt: "17:00" } },
      },
    ],
  };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function osloTime(iso: string): string {
  return new Date(iso).toLocaleTimeString("nb-NO", { timeZone: "Europe/Oslo", hour: "2-digit", minute: "2-digit" });
}

/** One whole run on a fresh dev host: the policy, the webhook, 40 invoices, the clock to the Let's pay evening. */
async function run(): Promise<Map<string, Sent>> {
  receivedBodies.length = 0;
  const host: DevHostProcess = await startDevHost(makeDataDir("ab-experiments-"));
  try {
    const api = (method: string, route: string, body?: unknown) =>
      fetch(`${host.base}${route}`, {
        method,
        headers: { "x-api-key": API_KEY, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const current = (await json(await api("GET", "/api/v1/policy"))).policy as Record<string, unknown>;
    // a broken variant first: refused, naming the experiment and the variant
    const broken = policy(current);
    broken.experiments[0]!.variants.B = { text: "Betal nå: {lenke}", sendAt: "17:00" };
    const refused = await api("PUT", "/api/v1/policy", broken);
    expect(refused.status).toBe(422);
    const problem = await json(refused);
    expect(problem.code).toBe("UNLAWFUL_POLICY");
    expect(problem.context.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          experiment: { id: "lets-pay-evening", variant: "B" },
          reason: expect.stringContaining("{lenke} is not a placeholder"),
        }),
      ]),
    );
    const put = await api("PUT", "/api/v1/policy", policy(current));
    expect(put.status, await put.clone().text()).toBe(200);
    expect((await json(put)).policy.experiments[0]).toMatchObject({ id: "lets-pay-evening", split: { A: 50, B: 50 } });

    const hook = await api("POST", "/api/v1/webhooks", { url: receiverUrl, events: ["case.step_executed"] });
    expect(hook.status, await hook.clone().text()).toBe(201);

    const batch = await api("POST", "/api/v1/invoices/batch", {
      invoices: Array.from({ length: INVOICES }, (_, i) => ({
        invoiceNumber: `AB-${1000 + i}`,
        customer: {
          customerId: `ab-cust-${i}`,
          name: "Kari Nordmann",
          phone: `+4792${String(100000 + i)}`,
          consent: { sms: true, email: false },
        },
        amount: { value: 125_000, currency: "NOK" },
        issueDate: ISSUED,
        dueDate: DUE,
      })),
    });
    expect(batch.status).toBe(207); // one status per invoice
    const results = (await json(batch)).results as Array<{ status: number; caseId: string }>;
    expect(results.map((r) => r.status)).toEqual(Array(INVOICES).fill(201));
    const caseIds = results.map((r) => r.caseId);

    const moved = await fetch(`${host.base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ to: EVENING }) });
    expect(moved.status).toBe(200);

    const events = await eventually(() => {
      const executed = receivedBodies
        .map((b) => JSON.parse(b) as { type: string; data: Record<string, unknown> })
        .filter((e) => e.type === "case.step_executed" && e.data["step"] === "lets-pay-sms");
      return Promise.resolve(executed.length >= INVOICES && executed);
    }, "a case.step_executed webhook for every Let's pay SMS");
    const outbox = await eventually(async () => {
      const o = await json(await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }));
      const mine = (o.messages as Array<{ tag?: string; message: string; receivedAt: string }>).filter((m) =>
        caseIds.some((id) => m.tag === `${id}:step:0:lets-pay-sms`),
      );
      return mine.length >= INVOICES && mine;
    }, "every Let's pay SMS in the outbox");
    expect(outbox).toHaveLength(INVOICES); // one each: no case got two

    // one case's timeline names the experiment too
    const one = await json(await api("GET", `/api/v1/cases/${caseIds[0]!}`));
    const entry = (one.timeline as Array<{ kind: string; title: string }>).find((t) => t.kind === "step-executed");
    expect(entry?.title).toMatch(/A\/B test lets-pay-evening: variant [AB]/u);

    const sent = new Map<string, Sent>();
    for (const caseId of caseIds) {
      const event = events.filter((e) => e.data["caseId"] === caseId);
      expect(event, `one step_executed for ${caseId}`).toHaveLength(1);
      const experiment = event[0]!.data["experiment"] as { id: string; variant: "A" | "B" };
      expect(experiment.id).toBe("lets-pay-evening");
      const sms = outbox.find((m) => m.tag === `${caseId}:step:0:lets-pay-sms`)!;
      sent.set(caseId, { variant: experiment.variant, text: sms.message, osloTime: osloTime(sms.receivedAt) });
    }
    expect(toLocalDate(new Date(outbox[0]!.receivedAt), "Europe/Oslo")).toBe("2026-11-11");
    return sent;
  } finally {
    await host.stop();
  }
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      receivedBodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

describe("an A/B experiment on the Let's pay SMS, through the dev host", () => {
  it("sends each case its variant's text at its variant's hour, and the webhook names the variant", async () => {
    const sent = await run();
    runs.push(sent);
    const variants = [...sent.values()].map((s) => s.variant);
    expect(variants).toContain("A");
    expect(variants).toContain("B");
    for (const [caseId, s] of sent) {
      if (s.variant === "A") {
        expect(s.osloTime, caseId).toBe("09:00");
        expect(s.text).toMatch(
          new RegExp(
            `^${CREDITOR}: Faktura AB-\\d{4} på 1 2\\d\\d,\\d\\d kr forfalt 4\\. november 2026\\. Betal enkelt her: http`,
            "u",
          ),
        );
      } else {
        expect(s.osloTime, caseId).toBe("17:00");
        expect(s.text).toMatch(
          new RegExp(
            `^Hei! ${CREDITOR} minner om faktura AB-\\d{4} på 1 2\\d\\d,\\d\\d kr\\. Betal på et blunk her: http\\S+/p/[A-Za-z0-9_-]+$`,
            "u",
          ),
        );
      }
    }
  }, 300_000);

  it("puts the same case ids in the same variants in a second run on a fresh dev host", async () => {
    expect(runs).toHaveLength(1);
    const second = await run();
    const first = runs[0]!;
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [caseId, s] of first) expect(second.get(caseId)?.variant, caseId).toBe(s.variant);
  }, 300_000);
});
