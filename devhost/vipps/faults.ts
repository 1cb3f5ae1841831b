/**
 * Faults a test or developer can switch on in the Vipps simulator: repeated webhook deliveries and failing the next
 * N API calls with a chosen status.
 */
import type { DevLogger } from "../logger";

export interface VippsSimulatorFaults {
  /** Send every webhook delivery this many times (identical signed copies: a repeated delivery). */
  duplicateWebhooks: number;
  /** Answer the next N ePayment/webhooks API calls with `status`. */
  failNext: number;
  status: number;
}

const NO_FAULTS: VippsSimulatorFaults = { duplicateWebhooks: 1, failNext: 0, status: 500 };

export class Faults {
  private faults: VippsSimulatorFaults = { ...NO_FAULTS };

  constructor(private readonly logger: DevLogger) {}

  get current(): Readonly<VippsSimulatorFaults> {
    return this.faults;
  }

  /** Changes the named settings (after going back to no faults, with `reset`) and returns the result. */
  set(faults: Partial<VippsSimulatorFaults> & { reset?: boolean }): VippsSimulatorFaults {
    if (faults.reset) this.faults = { ...NO_FAULTS };
    this.faults = {
      duplicateWebhooks: faults.duplicateWebhooks ?? this.faults.duplicateWebhooks,
      failNext: faults.failNext ?? this.faults.failNext,
      status: faults.status ?? this.faults.status,
    };
    this.logger.info("vipps simulator faults set", { ...this.faults });
    return { ...this.faults };
  }

  /** The status to fail this API call with (using up one of `failNext`), or undefined. */
  takeFailure(): number | undefined {
    if (this.faults.failNext <= 0) return undefined;
    this.faults.failNext--;
    return this.faults.status;
  }
}
