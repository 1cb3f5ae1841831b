import { describe, expect, it } from "vitest";
import { repeatabilityRequestId } from "../../../../shared/adapters/acs-sms/sms-sender.acs";

describe("repeatabilityRequestId", () => {
  it("derives the same version-5 style UUID from the same idempotency key", () => {
    const id = repeatabilityRequestId("case-7:reminder-1");
    expect(id).toBe(repeatabilityRequestId("case-7:reminder-1"));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("derives different ids from different keys", () => {
    expect(repeatabilityRequestId("case-7:reminder-1")).not.toBe(repeatabilityRequestId("case-7:reminder-2"));
  });

  it("uses a key that already is a UUID as it is, in lower case", () => {
    expect(repeatabilityRequestId("8F14E45F-CEEA-467F-A0E6-3C2B9B1A0D11")).toBe("8f14e45f-ceea-467f-a0e6-3c2b9b1a0d11");
  });
});
