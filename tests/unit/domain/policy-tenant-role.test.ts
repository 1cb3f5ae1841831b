import { describe, expect, it } from "vitest";
import {
  defaultPolicy,
  LadderPolicy,
  TenantRole,
  validatePolicy,
  type LadderStep,
} from "../../../shared/domain/policy";
import { norwegianRules } from "../../../shared/domain/rules";

const letter: LadderStep["channels"] = ["letter", "digital-mailbox"];
const withSteps = (steps: LadderStep[]) => LadderPolicy.parse({ ...defaultPolicy("NO"), steps });

const powerNotice: LadderStep = {
  kind: "suspension-notice",
  offsetDays: 14,
  channels: letter,
  chargesFee: false,
  deadlineDays: 28,
  services: ["power-meter"],
};
const powerDisconnection: LadderStep = {
  kind: "suspension",
  offsetDays: 43,
  channels: ["partner-system"],
  chargesFee: false,
  services: ["power-meter"],
};
const broadbandSuspension: LadderStep = {
  kind: "suspension",
  offsetDays: 30,
  channels: ["partner-system"],
  chargesFee: false,
  services: ["broadband"],
};
const reminder: LadderStep = { kind: "reminder", offsetDays: 14, channels: letter, chargesFee: true, deadlineDays: 14 };

describe("a tenant's role and the ladder", () => {
  it("knows the three tenant roles", () => {
    expect(TenantRole.options).toEqual(["broadband-provider", "power-grid-company", "power-retailer"]);
    expect(TenantRole.safeParse("power-plant").success).toBe(false);
  });

  it("refuses a power retailer's ladder that disconnects a meter, naming § 48 a and the preparatory works", () => {
    const r = validatePolicy(withSteps([reminder, powerNotice, powerDisconnection]), norwegianRules, {
      role: "power-retailer",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const disconnection = r.problems.find((p) => p.step === 2);
      expect(disconnection?.reason).toBe(
        "A power retailer cannot disconnect a power meter; only the grid company may. End the contract instead.",
      );
      expect(disconnection?.legalBasis).toContain("forbrukerkjøpsloven § 48 a");
      expect(disconnection?.legalBasis).toContain("Ot.prp. nr. 114 (2004–2005) ch. 13");
    }
  });

  it("refuses a power retailer's disconnection notice too", () => {
    const r = validatePolicy(withSteps([reminder, powerNotice]), norwegianRules, { role: "power-retailer" });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ step: 1, kind: "suspension-notice" });
      expect(r.problems[0]!.reason).toBe(
        "A power retailer cannot announce a disconnection of a power meter; only the grid company may disconnect.",
      );
      expect(r.problems[0]!.legalBasis).toContain("forbrukerkjøpsloven § 48 a");
      expect(r.problems[0]!.legalBasis).toContain("Ot.prp. nr. 114 (2004–2005) ch. 13");
      expect(r.problems[0]!.legalBasis).toContain("leveringspliktig kraft");
    }
  });

  it("refuses a retailer's suspension step that names no service, since it would cover power meters", () => {
    const r = validatePolicy(
      withSteps([reminder, { kind: "suspension", offsetDays: 60, channels: ["partner-system"], chargesFee: false }]),
      norwegianRules,
      { role: "power-retailer" },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.some((p) => p.reason.includes("power retailer cannot disconnect"))).toBe(true);
  });

  it("accepts a power retailer's ladder of letters only", () => {
    expect(validatePolicy(withSteps([reminder]), norwegianRules, { role: "power-retailer" })).toEqual({ ok: true });
  });

  it("accepts a broadband suspension for a power retailer's broadband lines", () => {
    expect(
      validatePolicy(withSteps([reminder, broadbandSuspension]), norwegianRules, { role: "power-retailer" }),
    ).toEqual({ ok: true });
  });

  it("lets the grid company and a broadband provider keep the default ladder with its disconnections", () => {
    expect(validatePolicy(defaultPolicy("NO"), norwegianRules, { role: "power-grid-company" })).toEqual({ ok: true });
    expect(validatePolicy(defaultPolicy("NO"), norwegianRules, { role: "broadband-provider" })).toEqual({ ok: true });
  });

  it("validates as before when the caller does not say the tenant's role", () => {
    expect(validatePolicy(defaultPolicy("NO"), norwegianRules)).toEqual({ ok: true });
    expect(validatePolicy(withSteps([reminder, powerNotice, powerDisconnection]), norwegianRules)).toEqual({
      ok: true,
    });
  });
});
