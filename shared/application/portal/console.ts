/**
 * The customer-service console (issue 16, `/portal/kundeservice`): find a person across every creditor the agency
 * serves, show that person's cases in one view, and the inbox of work. Only service agents and operators reach it
 * (`mayUseConsole`). Every lookup is a point read or a small indexed lookup — never a scan of every tenant's cases:
 *
 *   national id (11 digits, checked)  → the cases' national-id index (Min side's `listByNationalId`)
 *   phone (any format)                → the phone's lookup key (a SHA-256 of its E.164 form, `findByPhoneKey`)
 *   KID                               → `findByKid` (an equality on an indexed field)
 *   case id                           → a point read
 *   invoice number                    → a point read per creditor (the case id is derived from tenant and number)
 *   name (≥ 3 letters)                → a prefix of the normalised name (`findByNamePrefix`, the range index), at most 50
 *
 * The search string itself is never logged, stored or put in a URL (it may be a national id); the national id is
 * shown masked.
 */
import { balanceOf, type CaseStatus } from "../../domain/case";
import type { OwedToday } from "./owed-today";
import { caseIdFor } from "../../domain/case-id";
import { isValidNorwegianNationalId } from "../../domain/identifiers/national-id";
import type { Money } from "../../domain/money";
import { normalizeName, phoneKeyFromInput } from "../../domain/search-keys";
import { caseSearchFieldsOf, type CaseSearch } from "../../ports/case-search";
import type { CaseRecord, CaseStore, PersonCases } from "../../ports/case-store";
import type { Clock } from "../../ports/clock";
import type { MessageThreadStore } from "../../ports/message-thread-store";
import type { TenantDirectory } from "../../ports/tenant-directory";
import type { WorkItemStore, WorkKind } from "../../ports/work-item-store";
import { seesAllTenants, type Staff } from "./access";
import { MAX_SEARCH_LENGTH } from "./case-list";

/** The most cases one lookup returns. */
export const CONSOLE_LOOKUP_LIMIT = 50;
export const MIN_CONSOLE_NAME_LENGTH = 3;

/** The console is customer service's: service agents and operators. A creditor's own staff get a 404. */
export function mayUseConsole(staff: Staff): boolean {
  return seesAllTenants(staff);
}

export type LookupKind = "national-id" | "phone" | "kid" | "case-id" | "invoice-number" | "name";

/** What a search string can be, each with the key it is looked up by. */
export function lookupsFor(raw: string): Array<{ kind: LookupKind; key: string }> {
  const q = raw.trim();
  if (q.length === 0 || q.length > MAX_SEARCH_LENGTH) return [];
  const lookups: Array<{ kind: LookupKind; key: string }> = [];
  const digits = q.replace(/[\s.-]/gu, "");
  if (/^[0-9]{11}$/u.test(digits) && isValidNorwegianNationalId(digits))
    lookups.push({ kind: "national-id", key: digits });
  if (/^[+0-9()\s.-]{8,20}$/u.test(q)) {
    const phoneKey = phoneKeyFromInput(q);
    if (phoneKey) lookups.push({ kind: "phone", key: phoneKey });
  }
  if (/^[0-9]{2,25}$/u.test(q)) lookups.push({ kind: "kid", key: q });
  if (/^c_[a-z2-7]{26}$/u.test(q)) lookups.push({ kind: "case-id", key: q });
  if (/^[\p{L}\p{N}._/-]{1,50}$/u.test(q)) lookups.push({ kind: "invoice-number", key: q });
  const name = normalizeName(q);
  if (/\p{L}/u.test(q) && name.length >= MIN_CONSOLE_NAME_LENGTH) lookups.push({ kind: "name", key: name });
  return lookups;
}

/** "010190 *****": the birth date part of a national id, the personal number hidden. */
export function maskNationalId(nationalId: string): string {
  return `${nationalId.slice(0, 6)} *****`;
}

export interface ConsoleCase {
  tenantId: string;
  creditorName: string;
  caseId: string;
  invoiceNumber: string;
  owed: Money;
  status: CaseStatus;
  stage: string;
  dueDate: string;
  services: Array<{ kind: string; state: string }>;
}

export interface ConsolePerson {
  name: string;
  /** Masked ("010190 *****"); absent when the creditors sent none. */
  nationalIdMasked?: string;
  phone?: string;
  cases: ConsoleCase[];
}

export interface ConsoleDeps {
  cases: CaseStore;
  personCases: PersonCases;
  caseSearch: CaseSearch;
  tenantDirectory: TenantDirectory;
  /** Today's owed, as the case page shows it; without it, the balance at each case's last change. */
  owedToday?: OwedToday;
}

/** The key one person's cases share: the national id, else the phone, else the creditor's own customer id. */
function personKeyOf(r: CaseRecord): string {
  if (r.customer.nationalId) return `nid:${r.customer.nationalId}`;
  const phoneKey = caseSearchFieldsOf(r).phoneKey;
  if (phoneKey) return `phone:${phoneKey}`;
  return `customer:${r.tenantId}:${r.customerId}`;
}

/** Finds the people a search string names and each one's cases across creditors, grouped by person. */
export function makeFindPerson(deps: ConsoleDeps) {
  return async (q: string): Promise<ConsolePerson[]> => {
    const lookups = lookupsFor(q);
    if (lookups.length === 0) return [];
    const tenants = await deps.tenantDirectory.list(500);
    const found = new Map<string, CaseRecord>();
    const add = (records: ReadonlyArray<CaseRecord | undefined>) => {
      for (const r of records) if (r) found.set(r.caseId, r);
    };
    for (const { kind, key } of lookups) {
      if (kind === "national-id") add(await deps.personCases.listByNationalId(key, CONSOLE_LOOKUP_LIMIT));
      else if (kind === "phone") add(await deps.caseSearch.findByPhoneKey(key, CONSOLE_LOOKUP_LIMIT));
      else if (kind === "kid") add([await deps.cases.findByKid(key)]);
      else if (kind === "case-id") add([await deps.cases.getById(key)]);
      else if (kind === "invoice-number")
        add(await Promise.all(tenants.map((t) => deps.cases.get(t.tenantId, caseIdFor(t.tenantId, key)))));
      else add(await deps.caseSearch.findByNamePrefix(key, CONSOLE_LOOKUP_LIMIT));
    }
    // One view of each person: the rest of their cases, at every creditor, by the key they share.
    const people = new Map<string, CaseRecord>();
    for (const r of found.values()) people.set(personKeyOf(r), r);
    if (people.size <= 5) {
      for (const r of people.values()) {
        if (r.customer.nationalId)
          add(await deps.personCases.listByNationalId(r.customer.nationalId, CONSOLE_LOOKUP_LIMIT));
        else {
          const phoneKey = caseSearchFieldsOf(r).phoneKey;
          if (phoneKey) add(await deps.caseSearch.findByPhoneKey(phoneKey, CONSOLE_LOOKUP_LIMIT));
        }
      }
    }
    const names = new Map(tenants.map((t) => [t.tenantId, t.name]));
    const grouped = new Map<string, ConsolePerson>();
    const sorted = [...found.values()]
      .filter((r) => names.has(r.tenantId))
      .sort((a, b) => a.case.dueDate.localeCompare(b.case.dueDate) || a.caseId.localeCompare(b.caseId));
    for (const r of sorted) {
      const key = personKeyOf(r);
      let person = grouped.get(key);
      if (!person) {
        person = {
          name: r.customer.name,
          ...(r.customer.nationalId ? { nationalIdMasked: maskNationalId(r.customer.nationalId) } : {}),
          ...(r.customer.phone ? { phone: r.customer.phone } : {}),
          cases: [],
        };
        grouped.set(key, person);
      }
      person.cases.push({
        tenantId: r.tenantId,
        creditorName: names.get(r.tenantId) ?? r.tenantId,
        caseId: r.caseId,
        invoiceNumber: r.invoiceNumber,
        owed: deps.owedToday ? deps.owedToday(r) : balanceOf(r.case).total,
        status: r.case.status,
        stage: r.case.stage,
        dueDate: r.case.dueDate,
        services: r.case.services.map((s) => ({ kind: s.kind, state: s.state })),
      });
    }
    return [...grouped.values()];
  };
}
export type FindPerson = ReturnType<typeof makeFindPerson>;

export type InboxKind = WorkKind | "reopen-delayed";

export interface InboxItem {
  kind: InboxKind;
  tenantId: string;
  creditorName: string;
  caseId: string;
  invoiceNumber: string;
  /** When the work came (ISO instant). */
  since: string;
  /** Whole hours it has waited. */
  ageHours: number;
}

export interface InboxDeps {
  cases: CaseStore;
  /** Absent: the inbox lists the delayed reopens only. */
  workItems?: WorkItemStore;
  messageThreads: MessageThreadStore;
  tenantDirectory: TenantDirectory;
  clock: Clock;
}

/** Is the work still to do? Work found done (answered elsewhere, the dispute decided, the case paid) is cleared. */
async function stillOpen(deps: InboxDeps, kind: WorkKind, record: CaseRecord): Promise<boolean> {
  if (kind === "dispute") return record.case.status === "disputed";
  if (kind === "payment-report")
    return (
      record.case.status !== "paid" &&
      record.case.status !== "cancelled" &&
      record.timeline.some((e) => e.details?.["action"] === "payment-reported")
    );
  const thread = await deps.messageThreads.get(record.tenantId, record.caseId);
  return thread?.messages.at(-1)?.from === "debtor";
}

/**
 * The inbox: the work items (one query, oldest first) and the reopens the partner has not confirmed in time (the
 * case store's service-work index: escalated services), oldest first, each with its age.
 */
export function makeInbox(deps: InboxDeps, limit = 100) {
  return async (): Promise<InboxItem[]> => {
    const now = deps.clock.now();
    const names = new Map((await deps.tenantDirectory.list(500)).map((t) => [t.tenantId, t.name]));
    const items: InboxItem[] = [];
    const item = (kind: InboxKind, record: CaseRecord, since: string): InboxItem => ({
      kind,
      tenantId: record.tenantId,
      creditorName: names.get(record.tenantId) ?? record.tenantId,
      caseId: record.caseId,
      invoiceNumber: record.invoiceNumber,
      since,
      ageHours: Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 3_600_000)),
    });
    for (const work of (await deps.workItems?.list(limit)) ?? []) {
      const record = await deps.cases.get(work.tenantId, work.caseId);
      if (!record || !(await stillOpen(deps, work.kind, record))) {
        await deps.workItems?.clear(work.kind, work.caseId);
        continue;
      }
      items.push(item(work.kind, record, work.createdAt));
    }
    const pending = await deps.cases.listCaseIdsWithServiceWork("pending", { limit });
    for (const caseId of pending.items) {
      const record = await deps.cases.getById(caseId);
      const delayed = record?.case.services.filter((s) => s.state === "escalated" && s.lastCommand) ?? [];
      if (!record || delayed.length === 0) continue;
      const since = delayed.map((s) => s.lastCommand!.issuedAt).sort()[0]!;
      items.push(item("reopen-delayed", record, since));
    }
    return items.sort((a, b) => a.since.localeCompare(b.since) || a.caseId.localeCompare(b.caseId));
  };
}
export type Inbox = ReturnType<typeof makeInbox>;
