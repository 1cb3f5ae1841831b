import { describe, expect, it } from "vitest";
import { applyEvent, feeHistoryOf, type CaseEvent } from "../../../shared/domain/case";
import { instalmentStandings } from "../../../shared/domain/instalment-plans";
import { plan } from "../../../shared/domain/planner";
import { defaultPolicy, LadderPolicy } from "../../../shared/domain/policy";
import { norwegianRules as rules } from "../../../shared/domain/rules";
import { aCase, nok } from "./case-fixtures";
import { simulate } from "./ladder-driver";

const policy = defaultPolicy("NO", "Fiber AS");
const utc = (iso: string) => new Date(iso);
const at = (day: string) => utc(`${day}T12:00:00Z`);
const agreed = (on: string, instalments: [string, number][]): [Date, CaseEvent] => [
  at(on),
  {
    type: "instalment-plan-agreed",
    on,
    instalments: instalments.map(([dueDate, ore]) => ({ dueDate, amount: nok(ore) })),
  },
];
const paid = (on: string, ore: number, reference = `p-${on}`): [Date, CaseEvent] => [
  at(on),
  { type: "payment", reference, amount: nok(ore), receivedOn: on },
];
const sentOf = (run: ReturnType<typeof simulate>) =>
  run.sent.map(
    (a) => `${a.kind} ${a.on}${a.instalment ? ` (${a.instalment.dueDate}, ${a.instalment.left.value})` : ""}`,
  );

describe("an agreed instalment plan runs by itself (due 2025-03-10, plan agreed 2025-03-12)", () => {
  it("reminds the debtor of each instalment three days before its due date, once each, and nothing else", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-12T00:00:00Z"), utc("2025-12-31T00:00:00Z"), [
      agreed("2025-03-12", [
        ["2025-04-01", 500_00],
        ["2025-05-01", 500_00],
      ]),
      paid("2025-04-01", 500_00),
      paid("2025-05-01", 600_00),
    ]);
    expect(sentOf(run)).toEqual([
      // 2025-03-29 is a Saturday: inside Saturday's contact hours at 09:00
      "instalment-reminder 2025-03-29 (2025-04-01, 50000)",
      "instalment-reminder 2025-04-28 (2025-05-01, 50000)",
    ]);
    expect(run.case.status).toBe("paid");
  });

  it("follows the creditor's reminder days", () => {
    const week = LadderPolicy.parse({ ...policy, instalmentReminderDaysBefore: 7 });
    const run = simulate(aCase(), week, rules, utc("2025-03-12T00:00:00Z"), utc("2025-04-02T00:00:00Z"), [
      agreed("2025-03-12", [
        ["2025-04-01", 500_00],
        ["2025-05-01", 500_00],
      ]),
    ]);
    expect(run.sent[0]).toMatchObject({ kind: "instalment-reminder", on: "2025-03-25" });
    expect(LadderPolicy.safeParse({ ...policy, instalmentReminderDaysBefore: 0 }).success).toBe(false);
    expect(LadderPolicy.safeParse({ ...policy, instalmentGraceDays: 31 }).success).toBe(false);
  });

  it("moves a reminder that would fall on a Sunday to the Saturday before, never later", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-12T00:00:00Z"), utc("2025-04-08T00:00:00Z"), [
      agreed("2025-03-12", [
        ["2025-04-09", 500_00], // a Wednesday: three days before is Sunday 2025-04-06
        ["2025-05-09", 500_00],
      ]),
    ]);
    expect(sentOf(run)).toEqual(["instalment-reminder 2025-04-05 (2025-04-09, 50000)"]);
  });

  it("sends no reminder for an instalment already paid: paying ahead covers the next ones", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-12T00:00:00Z"), utc("2025-12-31T00:00:00Z"), [
      agreed("2025-03-12", [
        ["2025-04-01", 400_00],
        ["2025-05-01", 400_00],
        ["2025-06-02", 200_00],
      ]),
      paid("2025-03-25", 800_00),
      paid("2025-06-02", 300_00),
    ]);
    expect(sentOf(run)).toEqual(["instalment-reminder 2025-05-30 (2025-06-02, 20000)"]);
  });

  it("counts a part payment, and ends the plan by itself when the rest is unpaid after the grace days", () => {
    const run = simulate(aCase(), policy, rules, utc("2025-03-12T00:00:00Z"), utc("2025-04-09T00:00:00Z"), [
      agreed("2025-03-12", [
        ["2025-04-01", 500_00],
        ["2025-05-01", 500_00],
      ]),
      paid("2025-04-01", 300_00),
    ]);
    expect(sentOf(run)).toEqual([
      "instalment-reminder 2025-03-29 (2025-04-01, 50000)",
      "instalment-missed 2025-04-08 (2025-04-01, 20000)",
      // the ladder resumes at once: the collection notice's day (due + 29) has come
      "collection-notice 2025-04-08",
    ]);
    expect(run.case.instalmentPlan).toMatchObject({ state: "broken", missed: { dueDate: "2025-04-01" } });
    expect(instalmentStandings(run.case, "2025-04-08").map((s) => s.state)).toEqual(["missed", "later"]);
  });

  it("resumes the ladder where it stood after a missed instalment: one letter now, none sent or charged twice", () => {
    // the reminder (purring) went on 2025-03-24 with its fee; the plan is agreed after it
    const run = simulate(aCase(), policy, rules, utc("2025-03-01T00:00:00Z"), utc("2025-06-30T00:00:00Z"), [
      agreed("2025-03-26", [
        ["2025-04-10", 500_00],
        ["2025-05-10", 520_00],
      ]),
    ]);
    const kinds = run.sent.map((a) => a.kind);
    expect(kinds.slice(0, 5)).toEqual([
      "lets-pay-sms",
      "reminder",
      "instalment-reminder",
      "instalment-missed",
      "collection-notice",
    ]);
    expect(kinds.filter((k) => k === "reminder")).toHaveLength(1);
    const missed = run.sent.find((a) => a.kind === "instalment-missed")!;
    const notice = run.sent.find((a) => a.kind === "collection-notice")!;
    // 2025-04-17 (due + 7 grace days) is Maundy Thursday and the 18th Good Friday: the first contact day is Saturday
    expect(missed.on).toBe("2025-04-19");
    expect(notice.on).toBe("2025-04-19"); // its day had come: it goes with the plan's end, not a month later
    expect(feeHistoryOf(run.case).letters.filter((l) => l.kind === "reminder")).toHaveLength(1);
  });

  it("tells what comes next while the plan runs: the reminder, then the day the plan would end", () => {
    const c = applyEvent(
      aCase(),
      agreed("2025-03-12", [
        ["2025-04-01", 500_00],
        ["2025-05-01", 520_00],
      ])[1],
      rules,
    );
    const reminded = applyEvent(c, { type: "instalment-reminded", on: "2025-03-29", dueDate: "2025-04-01" }, rules);
    expect(
      applyEvent(reminded, { type: "instalment-reminded", on: "2025-03-29", dueDate: "2025-04-01" }, rules),
    ).toEqual(reminded);
    const p = plan(reminded, policy, rules, utc("2025-03-30T10:00:00Z"));
    expect(p).toMatchObject({ kind: "wait", next: { kind: "instalment-missed", on: "2025-04-08", stepIndex: null } });
  });
});
