import { describe, expect, it } from "vitest";
import { cryptoRandom } from "../../../../shared/adapters/node/random.crypto";
import { webhookRetryDelayMs } from "../../../../shared/application/webhooks/retry-schedule";

describe("the crypto random source", () => {
  it("gives fractions in [0, 1) — the webhook retry's jitter used to throw on the first failed delivery", () => {
    for (let i = 0; i < 200; i += 1) {
      const f = cryptoRandom.fraction();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
    const delay = webhookRetryDelayMs(1, cryptoRandom)!;
    expect(delay).toBeGreaterThanOrEqual(4_500);
    expect(delay).toBeLessThan(5_500);
  });
});
