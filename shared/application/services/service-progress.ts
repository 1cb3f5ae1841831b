/**
 * What the debtor is told about a service after paying (the receipt, the pay page): is it open again, being opened,
 * taking longer than it should, or still closed — and why. Derived from the service's state and last command only,
 * so every page that shows it tells the same story.
 */
import { timeZoneOf } from "../../domain/calendar";
import type { Case } from "../../domain/case";
import type { ManagedService } from "../../domain/service-lifecycle";

export type ServiceProgress =
  /** The partner confirmed the reopen order; `time` is its wall-clock time where the debtor lives (HH:MM). */
  | { kind: "reopened"; serviceKind: ManagedService["kind"]; time: string }
  /** A reopen order is on its way to (or with) the partner. */
  | { kind: "reopening"; serviceKind: ManagedService["kind"] }
  /** A reopen order failed or was not confirmed in time: operations were alerted, the debtor need do nothing. */
  | { kind: "reopen-delayed"; serviceKind: ManagedService["kind"] }
  /** Still closed: `manual` when customer service holds it, otherwise until what is overdue is paid. */
  | { kind: "closed"; serviceKind: ManagedService["kind"]; heldBy: "overdue" | "manual" };

/** The wall-clock time (HH:MM, 24 h) of an instant in the case's country. */
export function localTime(instant: Date, country: Case["country"]): string {
  return new Intl.DateTimeFormat("nb-NO", {
    timeZone: timeZoneOf(country),
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
}

/**
 * The progress of one service, or undefined when there is nothing to tell (it is open and was never closed by us).
 * A reopen confirmed before `since` (an earlier payment's) is not news on this receipt.
 */
export function serviceProgressOf(
  service: ManagedService,
  country: Case["country"],
  since?: Date,
): ServiceProgress | undefined {
  const command = service.lastCommand;
  const serviceKind = service.kind;
  const reopenOrder = command?.target === "active";
  switch (service.state) {
    case "active": {
      if (!reopenOrder || !command.confirmedAt) return undefined;
      const at = new Date(command.confirmedAt);
      if (since && at.getTime() < since.getTime()) return undefined;
      return { kind: "reopened", serviceKind, time: localTime(at, country) };
    }
    case "reopening":
      return { kind: "reopening", serviceKind };
    case "failed":
    case "escalated":
      // A failed suspend order leaves the service as it was (open): nothing to tell the debtor.
      return reopenOrder ? { kind: "reopen-delayed", serviceKind } : undefined;
    case "suspending":
    case "suspended":
      return {
        kind: "closed",
        serviceKind,
        heldBy: service.blockers.some((b) => b.kind === "manual") ? "manual" : "overdue",
      };
  }
}

/** The services of a case the debtor should hear about, in the case's order. */
export function servicesProgress(c: Case, since?: Date): ServiceProgress[] {
  return c.services.flatMap((s) => {
    const progress = serviceProgressOf(s, c.country, since);
    return progress ? [progress] : [];
  });
}
