import { describe, expect, it } from "vitest";
import { letterCaseNumber, letterForStep } from "../../../../shared/application/letters/letter-for-step";
import { balanceOn, interestThrough } from "../../../../shared/domain/case";
import { money, type Money } from "../../../../shared/domain/money";
import type { PlannedAction } from "../../../../shared/domain/planner";
import { ruleSetFor } from "../../../../shared/domain/rules";
import { parseLetterModel } from "../../../../shared/letters";
import { letterStatements } from "../../../../shared/letters/letter-text";
import type { CaseRecord } from "../../../../shared/ports/case-store";
import { CUSTOMER, LETTERHEAD, caseRecord, tenant } from "../case-ladder-fixtures";

const nok = (value: number): Money => money(value, "NOK");
const PAY_LINK = "https://pay.example.no/p/Xy7Qk2";
const RULES = ruleSetFor("NO", "2026-11-23");

/** A reminder on 2026-11-23 for the fixture's NOK 1 250, adding a NOK 35 fee. */
function reminder(overrides: Partial<PlannedAction> = {}): PlannedAction {
  return {
    kind: "reminder",
    stepIndex: 1,
    at: new Date("2026-11-23T08:00:00.000Z"),
    on: "2026-11-23",
    channels: ["letter"],
    amounts: {
      principal: nok(1250_00),
      fees: nok(0),
      interest: nok(0),
      total: nok(1250_00),
      feeToAdd: nok(35_00),
      totalWithFee: nok(1285_00),
      credit: nok(0),
      interestRatesMissingFrom: null,
      interestProvisional: null,
    },
    fee: { amount: nok(35_00), legalBasis: "inkassoforskriften § 1-2: a fee for a written reminder" },
    legalBasis: "inkassoforskriften § 1-2",
    deadline: "2026-12-07",
    ...overrides,
  };
}

function build(record: CaseRecord = caseRecord("INV-1001", "2026-11-08"), action: PlannedAction = reminder()) {
  return parseLetterModel(
    letterForStep({ record, tenant: tenant(), action, rules: RULES, letterhead: LETTERHEAD, payLink: PAY_LINK }),
  );
}

describe("the letter a ladder step sends", () => {
  it("is a reminder the letter model accepts, from the letterhead to the debtor, with the KID, the pay link and the step's fee", () => {
    const record = caseRecord("INV-1001", "2026-11-08");
    const model = build(record);
    expect(model).toMatchObject({
      kind: "reminder",
      language: "nb",
      sentDate: "2026-11-23",
      deadline: "2026-12-07",
      creditor: { name: "Fjordkraft Demo AS", orgNumber: "923609016", ...LETTERHEAD },
      debtor: { name: "Kari Nordmann", address: { lines: ["Storgata 1"], postalCode: "0150", city: "Oslo" } },
      claim: {
        invoiceNumber: "INV-1001",
        caseReference: letterCaseNumber(record.kid),
        dueDate: "2026-11-08",
        lines: [{ description: "Strøm for oktober 2026", amount: nok(1250_00) }],
      },
      payment: { account: LETTERHEAD.accountNumber, kid: record.kid, payLink: PAY_LINK },
    });
    expect(model.debtor.address!.country).toBeUndefined(); // a domestic address prints no country
    expect(model.amounts.fees).toEqual([
      { kind: "reminder-fee", amount: nok(35_00), legalBasis: "inkassoforskriften § 1-2" },
    ]);
    expect(model.amounts.interest).toBeNull();
    expect(model.amounts.totalDue).toEqual(nok(1285_00));
  });

  it("prints the country of an address abroad and clips lines too long for the envelope window", () => {
    const long = "Kungsgatan 1, lägenhet 1203, trappuppgång B, våning 12, port vid gården";
    const record = caseRecord("INV-1002", "2026-11-08", {
      ...CUSTOMER,
      address: { lines: [long], postalCode: "111 43", city: "Stockholm", country: "Sverige" },
    });
    const address = build(record).debtor.address!;
    expect(address.country).toBe("Sverige");
    expect(address.lines[0]).toHaveLength(60);
    expect(address.lines[0]?.endsWith("…")).toBe(true);
  });

  it("lists each fee earlier letters charged when they are what is outstanding, and one line of outstanding fees otherwise", () => {
    const base = caseRecord("INV-1003", "2026-11-08");
    const earlier = {
      type: "fee" as const,
      on: "2026-11-23",
      feeKind: "reminder" as const,
      amount: nok(35_00),
      stepIndex: 1,
      legalBasis: "inkassoforskriften § 1-2; sent by letter",
    };
    const record: CaseRecord = { ...base, case: { ...base.case, ledger: [...base.case.ledger, earlier] } };
    const amounts = {
      ...reminder().amounts,
      fees: nok(35_00),
      total: nok(1285_00),
      feeToAdd: nok(35_00),
      totalWithFee: nok(1320_00),
    };
    const notice = reminder({
      kind: "collection-notice",
      stepIndex: 4,
      on: "2026-12-08",
      deadline: "2026-12-22",
      amounts,
      fee: { amount: nok(35_00), legalBasis: "inkassoforskriften § 1-2" },
    });
    expect(build(record, notice).amounts.fees).toEqual([
      { kind: "reminder-fee", amount: nok(35_00), legalBasis: "inkassoforskriften § 1-2", chargedOn: "2026-11-23" },
      { kind: "collection-notice-fee", amount: nok(35_00), legalBasis: "inkassoforskriften § 1-2" },
    ]);

    const partlyPaid = { ...amounts, fees: nok(20_00), total: nok(1270_00), totalWithFee: nok(1305_00) };
    expect(build(record, { ...notice, amounts: partlyPaid }).amounts.fees[0]).toEqual({
      kind: "other",
      label: "Gjenstående gebyrer",
      amount: nok(20_00),
      legalBasis: "tidligere brev",
    });
  });

  it("states the late interest from the day after the due date to the letter's day, at the rate then in force", () => {
    const amounts = { ...reminder().amounts, interest: nok(4_93), total: nok(1254_93), totalWithFee: nok(1289_93) };
    expect(build(undefined, reminder({ amounts })).amounts.interest).toMatchObject({
      amount: nok(4_93),
      annualRatePercent: 12,
      fromDate: "2026-11-09",
      toDate: "2026-11-23",
    });
  });

  it("names the services and the earliest disconnection day, the day after the deadline, in a suspension notice", () => {
    const base = caseRecord("INV-1004", "2026-11-08");
    const record: CaseRecord = {
      ...base,
      case: {
        ...base.case,
        services: [{ serviceId: "meter-77", kind: "power-meter", state: "active", blockers: [], lastCommand: null }],
      },
    };
    const notice = reminder({
      kind: "suspension-notice",
      stepIndex: 2,
      fee: undefined,
      serviceIds: ["meter-77"],
      deadline: "2026-12-21",
    });
    const model = build(record, {
      ...notice,
      amounts: { ...notice.amounts, feeToAdd: nok(0), totalWithFee: nok(1250_00) },
    });
    expect(model.kind).toBe("suspension-notice");
    if (model.kind !== "suspension-notice") return;
    expect(model.suspension).toEqual({
      service: "power-meter",
      serviceDescription: "Tjeneste meter-77",
      earliestDisconnectionDate: "2026-12-22",
      customerKind: "consumer",
    });
  });
});

describe("a payment demand after the rate table ends (2026-12-31)", () => {
  it("claims the interest at the last known rate instead of saying no late interest is claimed", () => {
    const record = caseRecord("INV-1003", "2026-12-01");
    const on = "2027-02-15";
    const rules = ruleSetFor("NO", on);
    const b = balanceOn(record.case, on, rules);
    const through = interestThrough(record.case, on, rules);
    expect(through.provisional).toEqual({ from: "2027-01-01", annualRatePercent: 12 });
    const action = reminder({
      kind: "payment-demand",
      on,
      at: new Date(`${on}T08:00:00.000Z`),
      deadline: "2027-03-01",
      fee: undefined,
      amounts: {
        principal: b.principal,
        fees: b.fees,
        interest: b.interest,
        total: b.total,
        feeToAdd: nok(0),
        totalWithFee: b.total,
        credit: b.credit,
        interestRatesMissingFrom: through.ratesMissingFrom,
        interestProvisional: through.provisional,
      },
    });
    const model = parseLetterModel(
      letterForStep({ record, tenant: tenant(), action, rules, letterhead: LETTERHEAD, payLink: PAY_LINK }),
    );
    expect(model.amounts.interest).toMatchObject({
      amount: b.interest,
      annualRatePercent: 12,
      fromDate: "2026-12-02",
      toDate: on,
    });
    expect(b.interest.value).toBe(Math.round((1250_00 * 0.12 * 76) / 365));
    const text = letterStatements(model)
      .map((s) => s.text)
      .join("\n");
    expect(text).not.toContain("Vi krever ikke forsinkelsesrente");
    expect(text).toContain("forsinkelsesrente");
  });
});
