/**
 * Cosmos DB requests per step of one case, through `npm start`'s dev host: intake, reading the case, the Let's pay
 * SMS, the reminder, the collection notice and one payment through the pay link with Vipps. The Cosmos stand-in counts
 * the requests it serves (`GET /api/dev/cosmos`); each step is the difference before → after, taken once the step has
 * settled (`POST /api/dev/clock` with `PT0S` answers when the work the host started is done).
 *
 * The timers are switched off the way Azure does it (`AzureWebJobs.<name>.Disabled`): their sweeps cost the same
 * whatever the number of cases and are not a case's. SMS and e-mail are reported delivered a second after the send. Checks that are not part of a step (reading the case to see its
 * stage while the clock moves) are counted apart and left out. The counts are deterministic, so the bounds are the
 * measured counts: a change that adds a request to a step fails here. The table goes to
 * test-artifacts/store-operations.json (docs/cost-model.md prices it).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, toLocalDate } from "../../shared/domain/calendar";
import { makeDataDir, ROOT, startDevHost, type DevHostProcess } from "../support/devhost-process";
import { json } from "../support/http";

const settings = JSON.parse(fs.readFileSync(path.join(ROOT, "local.settings.example.json"), "utf8")) as {
  Values: Record<string, string>;
};
const API_KEY = settings.Values.DEVHOST_DEMO_API_KEY!;

/** Every timer the app registers, switched off for this run (their sweeps are not a case's). */
const TIMERS = [
  "sweepServiceCommands",
  "relayCaseOutbox",
  "closePrintBatch",
  "healCaseOrchestrations",
  "reconcilePayments",
  "checkInterestRates",
];

interface Counts {
  reads: number;
  queries: number;
  writes: number;
}

interface Step extends Counts {
  step: string;
  total: number;
}

/** Upper bounds per step: the measured counts, so that they cannot creep back. */
const BOUNDS: Record<string, Counts> = {
  // The case + its outbox (1 batch), the pay link (1 write), the outbox relayed (1 batch). The orchestration starts
  // with the first plan the intake made on the case as written: no read.
  intake: { reads: 0, queries: 0, writes: 3 },
  "GET /cases/{id}": { reads: 1, queries: 0, writes: 0 },
  // The orchestration's timer fires and the step is carried out without planning first (it re-plans on the case it
  // reads). Execute: the case read, the debtor's SMS slot read (debtor-contacts, 404 the first time), the debtor's
  // cases listed for the pay link and the SMS (one cross-partition query: query plan + query), the slot taken (1
  // write), the pay link (1 write), the step + its outbox (1 batch), the outbox relayed (1 batch); what comes next is
  // planned on the case as the step wrote it (no read); the SMS's delivery report: the case read (found by the SMS's
  // tag, no index) and written with its outbox (1 batch: `message.delivered`, issue 16's funnel), the outbox relayed
  // (1 write).
  "Let's pay": { reads: 3, queries: 2, writes: 6 },
  // Execute (no planning first): the case read, the debtor's SMS slot read, the debtor's cases listed (query plan +
  // query), the slot taken, the pay link, the step + its outbox + the letter queued in one batch, the e-mail indexed
  // (deliveries) and handed over (the case write, in one batch with the removal of the step's relayed outbox); the SMS
  // alert's report (case read + write with its outbox, by its tag); the e-mail's report (index read, case read, the delivery + its
  // outbox in one batch, the outbox relayed) and planning again, as the letter's delivery moves the ladder on (case
  // read).
  // The SMS alert's report carries `message.delivered` (issue 16): its outbox relayed is one write more.
  reminder: { reads: 6, queries: 2, writes: 9 },
  "collection notice": { reads: 6, queries: 2, writes: 9 },
  // The issue's goal: at most 10 per payment, no query. The pay link and its case read (the pay page's POST), the
  // payment attempt created; the payment event: the attempt and the case read, the payment + its outbox (1 batch),
  // the outbox relayed (1 batch), the attempt written; the orchestration is told the case is closed and ends without
  // reading it; Vipps's CAPTURED event 15 s later reads the attempt and finds it applied.
  payment: { reads: 5, queries: 0, writes: 4 },
};

let host: DevHostProcess;
const steps: Step[] = [];
/** Requests of checks made while a step runs (left out of the step). */
let aside: Counts = { reads: 0, queries: 0, writes: 0 };

/** The KPI projection's own requests (container kpi-buckets, fed by the case-events subscription `kpis`), so far. */
let projection: Counts = { reads: 0, queries: 0, writes: 0 };

/**
 * The case's requests so far. The KPI projection's (issue 16) are left out and kept apart: it is a consumer of the
 * case's events, like the webhook fan-out, with a cost of its own (about one read and two writes per event, plus a read
 * and a write per bucket the event changes), not a step of the case.
 */
async function cosmos(): Promise<Counts> {
  const overview = await json<{
    requests: Counts;
    documents: { containers: Record<string, Record<string, number>> };
  }>(await fetch(`${host.base}/api/dev/cosmos`));
  const c = overview.requests;
  const k = overview.documents.containers["kpi-buckets"] ?? {};
  const n = (key: string) => k[key] ?? 0;
  projection = {
    reads: n("pointReads") + n("notFound"),
    queries: n("queryPlans") + n("queryPages"),
    writes: n("inserted") + n("replaced") + n("deleted") + n("refused"),
  };
  return {
    reads: c.reads - projection.reads,
    queries: c.queries - projection.queries,
    writes: c.writes - projection.writes,
  };
}

const minus = (a: Counts, b: Counts): Counts => ({
  reads: a.reads - b.reads,
  queries: a.queries - b.queries,
  writes: a.writes - b.writes,
});

/** Waits until the work the dev host started has settled (an advance by nothing fires nothing new). */
async function settle(): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/clock`, { method: "POST", body: JSON.stringify({ advance: "PT0S" }) });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

async function advance(duration: string): Promise<void> {
  const res = await fetch(`${host.base}/api/dev/clock`, {
    method: "POST",
    body: JSON.stringify({ advance: duration }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Counts what `work` costs Cosmos, less the checks made aside. */
async function measure(step: string, work: () => Promise<void>): Promise<Step> {
  await settle();
  aside = { reads: 0, queries: 0, writes: 0 };
  const before = await cosmos();
  await work();
  await settle();
  const net = minus(minus(await cosmos(), before), aside);
  const result: Step = { step, ...net, total: net.reads + net.queries + net.writes };
  steps.push(result);
  return result;
}

/** Runs a check whose Cosmos requests are not the step's. */
async function apart<T>(check: () => Promise<T>): Promise<T> {
  const before = await cosmos();
  const value = await check();
  const cost = minus(await cosmos(), before);
  aside = {
    reads: aside.reads + cost.reads,
    queries: aside.queries + cost.queries,
    writes: aside.writes + cost.writes,
  };
  return value;
}
async function getCase(caseId: string): Promise<{ status: string; stage: string; balance: { total: unknown } }> {
  const res = await fetch(`${host.base}/api/v1/cases/${caseId}`, { headers: { "x-api-key": API_KEY } });
  expect(res.status).toBe(200);
  return json(res);
}

/** The newest pay link the SMS and e-mail stand-ins carried that still opens (the first link expires in 30 days). */
async function currentPayLink(fallback: string): Promise<string> {
  const links: string[] = [];
  for (const page of ["sms", "email"]) {
    const text = await (
      await fetch(`${host.base}/api/dev/${page}`, { headers: { accept: "application/json" } })
    ).text();
    links.push(...(text.match(/https?:\/\/[^\s"'<>\\]+\/p\/[A-Za-z0-9_-]{20,64}/gu) ?? []));
  }
  for (const link of [...new Set(links)].reverse()) {
    const res = await fetch(link);
    await res.arrayBuffer();
    if (res.status === 200) return link;
  }
  return fallback;
}

beforeAll(async () => {
  host = await startDevHost(makeDataDir("store-operations-"), {
    ...Object.fromEntries(TIMERS.map((name) => [`AzureWebJobs.${name}.Disabled`, "true"])),
    // Delivery reports a second after the send, as in Azure (seconds), not 5 ms: a report that overtakes the write
    // of its send is retried, which would make the counts depend on timing.
    DEVHOST_DELIVERY_REPORT_DELAY_MS: "1000",
  });
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

describe("Cosmos DB requests per step of one case", () => {
  it("counts each step of one case and keeps them within their bounds", async () => {
    const now = new Date((await json(await fetch(`${host.base}/api/dev/clock`))).now as string);
    const today = toLocalDate(now, "Europe/Oslo");
    let caseId = "";
    let payLink = "";

    // Once before counting: the tenant, its webhooks and the interest rates are then in the instance's caches, as they
    // are for every case but the first each half minute.
    const warmUp = await fetch(`${host.base}/api/v1/invoices`, {
      method: "POST",
      headers: { "x-api-key": API_KEY, "content-type": "application/json" },
      body: JSON.stringify({
        invoiceNumber: "OPS-0",
        customer: {
          customerId: "ops-cust-0",
          name: "Ola Nordmann",
          phone: "+4791234568",
          consent: { sms: true, email: false },
        },
        amount: { value: 10_000, currency: "NOK" },
        issueDate: addDays(today, -11),
        dueDate: addDays(today, 60),
      }),
    });
    expect(warmUp.status, await warmUp.clone().text()).toBe(201);
    await warmUp.arrayBuffer();

    await measure("intake", async () => {
      const res = await fetch(`${host.base}/api/v1/invoices`, {
        method: "POST",
        headers: { "x-api-key": API_KEY, "content-type": "application/json" },
        body: JSON.stringify({
          invoiceNumber: "OPS-1",
          customer: {
            customerId: "ops-cust-1",
            name: "Kari Nordmann",
            phone: "+4791234567",
            email: "kari@example.no",
            address: { lines: ["Storgata 1"], postalCode: "0155", city: "Oslo", country: "NO" },
            consent: { sms: true, email: true },
          },
          amount: { value: 129_900, currency: "NOK" },
          issueDate: addDays(today, -11),
          dueDate: addDays(today, 3),
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      ({ caseId, payLink } = await json<{ caseId: string; payLink: string }>(res));
    });

    await measure("GET /cases/{id}", async () => {
      expect((await getCase(caseId)).status).toBe("open");
    });

    const smsCount = async () =>
      (
        await json<{ count: number }>(
          await fetch(`${host.base}/api/dev/sms`, { headers: { accept: "application/json" } }),
        )
      ).count;
    await measure("Let's pay", async () => {
      await advance("P10D"); // a week after the due date
      await eventually(async () => (await smsCount()) >= 1, "the Let's pay SMS");
    });

    const untilStage = async (stage: string) => {
      for (let day = 0; ; day++) {
        await settle();
        if ((await apart(() => getCase(caseId))).stage === stage) return;
        expect(day, `the ${stage} within 30 days`).toBeLessThan(30);
        await advance("P1D");
      }
    };
    await measure("reminder", () => untilStage("reminder"));
    await measure("collection notice", () => untilStage("collection-notice"));

    // The intake's link has expired by now (30 days): the debtor pays through the newest link sent to them.
    payLink = await currentPayLink(payLink);
    await measure("payment", async () => {
      const logFrom = host.logs.length;
      const pay = await fetch(`${payLink}/pay`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "method=vipps&option=full",
        redirect: "manual",
      });
      await pay.arrayBuffer();
      expect(pay.status).toBe(303);
      const reference = decodeURIComponent(/\/landing\/([^/?#]+)/u.exec(pay.headers.get("location") ?? "")![1]!);
      const approved = await fetch(`${host.base}/api/dev/vipps/payments/${encodeURIComponent(reference)}/approve`, {
        method: "POST",
      });
      expect(approved.status).toBe(200);
      await approved.arrayBuffer();
      await eventually(
        async () =>
          host.logs
            .slice(logFrom)
            .some((l) => String(l.msg).startsWith("payment event handled") && String(l.msg).includes("'applied'")),
        "the payment applied",
      );
      // Vipps's CAPTURED event (after our capture) is applied 15 s later, and finds the payment applied: counted too.
      await advance("PT20S");
      await eventually(
        async () =>
          host.logs
            .slice(logFrom)
            .some(
              (l) => String(l.msg).startsWith("payment event handled") && String(l.msg).includes("'already-applied'"),
            ),
        "the CAPTURED event handled",
      );
      await settle();
      expect((await apart(() => getCase(caseId))).status).toBe("paid");
    });

    const table = steps.map((s) => ({
      step: s.step,
      reads: s.reads,
      queries: s.queries,
      writes: s.writes,
      total: s.total,
    }));
    const total = steps.reduce((sum, s) => sum + s.total, 0);
    console.table(table);
    console.log(`Cosmos DB requests for the case: ${total}`);
    console.log(
      `…and the KPI projection's for its events (kpi-buckets): ${String(projection.reads)} reads, ${String(projection.queries)} queries, ${String(projection.writes)} writes`,
    );
    const folder = path.join(ROOT, "test-artifacts");
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "store-operations.json"), JSON.stringify({ steps, total }, null, 2) + "\n");

    for (const s of steps) {
      const bound = BOUNDS[s.step]!;
      expect({ step: s.step, reads: s.reads, queries: s.queries, writes: s.writes }).toEqual({
        step: s.step,
        reads: Math.min(s.reads, bound.reads),
        queries: Math.min(s.queries, bound.queries),
        writes: Math.min(s.writes, bound.writes),
      });
    }
  }, 600_000);
});
