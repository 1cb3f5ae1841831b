/**
 * Powers of attorney on Min side (issue 15): a debtor signed in with BankID lets another person — a debt adviser, a
 * relative — see (`read`: claims, letters, timeline) or also act on (`act`: deferral, plan, dispute, "I have paid",
 * pay) all of their claims or chosen ones, from today for up to 12 months; lists the grants given and received;
 * revokes one (at once). A case number + PIN sign-in cannot grant: it is one case, not a person.
 *
 * - Storage: `PowerOfAttorneyStore`. The grantee's national id is typed once by the grantor and kept only as
 *   `personRef`, an HMAC-SHA256 under the Min side session secret (like the PIN: the number cannot be read back, and
 *   the grantee's sign-in finds its grants by computing the same HMAC).
 * - Access: `withHeldGrants` wraps the session resolver: for every request of a person it reads the grants that
 *   person holds and keeps those in force today (clock port, Europe/Oslo day): unrevoked, validFrom ≤ today ≤
 *   validUntil. `caseAccess` in subject.ts is the one rule the pages and actions apply with them.
 * - Evidence: granting, changing and revoking are timeline entries (`note`, via min-side) on every affected case and
 *   `case.debtor_action` webhooks (`attorney-granted`, `attorney-revoked`) with the grantor as actor and the grant's
 *   id, never a national id or the grantee's name.
 */
import { createHmac } from "node:crypto";
import { addMonths, isValidLocalDate, type LocalDate } from "../../domain/calendar";
import { isValidNorwegianNationalId } from "../../domain/identifiers/national-id";
import type { CaseRecord, CaseStore, PersonCases } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import type { EventPublisher } from "../../ports/event-publisher";
import type {
  AttorneyCaseRef,
  AttorneyScope,
  PowerOfAttorneyStore,
  StoredPowerOfAttorney,
} from "../../ports/power-of-attorney-store";
import type { Random } from "../../ports/random";
import { caseEvent, todayIn } from "../case-context";
import { eventMessages, relayOutbox, withOutbox } from "../outbox";
import { actorOf } from "./debtor-actions";
import type { HeldGrant, MinSideSession, MinSideSubject, ResolveMinSideSession } from "./subject";

/** The longest a power of attorney may run. */
export const MAX_ATTORNEY_MONTHS = 12;
/** At most this many of the grantor's claims are read (as the overview). */
const MAX_CLAIMS = 100;

export interface PowerOfAttorneyDeps {
  grants: PowerOfAttorneyStore;
  cases: CaseStore;
  personCases: PersonCases;
  events: EventPublisher;
  clock: Clock;
  random: Random;
}

/** HMAC-SHA256 (hex) of a national id under the secret: how grants name people. */
export function personRef(secret: string, nationalId: string): string {
  return createHmac("sha256", secret).update(`power-of-attorney:${nationalId}`, "utf8").digest("hex");
}

/** Oslo's day on the clock: powers of attorney are Norwegian (BankID). */
export function attorneyToday(clock: Clock): LocalDate {
  return todayIn("NO", clock.now());
}

export type GrantState = "active" | "expired" | "revoked" | "upcoming";

export function grantState(grant: StoredPowerOfAttorney, today: LocalDate): GrantState {
  if (grant.revokedAt) return "revoked";
  if (today < grant.validFrom) return "upcoming";
  return today > grant.validUntil ? "expired" : "active";
}

function held(grant: StoredPowerOfAttorney): HeldGrant {
  return {
    grantId: grant.id,
    grantorNationalId: grant.grantorNationalId,
    grantorName: grant.grantorName,
    scope: grant.scope,
    cases: grant.cases,
    validFrom: grant.validFrom,
    validUntil: grant.validUntil,
  };
}

/**
 * The session resolver with the powers of attorney the person holds now: read for every request (a revoked grant
 * stops at once, an expired one the day after its last), on the clock port.
 */
export function withHeldGrants(
  resolve: ResolveMinSideSession,
  deps: Pick<PowerOfAttorneyDeps, "grants" | "clock">,
  secret: string,
): ResolveMinSideSession {
  return async (request) => {
    const session = await resolve(request);
    if (!session || session.subject.kind !== "person") return session;
    const today = attorneyToday(deps.clock);
    const own = session.subject.nationalId;
    const grants = (await deps.grants.listByGrantee(personRef(secret, own))).filter(
      (g) => grantState(g, today) === "active" && g.grantorNationalId !== own,
    );
    if (grants.length === 0) return session;
    return { ...session, subject: { ...session.subject, held: grants.map(held) } };
  };
}

/** The person's own claims (never those held by attorney): what a grant may cover. */
async function ownCases(deps: PowerOfAttorneyDeps, nationalId: string): Promise<CaseRecord[]> {
  const records = await deps.personCases.listByNationalId(nationalId, MAX_CLAIMS);
  return records.filter((r) => r.customer.nationalId === nationalId);
}

const key = (r: { tenantId: string; caseId: string }) => `${r.tenantId}/${r.caseId}`;

function covers(grant: Pick<StoredPowerOfAttorney, "cases">, record: CaseRecord): boolean {
  return grant.cases === "all" || grant.cases.some((c) => key(c) === key(record));
}

export interface GrantView {
  grantId: string;
  /** Given: the grantee's name as the grantor typed it; received: the grantor's name. */
  name: string;
  scope: AttorneyScope;
  cases: "all" | Array<{ tenantId: string; caseId: string; invoiceNumber?: string }>;
  validFrom: LocalDate;
  validUntil: LocalDate;
  state: GrantState;
}

export interface PowerOfAttorneyPage {
  today: LocalDate;
  maxUntil: LocalDate;
  /** The grantor's own claims to choose from. */
  claims: Array<{ tenantId: string; caseId: string; invoiceNumber: string }>;
  given: GrantView[];
  received: GrantView[];
}

/** What the page shows: the person's claims to choose from, the grants given (every state) and those held now. */
export function makeLoadPowerOfAttorneyPage(deps: PowerOfAttorneyDeps, config: { secret: string }) {
  return async (subject: Extract<MinSideSubject, { kind: "person" }>): Promise<PowerOfAttorneyPage> => {
    const today = attorneyToday(deps.clock);
    const own = await ownCases(deps, subject.nationalId);
    const numbers = new Map(own.map((r) => [key(r), r.invoiceNumber]));
    const given = await deps.grants.listByGrantor(personRef(config.secret, subject.nationalId));
    const order = (a: GrantView, b: GrantView) =>
      Number(b.state === "active") - Number(a.state === "active") || b.validUntil.localeCompare(a.validUntil);
    return {
      today,
      maxUntil: addMonths(today, MAX_ATTORNEY_MONTHS),
      claims: own.map((r) => ({ tenantId: r.tenantId, caseId: r.caseId, invoiceNumber: r.invoiceNumber })),
      given: given
        .map((g): GrantView => ({
          grantId: g.id,
          name: g.granteeName,
          scope: g.scope,
          cases:
            g.cases === "all"
              ? "all"
              : g.cases.map((c) => {
                  const n = numbers.get(key(c));
                  return { ...c, ...(n ? { invoiceNumber: n } : {}) };
                }),
          validFrom: g.validFrom,
          validUntil: g.validUntil,
          state: grantState(g, today),
        }))
        .sort(order),
      received: (subject.held ?? []).map((g): GrantView => ({
        grantId: g.grantId,
        name: g.grantorName,
        scope: g.scope,
        cases: g.cases === "all" ? "all" : g.cases.map((c) => ({ ...c })),
        validFrom: g.validFrom,
        validUntil: g.validUntil,
        state: "active",
      })),
    };
  };
}

export type GrantField = "nationalId" | "name" | "scope" | "validUntil" | "cases";
export type GrantRefusal =
  | "national-id-invalid"
  | "national-id-self"
  | "name-missing"
  | "name-too-long"
  | "scope-invalid"
  | "until-invalid"
  | "until-range"
  | "cases-missing"
  | "no-claims";

export interface GrantInput {
  nationalId?: string;
  name?: string;
  scope?: string;
  validUntil?: string;
  /** "all", or "chosen" with `cases` ("tenantId/caseId" each). */
  which?: string;
  cases?: readonly string[];
}

export type GrantOutcome =
  | { kind: "done"; grantId: string; changed: boolean }
  | { kind: "refused"; errors: Array<{ field: GrantField; code: GrantRefusal }> };

/** Timeline entries and webhooks on the affected cases, one write each (the case is the outbox). */
async function recordOnCases(
  deps: PowerOfAttorneyDeps,
  session: MinSideSession,
  records: readonly CaseRecord[],
  action: "attorney-granted" | "attorney-revoked",
  grant: StoredPowerOfAttorney,
  title: string,
): Promise<void> {
  const actor = actorOf(session);
  const now = deps.clock.now();
  const terms = { grantRef: grant.id, scope: grant.scope, validFrom: grant.validFrom, validUntil: grant.validUntil };
  for (const r of records) {
    const written = await deps.cases.update(r.tenantId, r.caseId, (current) => {
      const entry = {
        at: now.toISOString(),
        kind: "note" as const,
        title,
        details: { action, ...terms, actor, via: "min-side" },
      };
      const event = caseEvent(
        "case.debtor_action",
        current,
        `${action}:${grant.id}:${String(current.timeline.length)}`,
        now,
        { action, actor, ...terms },
      );
      const next: CaseRecord = { ...current, timeline: [...current.timeline, entry], updatedAt: entry.at };
      return withOutbox(next, eventMessages([event]), now);
    });
    await relayOutbox(deps, written);
  }
}

/** A day as typed: 31.12.2026 (as Norwegians write it; 1- or 2-digit day and month) or 2026-12-31. */
export function parseDay(typed: string): LocalDate | undefined {
  const text = typed.trim();
  const nb = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/u.exec(text);
  const day = nb ? `${nb[3]!}-${nb[2]!.padStart(2, "0")}-${nb[1]!.padStart(2, "0")}` : text;
  return /^\d{4}-\d{2}-\d{2}$/u.test(day) && isValidLocalDate(day) ? day : undefined;
}

function parseCaseRef(value: string): AttorneyCaseRef | undefined {
  const m = /^([A-Za-z0-9_-]{1,80})\/([A-Za-z0-9_-]{1,80})$/u.exec(value);
  return m ? { tenantId: m[1]!, caseId: m[2]! } : undefined;
}

/**
 * POST fullmakter (grant): a power of attorney to the person with this national id, or new terms for the one this
 * grantor already gave that person (one grant per grantor and grantee: "change to act" replaces the scope, the
 * period and the claims). Every field is checked; every refusal names its field.
 */
export function makeGrantPowerOfAttorney(deps: PowerOfAttorneyDeps, config: { secret: string }) {
  return async (session: MinSideSession, input: GrantInput): Promise<GrantOutcome> => {
    if (session.subject.kind !== "person") throw new Error("a power of attorney needs a BankID sign-in");
    const grantorNationalId = session.subject.nationalId;
    const today = attorneyToday(deps.clock);
    const errors: Array<{ field: GrantField; code: GrantRefusal }> = [];
    const nationalId = (input.nationalId ?? "").replace(/[\s.-]/gu, "");
    if (!/^\d{11}$/u.test(nationalId) || !isValidNorwegianNationalId(nationalId))
      errors.push({ field: "nationalId", code: "national-id-invalid" });
    else if (nationalId === grantorNationalId) errors.push({ field: "nationalId", code: "national-id-self" });
    const name = (input.name ?? "").trim().replace(/\s+/gu, " ");
    if (name.length === 0) errors.push({ field: "name", code: "name-missing" });
    else if (name.length > 100) errors.push({ field: "name", code: "name-too-long" });
    const scope = input.scope === "read" || input.scope === "act" ? input.scope : undefined;
    if (!scope) errors.push({ field: "scope", code: "scope-invalid" });
    const until = parseDay(input.validUntil ?? "");
    const maxUntil = addMonths(today, MAX_ATTORNEY_MONTHS);
    if (!until) errors.push({ field: "validUntil", code: "until-invalid" });
    else if (until < today || until > maxUntil) errors.push({ field: "validUntil", code: "until-range" });
    const own = await ownCases(deps, grantorNationalId);
    let cases: "all" | AttorneyCaseRef[] = "all";
    if (own.length === 0) errors.push({ field: "cases", code: "no-claims" });
    else if (input.which !== "all") {
      const ownKeys = new Set(own.map(key));
      const chosen = (input.cases ?? [])
        .map(parseCaseRef)
        .filter((c): c is AttorneyCaseRef => c !== undefined && ownKeys.has(key(c)));
      if (chosen.length === 0) errors.push({ field: "cases", code: "cases-missing" });
      cases = [...new Map(chosen.map((c) => [key(c), c])).values()];
    }
    if (errors.length > 0 || !scope || !until) return { kind: "refused", errors };

    const granteeRef = personRef(config.secret, nationalId);
    const grantorRef = personRef(config.secret, grantorNationalId);
    const existing = (await deps.grants.listByGrantee(granteeRef)).find(
      (g) => g.grantorRef === grantorRef && grantState(g, today) === "active",
    );
    const now = deps.clock.now().toISOString();
    const grant: StoredPowerOfAttorney = {
      schemaVersion: 1,
      id: existing?.id ?? `poa-${Buffer.from(deps.random.bytes(12)).toString("hex")}`,
      granteeRef,
      grantorRef,
      grantorNationalId,
      grantorName: own[0]?.customer.name.slice(0, 200) || "—",
      granteeName: name,
      scope,
      cases,
      validFrom: existing?.validFrom ?? today,
      validUntil: until,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await deps.grants.put(grant);
    // The cases it covers now, and those it covered before and no longer does (they learn it ended for them).
    const affected = own.filter((r) => covers(grant, r) || (existing !== undefined && covers(existing, r)));
    await recordOnCases(
      deps,
      session,
      affected,
      "attorney-granted",
      grant,
      `Power of attorney ${existing ? "changed" : "given"} on Min side by the debtor: ${scope === "act" ? "read and act" : "read only"}, ${grant.validFrom} to ${grant.validUntil}${
        grant.cases === "all" ? ", all claims" : `, ${String(grant.cases.length)} chosen claim(s)`
      } (grant ${grant.id})`,
    );
    return { kind: "done", grantId: grant.id, changed: existing !== undefined };
  };
}

/** POST fullmakter/trekk-tilbake: the grantor revokes one of the grants they gave; it stops at once. */
export function makeRevokePowerOfAttorney(deps: PowerOfAttorneyDeps, config: { secret: string }) {
  return async (session: MinSideSession, grantId: string): Promise<"revoked" | "not-found"> => {
    if (session.subject.kind !== "person") return "not-found";
    const grantorRef = personRef(config.secret, session.subject.nationalId);
    const grant = (await deps.grants.listByGrantor(grantorRef)).find((g) => g.id === grantId);
    if (!grant || grant.revokedAt) return "not-found";
    const now = deps.clock.now().toISOString();
    const revoked = { ...grant, revokedAt: now, updatedAt: now };
    await deps.grants.put(revoked);
    const own = await ownCases(deps, session.subject.nationalId);
    await recordOnCases(
      deps,
      session,
      own.filter((r) => covers(grant, r)),
      "attorney-revoked",
      revoked,
      `Power of attorney revoked on Min side by the debtor, effective at once (grant ${grant.id})`,
    );
    return "revoked";
  };
}
