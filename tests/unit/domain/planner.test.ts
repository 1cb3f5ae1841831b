import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, atLocalTime, isSuspensionAllowedDay, isWithinContactHours } from "../../../shared/domain/calendar";
import type { CaseEvent } from "../../../shared/domain/case";
import { feeCap } from "../../../shared/domain/fees";
import { applyEvent, balanceOn, feeHistoryOf } from "../../../shared/domain/case";
import { contactsDebtor, overdueForServices, plan, PlanMismatch } from "../../../shared/domain/planner";
import { defaultPolicy, LadderPolicy, type LadderStep } from "../../../shared/domain/policy";
import { norwegianRules as rules, ruleSetFor } from "../../../shared/domain/rules";
import { aCase, nok } from "./case-fixtures";
import { execute, simulate } from "./ladder-driver";

const policy = defaultPolicy("NO", "Fiber AS");
const utc = (iso: string) => new Date(iso);
const kinds = (sent: { kind: string }[]) => sent.map((a) => a.kind);

describe("planning the ladder (Norway, due 2025-03-10)", () => {
  it("waits for the Let's pay SMS a week after the due date", () => {
    const p = plan(aCase(), policy, rules, utc("2025-03-01T10:00:00Z"));
    expect(p.kind).toBe("wait");
    if (p.kind === "wait") {
      expect(p.next.kind).toBe("lets-pay-sms");
      expect(p.until.toISOString()).toBe("2025-03-17T08:00:00.000Z"); // 09:00 in Oslo
    }
  });

  it("sends nothing when the invoice is paid before the due date", () => {
    const paid = applyEvent(
      aCase(),
      { type: "payment", reference: "p1", amount: nok(1_000_00), receivedOn: "2025-03-08" },
      rules,
    );
    expect(plan(paid, policy, rules, utc("2025-03-20T10:00:00Z"))).toEqual({
      kind: "done",
      reason: "The claim is paid in full; nothing more is sent.",
    });
    const run = simulate(aCase(), policy, rules, utc("2025-03-01T00:00:00Z"), utc("2025-12-31T00:00:00Z"), [
      [
        utc("2025-03-08T12:00:00Z"),
        { type: "payment", reference: "p1", amount: nok(1_000_00), receivedOn: "2025-03-08" },
      ],
    ]);
    expect(run.sent).toEqual([]);
  });

  it("stops the ladder when the debtor pays after the SMS", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-01T00:00:00Z"), utc("2025-12-31T00:00:00Z"), [
      [
        utc("2025-03-19T12:00:00Z"),
        { type: "payment", reference: "p1", amount: nok(1_005_00), receivedOn: "2025-03-19" },
      ],
    ]);
    expect(kinds(run.sent)).toEqual(["lets-pay-sms"]);
    expect(run.case.status).toBe("paid");
  });

  it("walks an unpaid claim through the whole lawful ladder with three fees", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-01T00:00:00Z"), utc("2025-12-31T00:00:00Z"));
    expect(kinds(run.sent)).toEqual([
      "lets-pay-sms",
      "reminder",
      "collection-notice",
      "payment-demand",
      "legal-handoff",
    ]);
    expect(run.sent.map((a) => a.on)).toEqual(["2025-03-17", "2025-03-24", "2025-04-08", "2025-04-23", "2025-05-08"]);
    expect(run.sent.map((a) => a.fee?.amount.value ?? 0)).toEqual([0, 35_00, 35_00, 105_00, 0]);
    expect(run.case.status).toBe("handed-off");
  });

  it("plans the next step with the new amounts after a partial payment", () => {
    let c = execute(
      aCase(),
      (plan(aCase(), policy, rules, utc("2025-03-17T08:00:00Z")) as { kind: "act"; action: never }).action,
      rules,
    );
    c = applyEvent(c, { type: "payment", reference: "p1", amount: nok(500_00), receivedOn: "2025-03-20" }, rules);
    const p = plan(c, policy, rules, utc("2025-03-24T08:00:00Z"));
    expect(p.kind).toBe("act");
    if (p.kind === "act") {
      expect(p.action.kind).toBe("reminder");
      const expected = balanceOn(c, "2025-03-24", rules);
      expect(p.action.amounts.total).toEqual(expected.total);
      expect(p.action.amounts.principal.value).toBeLessThan(510_00);
      expect(p.action.amounts.principal.value).toBeGreaterThan(500_00);
      expect(p.action.fee?.amount).toEqual(nok(35_00));
      expect(p.action.amounts.totalWithFee).toEqual(nok(expected.total.value + 35_00));
      expect(p.action.deadline).toBe("2025-04-07");
      expect(p.action.legalBasis).toContain("inkassoforskriften § 1-2");
    }
  });

  it("stops collection and fees when the debtor disputes the claim", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-01T00:00:00Z"), utc("2025-12-31T00:00:00Z"), [
      [utc("2025-03-20T12:00:00Z"), { type: "dispute-opened", on: "2025-03-20", reason: "never ordered" }],
    ]);
    expect(kinds(run.sent)).toEqual(["lets-pay-sms"]);
    expect(run.case.ledger.some((e) => e.type === "fee")).toBe(false);
    const p = plan(run.case, policy, rules, utc("2025-06-01T10:00:00Z"));
    expect(p).toMatchObject({ kind: "paused", resumesOn: "dispute-resolved" });
    if (p.kind === "paused") expect(p.legalBasis).toContain("inkassoloven § 17");
  });

  it("shifts the ladder when a deferral is granted", () => {
    const deferred = applyEvent(
      aCase(),
      { type: "deferral-granted", on: "2025-03-12", newDueDate: "2025-04-10" },
      rules,
    );
    const p = plan(deferred, policy, rules, utc("2025-03-18T10:00:00Z"));
    expect(p.kind).toBe("wait");
    if (p.kind === "wait") {
      expect(p.next.kind).toBe("lets-pay-sms");
      // new due date + 7 = Maundy Thursday; no SMS on Easter holidays, so Saturday 09:00
      expect(p.next.on).toBe("2025-04-19");
    }
    const run = simulate(deferred, policy, rules, utc("2025-03-12T00:00:00Z"), utc("2025-12-31T00:00:00Z"));
    expect(run.sent.map((a) => [a.kind, a.on]).slice(0, 3)).toEqual([
      ["lets-pay-sms", "2025-04-19"],
      ["reminder", "2025-04-24"],
      ["collection-notice", "2025-05-09"],
    ]);
  });

  it("never plans a step again once it has been carried out", () => {
    const first = plan(aCase(), policy, rules, utc("2025-03-17T08:00:00Z"));
    if (first.kind !== "act") throw new Error("expected act");
    const after = execute(aCase(), first.action, rules);
    const p = plan(after, policy, rules, utc("2025-03-17T09:00:00Z"));
    expect(p.kind).toBe("wait");
    if (p.kind === "wait") expect(p.next.kind).toBe("reminder");
  });

  it("after a late hand-over sends the one letter that fits now, passing over the Let's pay SMS, then keeps the legal spacing", () => {
    let c = aCase();
    const late = utc("2025-04-01T10:00:00Z"); // due + 22: the SMS's day (due + 7) and the reminder's (due + 14) have passed
    const reminder = plan(c, policy, rules, late);
    expect(reminder).toMatchObject({
      kind: "act",
      action: {
        kind: "reminder",
        at: late,
        on: "2025-04-01",
        deadline: "2025-04-15",
        fee: { amount: nok(35_00) },
        passesOver: [{ stepIndex: 0, kind: "lets-pay-sms" }],
      },
    });
    if (reminder.kind !== "act") return;
    expect(reminder.action.passesOver?.[0]?.reason).toMatch(/reminder \(step 2\) is due now/);
    c = execute(c, reminder.action, rules);
    const notice = plan(c, policy, rules, late);
    expect(notice.kind).toBe("wait"); // the SMS stays passed over: next is the notice, not the SMS
    if (notice.kind === "wait") {
      expect(notice.next).toMatchObject({ kind: "collection-notice", on: "2025-04-16" });
      expect(notice.next.fee?.amount).toEqual(nok(35_00));
      expect(notice.until.toISOString()).toBe("2025-04-16T07:00:00.000Z"); // 09:00 summer time in Oslo
    }
  });

  it("after a hand-over past the collection notice's day sends the notice alone, as the combined reminder and notice, with one fee", () => {
    const c = aCase();
    const p = plan(c, policy, rules, utc("2025-04-14T10:00:00Z")); // due + 35: SMS, reminder and notice days passed
    expect(p).toMatchObject({ kind: "act", action: { kind: "collection-notice", fee: { amount: nok(35_00) } } });
    if (p.kind !== "act") return;
    expect(p.action.passesOver?.map((s) => s.kind)).toEqual(["lets-pay-sms", "reminder"]);
    expect(p.action.passesOver?.[1]?.reason).toMatch(/adds no fee/);
    const after = execute(c, p.action, rules);
    expect(feeHistoryOf(after).letters.filter((l) => l.fee !== null && l.fee.value > 0)).toHaveLength(1);
  });

  it("moves an SMS planned outside contact hours to the next contact time in Europe/Oslo", () => {
    const lateEvening = plan(aCase(), policy, rules, utc("2025-03-17T21:30:00Z")); // 22:30 in Oslo
    expect(lateEvening).toMatchObject({ kind: "act", action: { kind: "lets-pay-sms" } });
    if (lateEvening.kind === "act") expect(lateEvening.action.at.toISOString()).toBe("2025-03-18T07:00:00.000Z");

    // due + 7 on a Sunday: no contact on Sundays, so Monday 08:00
    const sunday = aCase({ dueDate: "2025-03-09", issueDate: "2025-02-20" });
    const p = plan(sunday, policy, rules, utc("2025-03-16T09:00:00Z"));
    expect(p).toMatchObject({ kind: "act", action: { kind: "lets-pay-sms", on: "2025-03-17" } });
    if (p.kind === "act") expect(p.action.at.toISOString()).toBe("2025-03-17T07:00:00.000Z");

    // Saturday afternoon after 15:00 → Monday 08:00
    const saturday = plan(aCase(), policy, rules, utc("2025-03-22T15:30:00Z"));
    if (saturday.kind === "act") expect(saturday.action.at.toISOString()).toBe("2025-03-24T07:00:00.000Z");
  });

  it("sends nothing on a paid or cancelled case", () => {
    const cancelled = applyEvent(aCase(), { type: "cancellation", on: "2025-03-12", reason: "sent in error" }, rules);
    expect(plan(cancelled, policy, rules, utc("2025-04-01T10:00:00Z")).kind).toBe("done");
  });

  it("pauses while the case is on hold and lets an active instalment plan run the case", () => {
    const held = applyEvent(aCase(), { type: "hold", on: "2025-03-12", reason: "debtor in hospital" }, rules);
    expect(plan(held, policy, rules, utc("2025-04-01T10:00:00Z"))).toMatchObject({
      kind: "paused",
      resumesOn: "resume",
    });
    const instalments = applyEvent(
      aCase(),
      {
        type: "instalment-plan-agreed",
        on: "2025-03-12",
        instalments: [
          { dueDate: "2025-04-01", amount: nok(500_00) },
          { dueDate: "2025-05-01", amount: nok(520_00) },
        ],
      },
      rules,
    );
    const p = plan(instalments, policy, rules, utc("2025-03-20T10:00:00Z"));
    expect(p.kind).toBe("wait");
    if (p.kind === "wait") {
      expect(p.reason).toContain("2025-04-01");
      expect(p.next).toMatchObject({ kind: "instalment-reminder", on: "2025-03-29" });
    }
    // unpaid after the due date: nothing until the grace days have passed, then the plan ends by itself
    const after = plan(instalments, policy, rules, utc("2025-04-05T10:00:00Z"));
    expect(after).toMatchObject({ kind: "wait", next: { kind: "instalment-missed", on: "2025-04-08" } });
  });

  it("adds no fee the claim may no longer carry and says why", () => {
    const twoReminders = LadderPolicy.parse({
      ...policy,
      steps: [
        { kind: "reminder", offsetDays: 14, channels: ["letter"], chargesFee: true, deadlineDays: 14 },
        { kind: "reminder", offsetDays: 29, channels: ["letter"], chargesFee: true, deadlineDays: 14 },
        { kind: "collection-notice", offsetDays: 44, channels: ["letter"], chargesFee: true, deadlineDays: 14 },
      ] satisfies LadderStep[],
    });
    const run = simulate(aCase(), twoReminders, rules, utc("2025-03-01T00:00:00Z"), utc("2025-12-31T00:00:00Z"));
    expect(run.sent.map((a) => a.fee?.amount.value ?? 0)).toEqual([35_00, 35_00, 0]);
    expect(run.sent[2]!.noFeeReason).toContain("exceed what one claim may carry");
  });

  it("uses the 2026 inkassosats for letters sent in 2026", () => {
    const c = aCase({ issueDate: "2025-12-01", dueDate: "2025-12-20" });
    const run = simulate(
      c,
      policy,
      ruleSetFor("NO", "2026-01-01"),
      utc("2025-12-01T00:00:00Z"),
      utc("2026-06-30T00:00:00Z"),
    );
    const fees = run.sent.filter((a) => a.fee).map((a) => [a.kind, a.on, a.fee!.amount.value]);
    // the claim fell due in 2025, but each fee uses the inkassosats of the day its letter is sent
    expect(fees).toEqual([
      ["reminder", "2026-01-03", 37_50],
      // due + 29 is Sunday 2026-01-18, no contact day: the notice goes on Monday, the demand the day after its deadline
      ["collection-notice", "2026-01-19", 37_50],
      ["payment-demand", "2026-02-03", 112_50],
    ]);
  });

  it("charges from a deployment's confirmed inkassosats when it overrides the unconfirmed one", () => {
    const confirmed = ruleSetFor("NO", "2026-01-01", {
      collectionRate: [
        { from: "2026-01-01", to: null, value: nok(760_00), source: "operator-confirmed regulation", confirmed: true },
      ],
    });
    const c = aCase({ issueDate: "2026-02-01", dueDate: "2026-03-02" });
    // due + 14: the reminder's day has come, so it goes (the Let's pay SMS passed over) with 1/20 of 760
    const reminder = plan(c, policy, confirmed, utc("2026-03-16T09:00:00Z"));
    expect(reminder.kind === "act" ? reminder.action.fee?.amount : undefined).toEqual(nok(38_00));
  });

  it("refuses a policy for another country", () => {
    expect(() => plan(aCase(), defaultPolicy("SE"), rules, utc("2025-04-01T10:00:00Z"))).toThrow(PlanMismatch);
  });
});

describe("suspension of service-linked invoices", () => {
  const broadband = (dueDate: string) =>
    aCase({
      dueDate,
      issueDate: addDays(dueDate, -14),
      services: [{ serviceId: "bb-1", kind: "broadband" }],
    });
  const power = (dueDate: string, debtor: "consumer" | "business") =>
    aCase({
      dueDate,
      issueDate: addDays(dueDate, -14),
      debtor: { ref: "d", kind: debtor },
      services: [{ serviceId: "pm-1", kind: "power-meter" }],
    });

  it("suspends broadband 30 days after the due date after its notice; a payment ends the overdue blocker", () => {
    const start = utc("2025-03-01T00:00:00Z");
    const run = simulate(broadband("2025-03-10"), policy, rules, start, utc("2025-04-30T00:00:00Z"));
    const suspension = run.sent.find((a) => a.kind === "suspension");
    expect(run.sent.find((a) => a.kind === "suspension-notice")).toMatchObject({
      on: "2025-03-24",
      serviceIds: ["bb-1"],
      deadline: "2025-04-07",
    });
    expect(suspension).toMatchObject({ on: "2025-04-09", serviceIds: ["bb-1"] });
    expect(run.case.services[0]!.state).toBe("suspended");
    const paid = applyEvent(
      run.case,
      { type: "payment", reference: "p", amount: nok(2_000_00), receivedOn: "2025-04-30" },
      rules,
    );
    // Saturday night: the reopen is due at any hour (the application issues the command at once).
    expect(overdueForServices(paid, policy, rules, utc("2025-05-03T02:00:00Z"))).toBe(false);
    expect(overdueForServices(run.case, policy, rules, utc("2025-05-03T02:00:00Z"))).toBe(true);
  });

  it("holds services closed only while the claim is overdue above the reopen minimum", () => {
    const c = broadband("2025-03-10");
    const at = utc("2025-04-20T10:00:00Z");
    expect(overdueForServices(c, policy, rules, at)).toBe(true);
    const owed = balanceOn(c, "2025-04-20", rules).total.value;
    const pay = (value: number) =>
      applyEvent(c, { type: "payment", reference: "p", amount: nok(value), receivedOn: "2025-04-20" }, rules);
    // "Pay X to reopen today": paying down to the reopen minimum reopens, one øre less does not.
    expect(overdueForServices(pay(owed - policy.reopenMinimum.value), policy, rules, at)).toBe(false);
    expect(overdueForServices(pay(owed - policy.reopenMinimum.value - 1), policy, rules, at)).toBe(true);
    const plan_ = applyEvent(
      c,
      {
        type: "instalment-plan-agreed",
        on: "2025-04-20",
        instalments: [{ dueDate: "2025-05-20", amount: nok(1_000_00) }],
      },
      rules,
    );
    expect(overdueForServices(plan_, policy, rules, at)).toBe(false);
    const deferred = applyEvent(c, { type: "deferral-granted", on: "2025-04-20", newDueDate: "2025-05-15" }, rules);
    expect(overdueForServices(deferred, policy, rules, at)).toBe(false);
    const cancelled = applyEvent(c, { type: "cancellation", on: "2025-04-20", reason: "sold" }, rules);
    expect(overdueForServices(cancelled, policy, rules, at)).toBe(false);
  });

  it("never plans a suspension on a Friday, a weekend or the day before a public holiday", () => {
    // due + 30 = 2025-04-16, the day before Maundy Thursday: moved past Easter to Tuesday 2025-04-22
    const run = simulate(
      broadband("2025-03-17"),
      policy,
      rules,
      utc("2025-03-01T00:00:00Z"),
      utc("2025-05-30T00:00:00Z"),
    );
    expect(run.sent.find((a) => a.kind === "suspension")?.on).toBe("2025-04-22");

    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), (offset) => {
        const due = addDays("2025-01-01", offset);
        const r = simulate(
          broadband(due),
          policy,
          rules,
          utc(`${addDays(due, -1)}T00:00:00Z`),
          utc(`${addDays(due, 80)}T00:00:00Z`),
        );
        const s = r.sent.find((a) => a.kind === "suspension");
        expect(s).toBeDefined();
        expect(isSuspensionAllowedDay(s!.on, "NO")).toBe(true);
        expect(s!.on >= addDays(due, 30)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("waits out the creditor's winter blackout for households' power, and still suspends a business in it", () => {
    const winter: LadderPolicy = {
      ...policy,
      steps: policy.steps.map((s) =>
        s.kind === "suspension" && s.services?.includes("power-meter")
          ? { ...s, blackout: { from: "11-15", to: "03-31", customers: ["household"] } }
          : s,
      ),
    };
    const from = utc("2025-10-01T00:00:00Z");
    const to = utc("2026-05-30T00:00:00Z");
    const household = simulate(power("2025-10-20", "consumer"), winter, rules, from, to);
    // due + 30 lands in the blackout; 1 April is the day before Maundy Thursday and 6 April Easter Monday
    expect(household.sent.find((a) => a.kind === "suspension")?.on).toBe("2026-04-07");
    const business = simulate(power("2025-10-20", "business"), winter, rules, from, to);
    const on = business.sent.find((a) => a.kind === "suspension")?.on;
    expect(on !== undefined && on < "2025-12-31").toBe(true);
  });

  it("moves an overdue suspension found late on a Thursday evening to the next allowed day, not the night before a weekend", () => {
    let c = broadband("2025-03-10");
    const notice = plan(
      c,
      LadderPolicy.parse({ ...policy, steps: policy.steps.filter((s) => s.kind.startsWith("suspension")) }),
      rules,
      utc("2025-03-24T08:00:00Z"),
    );
    if (notice.kind !== "act") throw new Error("expected the notice");
    c = execute(c, notice.action, rules);
    const suspensionOnly = LadderPolicy.parse({
      ...policy,
      steps: policy.steps.filter((s) => s.kind.startsWith("suspension")),
    });
    const p = plan(c, suspensionOnly, rules, utc("2025-04-10T20:00:00Z")); // Thursday 22:00 in Oslo
    expect(p.kind).toBe("act");
    if (p.kind === "act") {
      expect(p.action.kind).toBe("suspension");
      expect(p.action.on).toBe("2025-04-14"); // Monday
      expect(p.action.at.toISOString()).toBe("2025-04-14T08:00:00.000Z"); // 10:00 summer time
    }
  });

  it("gives a consumer four weeks' notice before a power disconnection, a business two", () => {
    const shortNotice = LadderPolicy.parse({
      ...policy,
      steps: [
        {
          kind: "suspension-notice",
          offsetDays: 14,
          channels: ["letter"],
          chargesFee: false,
          deadlineDays: 14,
          services: ["power-meter"],
        },
        {
          kind: "suspension",
          offsetDays: 29,
          channels: ["partner-system"],
          chargesFee: false,
          services: ["power-meter"],
        },
      ] satisfies LadderStep[],
    });
    const from = utc("2025-03-01T00:00:00Z");
    const to = utc("2025-06-30T00:00:00Z");
    const consumer = simulate(power("2025-03-10", "consumer"), shortNotice, rules, from, to);
    expect(consumer.sent[0]).toMatchObject({ kind: "suspension-notice", on: "2025-03-24", deadline: "2025-04-21" });
    expect(consumer.sent[1]).toMatchObject({ kind: "suspension", on: "2025-04-22" });
    expect(consumer.sent[1]!.legalBasis).toContain("forbrukerkjøpsloven § 48 a");
    const business = simulate(power("2025-03-10", "business"), shortNotice, rules, from, to);
    expect(business.sent[0]).toMatchObject({ kind: "suspension-notice", on: "2025-03-24", deadline: "2025-04-07" });
    expect(business.sent[1]).toMatchObject({ kind: "suspension", on: "2025-04-08" });
  });

  it("never disconnects power without a notice", () => {
    const noNotice = LadderPolicy.parse({
      ...policy,
      steps: [
        {
          kind: "suspension",
          offsetDays: 30,
          channels: ["partner-system"],
          chargesFee: false,
          services: ["power-meter"],
        },
      ] satisfies LadderStep[],
    });
    const run = simulate(
      power("2025-03-10", "consumer"),
      noNotice,
      rules,
      utc("2025-03-01T00:00:00Z"),
      utc("2025-06-30T00:00:00Z"),
    );
    expect(run.sent).toEqual([]);
    const p = plan(run.case, noNotice, rules, utc("2025-06-30T10:00:00Z"));
    expect(p.kind).toBe("done");
    if (p.kind === "done")
      expect(p.reason).toContain("step 1 (suspension): no active service of this kind has had the required notice");
  });
});

describe("the ladder under any sequence of events (property)", () => {
  const at = (offset: number, hour: number) =>
    atLocalTime(addDays("2025-03-10", offset), `${String(hour).padStart(2, "0")}:00`, "Europe/Oslo");
  const timed = (offset: number, hour: number, event: CaseEvent) => [at(offset, hour), event] as const;
  const arbTimedEvent = fc.oneof(
    fc
      .record({
        o: fc.integer({ min: -5, max: 90 }),
        h: fc.integer({ min: 0, max: 23 }),
        amount: fc.integer({ min: 1, max: 80_000 }),
        ref: fc.integer({ min: 1, max: 20 }),
      })
      .map(({ o, h, amount, ref }) =>
        timed(o, h, {
          type: "payment",
          reference: `p${ref}`,
          amount: nok(amount),
          receivedOn: addDays("2025-03-10", o),
        }),
      ),
    fc
      .record({ o: fc.integer({ min: 0, max: 90 }), h: fc.integer({ min: 0, max: 23 }) })
      .map(({ o, h }) => timed(o, h, { type: "dispute-opened", on: addDays("2025-03-10", o), reason: "objection" })),
    fc
      .record({ o: fc.integer({ min: 0, max: 90 }), h: fc.integer({ min: 0, max: 23 }) })
      .map(({ o, h }) =>
        timed(o, h, { type: "dispute-resolved", on: addDays("2025-03-10", o), outcome: "claim-upheld" }),
      ),
    fc.record({ o: fc.integer({ min: 0, max: 90 }), d: fc.integer({ min: 1, max: 40 }) }).map(({ o, d }) =>
      timed(o, 12, {
        type: "deferral-granted",
        on: addDays("2025-03-10", o),
        newDueDate: addDays("2025-03-10", o + d),
      }),
    ),
    fc
      .record({ o: fc.integer({ min: 0, max: 90 }) })
      .map(({ o }) => timed(o, 12, { type: "hold", on: addDays("2025-03-10", o), reason: "hold" })),
    fc
      .record({ o: fc.integer({ min: 0, max: 90 }) })
      .map(({ o }) => timed(o, 13, { type: "resume", on: addDays("2025-03-10", o) })),
  );

  it("sends every message to the debtor only in contact hours, suspends only on allowed days, never exceeds the fee caps, and never sends after payment or during a dispute", () => {
    const c0 = aCase({
      services: [
        { serviceId: "bb-1", kind: "broadband" },
        { serviceId: "pm-1", kind: "power-meter" },
      ],
    });
    fc.assert(
      fc.property(fc.array(arbTimedEvent, { maxLength: 8 }), (events) => {
        const run = simulate(c0, policy, rules, utc("2025-03-01T00:00:00Z"), utc("2025-08-01T00:00:00Z"), events, true);
        const counts = { reminder: 0, "collection-notice": 0, "payment-demand": 0 };
        for (const a of run.sent) {
          if (contactsDebtor(a.kind)) expect(isWithinContactHours(a.at, "NO", rules.contactHours.value)).toBe(true);
          if (a.kind === "suspension") expect(isSuspensionAllowedDay(a.on, "NO")).toBe(true);
          if (a.fee) {
            expect(a.fee.amount.value).toBeLessThanOrEqual(
              feeCap(rules, a.kind as "reminder", a.on, "2025-03-10").value,
            );
            counts[a.kind as keyof typeof counts] += 1;
          }
        }
        expect(counts["payment-demand"]).toBeLessThanOrEqual(1);
        expect(counts.reminder + counts["collection-notice"]).toBeLessThanOrEqual(2);
        // every executed step happened while the case was open: applyEvent refuses anything else, and simulate
        // does not tolerate refused planned actions — so reaching here proves it
        const fees = run.case.ledger.filter((e) => e.type === "fee").length;
        expect(fees).toBe(counts.reminder + counts["collection-notice"] + counts["payment-demand"]);
      }),
      { numRuns: 80 },
    );
  });
});
