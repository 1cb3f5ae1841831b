import { describe, expect, it } from "vitest";
import { ladderOf } from "../../../shared/application/case-context";
import { defaultPolicy } from "../../../shared/domain/policy";
import { tenant } from "./case-ladder-fixtures";

describe("which ladder applies", () => {
  it("is the lawful default of the country with the creditor's sender name while the creditor has set none", () => {
    expect(ladderOf(tenant(), "NO")).toEqual(defaultPolicy("NO", "Fjordkraft"));
  });

  it("is the creditor's own ladder once it has set one for that country", () => {
    const own = { ...defaultPolicy("NO", "Fjordkraft"), sendAt: "10:00" };
    expect(ladderOf(tenant({ policy: own }), "NO")).toBe(own);
  });

  it("is the country's default, not the creditor's ladder, for a case in another country", () => {
    const own = { ...defaultPolicy("NO", "Fjordkraft"), sendAt: "10:00" };
    expect(ladderOf(tenant({ policy: own }), "SE")).toEqual(defaultPolicy("SE", "Fjordkraft"));
  });

  it("trims the sender name and falls back to the default sender when it is not a valid SMS sender", () => {
    expect(ladderOf(tenant({ senderName: " Fjordkraft " }), "NO").senderName).toBe("Fjordkraft");
    expect(ladderOf(tenant({ senderName: "Fjordkraft Demo" }), "NO").senderName).toBe(defaultPolicy("NO").senderName);
    expect(ladderOf(tenant({ senderName: "  " }), "NO").senderName).toBe(defaultPolicy("NO").senderName);
  });
});
