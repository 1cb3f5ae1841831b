/**
 * Issue 12, item 4: every message to the debtor keeps to the contact hours of the rule table — not only the Let's pay
 * SMS, but each letter with its SMS alert and the power notice's personal alert. Norway (Prop. 3 L (2025–2026),
 * unconfirmed): weekdays 08:00–21:00, Saturdays 09:00–15:00, never on Sundays or public holidays.
 */
import { describe, expect, it } from "vitest";
import { plan, contactsDebtor, type PlannedAction } from "../../../shared/domain/planner";
import type { OpenCaseInput } from "../../../shared/domain/case";
import { defaultPolicy, LadderPolicy, type StepKind } from "../../../shared/domain/policy";
import { norwegianRules as rules } from "../../../shared/domain/rules";
import { aCase } from "./case-fixtures";
import { simulate } from "./ladder-driver";
import { outsideContactHours } from "./oslo-contact-oracle";

const policy = defaultPolicy("NO", "Fiber AS");
const utc = (iso: string) => new Date(iso);

function walk(
  dueDate: string,
  from: string,
  to: string,
  p: LadderPolicy = policy,
  services: OpenCaseInput["services"] = [],
) {
  const c = aCase({ dueDate, issueDate: "2025-01-01", services });
  return simulate(c, p, rules, utc(from), utc(to)).sent;
}

function step(sent: PlannedAction[], kind: PlannedAction["kind"]): PlannedAction {
  const found = sent.find((a) => a.kind === kind);
  expect(found, `${kind} was not sent`).toBeDefined();
  return found!;
}

describe("contact hours for every message to the debtor", () => {
  it("knows which steps reach the debtor: the SMS and every letter, not a suspension or the hand-off", () => {
    expect(
      (["lets-pay-sms", "reminder", "collection-notice", "payment-demand", "suspension-notice"] as StepKind[]).every(
        contactsDebtor,
      ),
    ).toBe(true);
    expect(contactsDebtor("suspension")).toBe(false);
    expect(contactsDebtor("legal-handoff")).toBe(false);
  });

  it("moves a reminder (and its SMS alert) that falls due on a Sunday to Monday 08:00, its deadline counted from Monday", () => {
    // due Sunday 2026-11-29: the reminder's day, due + 14, is Sunday 2026-12-13
    const sent = walk("2026-11-29", "2026-11-30T10:00:00Z", "2026-12-20T00:00:00Z");
    const reminder = step(sent, "reminder");
    expect(reminder.at.toISOString()).toBe("2026-12-14T07:00:00.000Z"); // Monday 08:00 Oslo (CET)
    expect(reminder.on).toBe("2026-12-14");
    expect(reminder.deadline).toBe("2026-12-28");
    // the Let's pay SMS at due + 7, also a Sunday, as before
    expect(step(sent, "lets-pay-sms").at.toISOString()).toBe("2026-12-07T07:00:00.000Z");
  });

  it("plans nothing for Christmas Day: a reminder due then goes on the next day the debtor may be contacted", () => {
    // 2026: Friday 25th and Saturday 26th are public holidays, the 27th a Sunday → Monday 28 December, 08:00
    const sent2026 = walk("2026-12-11", "2026-12-12T10:00:00Z", "2027-01-05T00:00:00Z");
    expect(step(sent2026, "reminder").at.toISOString()).toBe("2026-12-28T07:00:00.000Z");
    // 2025: Thursday 25th and Friday 26th are public holidays → Saturday 27 December, at the Saturday opening 09:00
    const sent2025 = walk("2025-12-11", "2025-12-12T10:00:00Z", "2026-01-05T00:00:00Z");
    expect(step(sent2025, "reminder").at.toISOString()).toBe("2025-12-27T08:00:00.000Z");
  });

  it("keeps to the Saturday window: not before 09:00 even when the creditor sends at 08:00, and not after 15:00", () => {
    const early = LadderPolicy.parse({ ...policy, sendAt: "08:00" });
    // due Saturday 2026-11-21: the SMS (due + 7) and the reminder (due + 14) fall on Saturdays
    const sent = walk("2026-11-21", "2026-11-22T10:00:00Z", "2026-12-10T00:00:00Z", early);
    expect(step(sent, "lets-pay-sms").at.toISOString()).toBe("2026-11-28T08:00:00.000Z"); // Saturday 09:00 Oslo
    expect(step(sent, "reminder").at.toISOString()).toBe("2026-12-05T08:00:00.000Z");

    // a late creditor hour on a Saturday is past the window: Monday 08:00 (Sunday is never a contact day)
    const late = LadderPolicy.parse({ ...policy, sendAt: "16:00" });
    const lateSent = walk("2026-11-21", "2026-11-22T10:00:00Z", "2026-12-10T00:00:00Z", late);
    expect(step(lateSent, "reminder").at.toISOString()).toBe("2026-12-07T07:00:00.000Z");
    // on a weekday 16:00 is inside the window and kept
    const weekday = walk("2026-11-23", "2026-11-24T10:00:00Z", "2026-12-10T00:00:00Z", late);
    expect(step(weekday, "reminder").at.toISOString()).toBe("2026-12-07T15:00:00.000Z");
  });

  it("catches up a missed step at the next window, not at the hour the system came back (Saturday 15:30 → Monday 08:00)", () => {
    const c = aCase({ dueDate: "2026-11-10", issueDate: "2026-10-27" });
    const p = plan(c, policy, rules, utc("2026-12-05T14:30:00Z")); // Saturday 15:30 Oslo
    // due + 25: the reminder fits now (the Let's pay SMS is passed over), at the next window
    expect(p).toMatchObject({ kind: "act", action: { kind: "reminder", passesOver: [{ kind: "lets-pay-sms" }] } });
    if (p.kind === "act") expect(p.action.at.toISOString()).toBe("2026-12-07T07:00:00.000Z");
  });

  it("sends the power disconnection notice (told personally by SMS) on Monday when its day is a Sunday", () => {
    const sent = walk("2026-11-29", "2026-11-30T10:00:00Z", "2026-12-20T00:00:00Z", policy, [
      { serviceId: "pm-1", kind: "power-meter" },
    ]);
    const notice = step(sent, "suspension-notice");
    expect(notice.at.toISOString()).toBe("2026-12-14T07:00:00.000Z");
    for (const a of sent.filter((x) => contactsDebtor(x.kind))) expect(outsideContactHours(a.at)).toBeNull();
  });
});
