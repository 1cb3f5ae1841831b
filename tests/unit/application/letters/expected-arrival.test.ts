import { describe, expect, it } from "vitest";
import { expectedArrival } from "../../../../shared/application/letters/deliver-letter";

describe("the day a letter is expected to reach the debtor", () => {
  it("is today for e-mail and the digital mailbox", () => {
    const saturday = new Date("2026-12-05T20:00:00Z");
    expect(expectedArrival("email", saturday, "NO")).toBe("2026-12-05");
    expect(expectedArrival("digital-mailbox", saturday, "NO")).toBe("2026-12-05");
  });

  it("is, by post, the second business day after the batch the letter makes (13:00 Oslo on business days)", () => {
    // Friday 09:00 Oslo: Friday's batch, posted on Tuesday.
    expect(expectedArrival("print", new Date("2026-12-04T08:00:00Z"), "NO")).toBe("2026-12-08");
    // Friday 14:00 Oslo: Monday's batch, posted on Wednesday.
    expect(expectedArrival("print", new Date("2026-12-04T13:00:00Z"), "NO")).toBe("2026-12-09");
    // Sunday: Monday's batch.
    expect(expectedArrival("print", new Date("2026-12-06T10:00:00Z"), "NO")).toBe("2026-12-09");
    // Written on Wednesday 23 December: the 24th is a business day, Christmas Day, Boxing Day and the weekend are not.
    expect(expectedArrival("print", new Date("2026-12-23T08:00:00Z"), "NO")).toBe("2026-12-28");
  });
});
