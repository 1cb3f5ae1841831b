/**
 * The ladder policy editor's form (portal, issue 16): kroner as people write them become øre, a value that does not
 * fit is named by its field, and a saved form keeps what it does not edit.
 */
import { describe, expect, it } from "vitest";
import type { LadderPolicy } from "../../../../shared/domain/policy";
import { defaultPolicy } from "../../../../shared/domain/policy";
import {
  formatKroner,
  formToPolicy,
  parseKroner,
  policyToForm,
  readPolicyForm,
} from "../../../../shared/web/portal/policy-form";

describe("kroner in the form", () => {
  it.each([
    ["1 234,50", 123_450],
    ["1234.50", 123_450],
    ["1.234,50", 123_450],
    ["1,234.50", 123_450],
    ["100", 10_000],
    ["100,-", 10_000],
    ["kr 99,9", 9_990],
    ["0", 0],
    ["1\u00a0000", 100_000],
  ])("reads %j as %d øre", (input, ore) => {
    expect(parseKroner(input)).toBe(ore);
  });

  it.each(["", "-5", "12,345", "1.234", "tolv", "1 234,567", "1e3", "99999999999999999"])("refuses %j", (input) => {
    expect(parseKroner(input)).toBeUndefined();
  });

  it("writes øre back as the page's language writes kroner", () => {
    expect(formatKroner(123_450, "nb")).toBe("1 234,50");
    expect(formatKroner(123_450, "en")).toBe("1234.50");
    expect(parseKroner(formatKroner(1_000_005, "nb"))).toBe(1_000_005);
  });
});

describe("the policy form", () => {
  const current = defaultPolicy("NO", "Demo");

  it("gives back the same policy when nothing is changed", () => {
    const result = formToPolicy(policyToForm(current, "nb"), current, "nb");
    expect(result.ok && result.policy).toEqual(current);
  });

  it("reads a posted form: amounts in øre, a removed step gone, a new step added, rows mapped", () => {
    const values = policyToForm(current, "nb");
    const form = new URLSearchParams({ stepCount: String(values.steps.length), ...values.fields });
    values.steps.forEach((s, i) => {
      form.set(`s${String(i)}_orig`, s.orig);
      form.set(`s${String(i)}_kind`, s.kind);
      form.set(`s${String(i)}_offsetDays`, s.offsetDays);
      form.set(`s${String(i)}_channels`, s.channels);
      form.set(`s${String(i)}_deadlineDays`, s.deadlineDays);
      if (s.chargesFee) form.set(`s${String(i)}_chargesFee`, "on");
      for (const v of s.services) form.append(`s${String(i)}_services`, v);
    });
    form.set("minimumPayLinkAmount", "250");
    form.set("s0_remove", "on");
    const last = values.steps.length - 1;
    form.set(`s${String(last)}_kind`, "legal-handoff");
    form.set(`s${String(last)}_offsetDays`, "90");
    form.set(`s${String(last)}_channels`, "partner-system");

    const result = formToPolicy(readPolicyForm(form), current, "nb");
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.minimumPayLinkAmount).toEqual({ value: 25_000, currency: "NOK" });
    expect(result.policy.steps.map((s) => s.kind)).toEqual([
      ...current.steps.slice(1).map((s) => s.kind),
      "legal-handoff",
    ]);
    expect(result.rows[0]).toBe(1);
    expect(result.rows.at(-1)).toBe(last);
    expect(result.policy.steps.at(-1)).toEqual({
      kind: "legal-handoff",
      offsetDays: 90,
      channels: ["partner-system"],
      chargesFee: false,
    });
  });

  it("names each field that does not fit, in the page's language", () => {
    const values = policyToForm(current, "en");
    values.fields.reopenMinimum = "twelve";
    values.fields.minSmsIntervalHours = "200";
    values.fields.sendAt = "25:00";
    values.steps[1]!.channels = "pigeon";
    values.steps[1]!.offsetDays = "-1";
    const result = formToPolicy(values, current, "en");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual([
      "reopenMinimum",
      "minSmsIntervalHours",
      "sendAt",
      "s1_offsetDays",
      "s1_channels",
    ]);
    expect(result.errors[0]).toEqual({
      field: "reopenMinimum",
      label: "Reopen when at most this is owed (NOK)",
      message: "Enter an amount in kroner, for example 1234.50.",
    });
    expect(result.errors[1]!.message).toBe("Enter a whole number from 1 to 168.");
    expect(formToPolicy(values, current, "nb").ok).toBe(false);
  });

  it("keeps the policy's and a step's fields the form has no input for", () => {
    const suspension = current.steps.findIndex((s) => s.kind === "suspension");
    const withExtras: LadderPolicy = {
      ...current,
      allocationOrder: ["principal", "interest", "fees"],
      steps: current.steps.map((s, i) =>
        i === suspension ? { ...s, blackout: { from: "12-01", to: "02-28", customers: ["business"] } } : s,
      ),
    };
    const values = policyToForm(withExtras, "nb");
    values.fields.senderName = "Nytt navn";
    values.steps[suspension]!.blackoutTo = "03-15";
    const result = formToPolicy(values, withExtras, "nb");
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.policy.senderName).toBe("Nytt navn");
    expect(result.policy.allocationOrder).toEqual(["principal", "interest", "fees"]);
    // The blackout's customers have no input: they stay as they were.
    expect(result.policy.steps[suspension]!.blackout).toEqual({ from: "12-01", to: "03-15", customers: ["business"] });
  });

  it("takes a seasonal blackout only as two days of the year, and keeps its customers", () => {
    const suspension = current.steps.findIndex((s) => s.kind === "suspension");
    const values = policyToForm(current, "nb");
    values.steps[suspension]!.blackoutFrom = "11-15";
    const half = formToPolicy(values, current, "nb");
    expect(!half.ok && half.errors.map((e) => e.field)).toEqual([`s${String(suspension)}_blackoutFrom`]);
    values.steps[suspension]!.blackoutTo = "03-31";
    const whole = formToPolicy(values, current, "nb");
    expect(whole.ok && whole.policy.steps[suspension]!.blackout).toEqual({
      from: "11-15",
      to: "03-31",
      customers: ["household"],
    });
  });
});
