import { describe, expect, it } from "vitest";
import { letterForStep } from "../../../../shared/application/letters/letter-for-step";
import { minSidePin } from "../../../../shared/application/min-side/pin";
import { money } from "../../../../shared/domain/money";
import type { PlannedAction } from "../../../../shared/domain/planner";
import { ruleSetFor } from "../../../../shared/domain/rules";
import { parseLetterModel } from "../../../../shared/letters";
import { renderLetter } from "../../../../shared/letters/render-letter";
import { pdfText } from "../../letters/pdf-text";
import { LETTERHEAD, caseRecord, tenant } from "../case-ladder-fixtures";

const SECRET = "a-pin-secret-of-at-least-32-characters!!";
const RULES = ruleSetFor("NO", "2026-11-23");
const nok = (value: number) => money(value, "NOK");
const action: PlannedAction = {
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
};

describe("Min side's case number and PIN on letters", () => {
  it("prints one line with the KID (by that name, as the sign-in form asks for it) and the case's PIN, when the PIN secret is set", async () => {
    const record = caseRecord("INV-1001", "2026-11-08");
    const base = {
      record,
      tenant: tenant(),
      action,
      rules: RULES,
      letterhead: LETTERHEAD,
      payLink: "https://p.example/p/x",
    };
    const model = parseLetterModel(letterForStep({ ...base, minSidePinSecret: SECRET }));
    const pin = minSidePin(SECRET, record.tenantId, record.caseId);
    expect(model.payment.minSide).toEqual({ kid: record.kid, pin });
    const { flat } = await pdfText(await renderLetter(model, { rules: RULES }));
    expect(flat).toContain(`Min side: logg inn med KID ${record.kid} og PIN ${pin}`);

    const without = parseLetterModel(letterForStep(base));
    expect(without.payment.minSide).toBeUndefined();
    expect((await pdfText(await renderLetter(without, { rules: RULES }))).flat).not.toContain("Min side:");
  });
});
