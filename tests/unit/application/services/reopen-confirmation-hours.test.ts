/**
 * The service-reopened confirmation is exempt from contact hours (issue 12, item 4; the reasoning is at `confirmBySms`
 * in shared/application/services/partner-commands.ts): it answers the debtor's own payment, so it goes at once even on
 * a Sunday night — unlike every ladder message, which waits for the next contact window.
 */
import { describe, expect, it } from "vitest";
import {
  currentCommandId,
  partnerFinishes,
  payInFull,
  sendQueued,
  servicesWorld,
  suspendedCase,
} from "./services-fixtures";

describe("the service-reopened confirmation and contact hours", () => {
  it("confirms a line reopened on a Sunday night at once, with the time it opened", async () => {
    const w = await servicesWorld(); // suspended on a Tuesday, an allowed day
    const caseId = await suspendedCase(w);
    expect(w.sms).toEqual([]);

    // Sunday 2026-12-13, 23:30 in Oslo: outside contact hours
    w.advance(Date.parse("2026-12-13T22:30:00Z") - w.clock.now().getTime());
    await payInFull(w, caseId);
    await sendQueued(w);
    await partnerFinishes(w, await currentCommandId(w, caseId));

    expect(w.sms).toHaveLength(1);
    expect(w.sms[0]!.text).toContain("åpnet igjen kl. 23:30");
  });
});
