/**
 * Late interest as maintained data, through the functions as an operator and a creditor use them: a case's interest
 * keeps accruing across 2027-01-01 (the seed table ends 2026-12-31) at the last known rate, marked provisional on
 * GET /cases/{id}; an operator enters the 2027 H1 rate with PUT /api/v1/ops/interest-rates/NO/2027-01-01 and the
 * same GET shows it re-priced; bad input is named; the daily check warns `interest_rate.missing` from 30 days before
 * a half-year without a rate, not earlier.
 */
import { HttpRequest, InvocationContext, type Timer } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { makeCaseFunctions } from "../../../../functions/api/http-cases";
import { makeInvoiceFunctions } from "../../../../functions/api/http-invoices";
import { makeInterestRateOpsFunctions } from "../../../../functions/interest/http-ops-interest-rates";
import { makeCheckInterestRatesFunction } from "../../../../functions/interest/timer-check-interest-rates";
import { read } from "../../http/http-fixtures";
import { OPERATOR_KEY, context, invoiceBody, seedTenant, testWorld, type TestWorld } from "../api/api-fixtures";

const OPS = "http://localhost/api/v1/ops/interest-rates";

async function putRate(
  world: TestWorld,
  params: Record<string, string>,
  body: unknown,
  key: string | null = OPERATOR_KEY,
) {
  const request = new HttpRequest({
    method: "PUT",
    url: `${OPS}/${params["country"] ?? ""}/${params["validFrom"] ?? ""}`,
    headers: { "content-type": "application/json", ...(key === null ? {} : { "x-api-key": key }) },
    body: { string: JSON.stringify(body) },
    params,
  });
  return read(await makeInterestRateOpsFunctions(world.resolve).put(request, context()));
}

async function listRates(world: TestWorld, key: string | null = OPERATOR_KEY) {
  const request = new HttpRequest({ method: "GET", url: OPS, headers: key === null ? {} : { "x-api-key": key } });
  return read(await makeInterestRateOpsFunctions(world.resolve).list(request, context()));
}

/** A case of NOK 10 000 due 2026-12-01, registered on 2026-12-02. */
async function caseDueDecember(world: TestWorld): Promise<{ apiKey: string; caseId: string }> {
  const { apiKey } = await seedTenant(world);
  const body = invoiceBody({
    amount: { value: 10_000_00, currency: "NOK" },
    issueDate: "2026-11-15",
    dueDate: "2026-12-01",
  });
  const request = new HttpRequest({
    method: "POST",
    url: "http://localhost/api/v1/invoices",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: { string: JSON.stringify(body) },
  });
  const created = await read(await makeInvoiceFunctions(world.resolve).registerInvoice(request, context()));
  expect(created.status).toBe(201);
  return { apiKey, caseId: created.json.caseId as string };
}

async function balanceOf(world: TestWorld, apiKey: string, caseId: string) {
  const request = new HttpRequest({
    method: "GET",
    url: `http://localhost/api/v1/cases/${caseId}`,
    headers: { "x-api-key": apiKey },
    params: { caseId },
  });
  const res = await read(await makeCaseFunctions(world.resolve).getCase(request, context()));
  expect(res.status).toBe(200);
  return res.json.balance as {
    interest: { value: number };
    interestAccrual: { annualRatePercent: number | null; provisional: boolean; provisionalFrom: string | null };
  };
}

describe("late interest across the end of the rate table", () => {
  it("keeps accruing after 2026-12-31 at the last known rate, provisional, and is re-priced once the rate is entered", async () => {
    const world = testWorld({ now: "2026-12-02T10:00:00Z" });
    const { apiKey, caseId } = await caseDueDecember(world);

    world.clock.set("2026-12-31T10:00:00Z");
    const december = await balanceOf(world, apiKey, caseId);
    expect(december.interestAccrual).toEqual({ annualRatePercent: 12, provisional: false, provisionalFrom: null });

    world.clock.set("2027-01-31T10:00:00Z");
    const january = await balanceOf(world, apiKey, caseId);
    // 30 days at 12 % in December (9863 øre) + 31 days provisional at 12 % in January
    expect(january.interest.value).toBe(Math.round((10_000_00 * 0.12 * 61) / 365));
    expect(january.interestAccrual).toEqual({
      annualRatePercent: 12,
      provisional: true,
      provisionalFrom: "2027-01-01",
    });

    const put = await putRate(
      world,
      { country: "NO", validFrom: "2027-01-01" },
      {
        rateBasisPoints: 1150,
        policyRateBasisPoints: 350,
        source: "regjeringen.no: forsinkelsesrenten fra 1. januar 2027",
      },
    );
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({
      country: "NO",
      validFrom: "2027-01-01",
      validTo: "2027-06-30",
      rateBasisPoints: 1150,
    });

    const repriced = await balanceOf(world, apiKey, caseId);
    expect(repriced.interestAccrual).toEqual({ annualRatePercent: 11.5, provisional: false, provisionalFrom: null });
    expect(repriced.interest.value).toBe(Math.round((10_000_00 * (0.12 * 30 + 0.115 * 31)) / 365));

    // entering it again replaces it (200)
    const again = await putRate(
      world,
      { country: "NO", validFrom: "2027-01-01" },
      { rateBasisPoints: 1175, source: "corrected" },
    );
    expect(again.status).toBe(200);
    expect((await balanceOf(world, apiKey, caseId)).interestAccrual.annualRatePercent).toBe(11.75);
  });
});

describe("GET and PUT /api/v1/ops/interest-rates", () => {
  it("lists the seed with its sources, the entered rates laid over it, and the half-year that needs a rate", async () => {
    const world = testWorld({ now: "2026-12-05T10:00:00Z" });
    const before = await listRates(world);
    expect(before.status).toBe(200);
    const no = (
      before.json.countries as Array<{ country: string; missing: string[]; rates: Array<{ source: string }> }>
    ).find((c) => c.country === "NO")!;
    expect(no.missing).toEqual(["2027-01-01"]);
    expect(no.rates.at(-1)).toMatchObject({ validFrom: "2026-07-01", rateBasisPoints: 1200, origin: "seed" });
    expect(no.rates.every((r: { source: string }) => r.source.length > 0)).toBe(true);

    await putRate(
      world,
      { country: "NO", validFrom: "2026-07-01" },
      { rateBasisPoints: 1225, source: "regjeringen.no 2026 H2" },
    );
    await putRate(
      world,
      { country: "NO", validFrom: "2027-01-01" },
      { rateBasisPoints: 1200, source: "regjeringen.no 2027 H1" },
    );
    const after = (await listRates(world)).json.countries.find((c: { country: string }) => c.country === "NO");
    expect(after.missing).toEqual([]);
    expect(after.rates.slice(-2)).toMatchObject([
      { validFrom: "2026-07-01", rateBasisPoints: 1225, origin: "operator", source: "regjeringen.no 2026 H2" },
      { validFrom: "2027-01-01", rateBasisPoints: 1200, origin: "operator" },
    ]);
  });

  it("refuses a caller without the operator key (401), before looking at the input", async () => {
    const world = testWorld();
    const ok = { rateBasisPoints: 1200, source: "x" };
    expect((await putRate(world, { country: "NO", validFrom: "2027-01-01" }, ok, null)).status).toBe(401);
    expect((await putRate(world, { country: "NO", validFrom: "2027-01-01" }, ok, "wrong-key-wrong-key")).status).toBe(
      401,
    );
    expect((await listRates(world, null)).status).toBe(401);
    expect(
      (await listRates(world)).json.countries.find((c: { country: string }) => c.country === "NO").rates.at(-1).origin,
    ).toBe("seed");
  });

  it("names the bad field in a problem+json and stores nothing", async () => {
    const world = testWorld();
    const cases: Array<[Record<string, string>, unknown, string]> = [
      [{ country: "NO", validFrom: "2027-02-01" }, { rateBasisPoints: 1200, source: "x" }, "/path/validFrom"],
      [{ country: "FI", validFrom: "2027-01-01" }, { rateBasisPoints: 1200, source: "x" }, "/path/country"],
      [{ country: "NO", validFrom: "2027-01-01" }, { rateBasisPoints: 12.25, source: "x" }, "/rateBasisPoints"],
      [{ country: "NO", validFrom: "2027-01-01" }, { rateBasisPoints: "1200", source: "x" }, "/rateBasisPoints"],
      [{ country: "NO", validFrom: "2027-01-01" }, { rateBasisPoints: 1200, source: "  " }, "/source"],
      [{ country: "NO", validFrom: "2027-01-01" }, { rateBasisPoints: 1200 }, "/source"],
      [
        { country: "NO", validFrom: "2027-01-01" },
        { rateBasisPoints: 1200, policyRateBasisPoints: 350, source: "x" },
        "/rateBasisPoints",
      ],
    ];
    for (const [params, body, pointer] of cases) {
      const res = await putRate(world, params, body);
      expect([400, 422], JSON.stringify({ params, body })).toContain(res.status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(JSON.stringify(res.json.errors), JSON.stringify({ params, body })).toContain(pointer);
    }
    expect(await world.deps.interestRates.list()).toEqual([]);
  });
});

describe("the daily missing-rate check", () => {
  const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: undefined as never };

  async function warningsOn(world: TestWorld, iso: string): Promise<unknown[][]> {
    world.clock.set(iso);
    const logged: unknown[][] = [];
    const ctx = new InvocationContext({
      invocationId: "22222222-3333-4444-8555-666666666666",
      functionName: "checkInterestRates",
      logHandler: (level, ...args) => logged.push([level, ...args]),
    });
    await makeCheckInterestRatesFunction(world.resolve)(timer, ctx);
    return logged.filter(([level]) => level === "warning");
  }

  it("warns interest_rate.missing from 30 days before a half-year without a rate, not earlier, with no personal data", async () => {
    const world = testWorld();
    expect(await warningsOn(world, "2026-12-01T10:00:00Z")).toEqual([]); // 31 days before 2027-01-01 (Oslo)
    const due = await warningsOn(world, "2026-12-02T10:00:00Z"); // 30 days before
    expect(due).toEqual([
      [
        "warning",
        "interest_rate.missing",
        { event: "interest_rate.missing", country: "NO", validFrom: "2027-01-01", daysUntil: 30 },
      ],
    ]);
    // while the half-year runs without a rate it keeps warning
    expect((await warningsOn(world, "2027-01-10T10:00:00Z")).length).toBe(1);
  });

  it("stops once the rate is entered", async () => {
    const world = testWorld();
    await putRate(
      world,
      { country: "NO", validFrom: "2027-01-01" },
      { rateBasisPoints: 1200, source: "regjeringen.no" },
    );
    expect(await warningsOn(world, "2026-12-20T10:00:00Z")).toEqual([]);
    expect(await warningsOn(world, "2027-05-31T10:00:00Z")).toEqual([]);
    // …until the next half-year without a rate comes within 30 days
    const next = await warningsOn(world, "2027-06-01T10:00:00Z");
    expect(next.map((w) => (w[2] as { validFrom: string }).validFrom)).toEqual(["2027-07-01"]);
  });
});
