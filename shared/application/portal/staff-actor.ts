/**
 * Who did a staff action on a case, as the case's own timeline records it (issue 16): the staff user's provider
 * subject, the name they signed in with (as it was at the time) and the role they acted in — the counterpart of Min
 * side's `MinSideActor` (`details.actor` of the entry; `debtor-attorney` there, `staff` here). The partner API's case
 * timeline shows it as "by staff <name> (<role>)"; never a national id, never a session id.
 */
import type { StaffRole } from "../../ports/staff-identity-provider";
import type { Staff } from "./access";

export interface StaffActor {
  kind: "staff";
  subject: string;
  name: string;
  role: StaffRole;
}

/** The role a staff user acts in: the widest they hold. */
const ROLE_ORDER: readonly StaffRole[] = ["operator", "service.agent", "creditor.editor", "creditor.viewer"];

export function staffActorOf(staff: Staff): StaffActor {
  const role = ROLE_ORDER.find((r) => staff.roles.includes(r)) ?? "creditor.viewer";
  return { kind: "staff", subject: staff.subject, name: staff.displayName, role };
}

const ROLE_WORDS: Record<StaffRole, string> = {
  "creditor.viewer": "creditor",
  "creditor.editor": "creditor",
  "service.agent": "customer service",
  operator: "operations",
};

/** " by staff Erik Endring (creditor)" — the tail of an English timeline title; "" without an actor. */
export function byStaff(actor: StaffActor | undefined): string {
  return actor ? ` by staff ${actor.name} (${ROLE_WORDS[actor.role]})` : "";
}

/** Whether a timeline entry's `details.actor` is a staff actor (entries from before carry none). */
export function staffActorIn(details: Record<string, unknown> | undefined): StaffActor | undefined {
  const actor = details?.["actor"] as Partial<StaffActor> | undefined;
  return actor?.kind === "staff" && typeof actor.name === "string" && typeof actor.role === "string"
    ? (actor as StaffActor)
    : undefined;
}
