import { describe, expect, it } from "vitest";
import { makeCheckCasePin, minSidePin, normaliseCaseNumber } from "../../../../shared/application/min-side/pin";
import { mayAccessCase } from "../../../../shared/application/min-side/subject";
import type { CaseRecord } from "../../../../shared/ports/case-store";

const SECRET = "a-pin-secret-of-at-least-32-characters!!";

const record = (tenantId: string, caseId: string, kid: string, nationalId?: string) =>
  ({
    tenantId,
    caseId,
    kid,
    customer: { customerId: "k", name: "N", ...(nationalId ? { nationalId } : {}) },
  }) as CaseRecord;

describe("case number + PIN", () => {
  it("derives an 8-digit PIN per case from the secret: another case, tenant or secret gives another", () => {
    const pin = minSidePin(SECRET, "t_a", "c_1");
    expect(pin).toMatch(/^[0-9]{8}$/u);
    expect(minSidePin(SECRET, "t_a", "c_1")).toBe(pin);
    const others = [
      minSidePin(SECRET, "t_a", "c_2"),
      minSidePin(SECRET, "t_b", "c_1"),
      minSidePin(`${SECRET}x`, "t_a", "c_1"),
    ];
    for (const other of others) expect(other).not.toBe(pin);
  });

  it("signs in to that one case with the right PIN, and gives one answer for a wrong PIN and an unknown case number", async () => {
    const cases = [record("t_a", "c_1", "1234567890123")];
    const check = makeCheckCasePin(
      { cases: { findByKid: async (kid) => cases.find((c) => c.kid === kid) } },
      { pinSecret: SECRET },
    );
    const pin = minSidePin(SECRET, "t_a", "c_1");
    expect(await check("1234567890123", pin)).toEqual({ kind: "ok", tenantId: "t_a", caseId: "c_1" });
    const wrong = pin === "00000000" ? "00000001" : "00000000";
    expect(await check("1234567890123", wrong)).toEqual({ kind: "refused" });
    expect(await check("9999999999999", pin)).toEqual({ kind: "refused" });
    expect(await check("1234567890123", pin.slice(1))).toEqual({ kind: "refused" });
  });

  it("reads a case number typed with spaces, dots or dashes, and refuses anything else", () => {
    expect(normaliseCaseNumber(" 1234 5678-9012.3 ")).toBe("1234567890123");
    expect(normaliseCaseNumber("12ab")).toBeUndefined();
    expect(normaliseCaseNumber("")).toBeUndefined();
  });
});

describe("who may see a case", () => {
  const mine = record("t_a", "c_1", "1", "31129956715");
  const theirs = record("t_b", "c_2", "2", "01010750160");
  const anonymous = record("t_a", "c_3", "3");

  it("lets a person see the cases carrying their national id, at any creditor, and nothing else", () => {
    const person = { kind: "person" as const, nationalId: "31129956715" };
    expect(mayAccessCase(person, mine)).toBe(true);
    expect(mayAccessCase(person, theirs)).toBe(false);
    expect(mayAccessCase(person, anonymous)).toBe(false);
  });

  it("lets a case number + PIN sign-in see that one case only", () => {
    const subject = { kind: "case" as const, tenantId: "t_a", caseId: "c_1" };
    expect(mayAccessCase(subject, mine)).toBe(true);
    expect(mayAccessCase(subject, anonymous)).toBe(false);
    expect(mayAccessCase({ kind: "case", tenantId: "t_b", caseId: "c_1" }, mine)).toBe(false);
  });
});
