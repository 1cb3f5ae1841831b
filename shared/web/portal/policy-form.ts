/**
 * The ladder policy editor's plain HTML form (portal, issue 16): a policy as form values, and posted form values back
 * into a policy. Amounts are entered in kroner ("1 234,50", "1234.50", "100,-") and stored in øre; a value that does
 * not fit answers a message naming the field (never a 5xx). Saving goes through the same use case as
 * `PUT /api/v1/policy` (`makePutPolicy`, `validatePolicy`).
 *
 * KEEPS WHAT IT DOES NOT EDIT: the form is laid over the tenant's current policy — policy-wide fields the form has no
 * input for (the allocation order, and any field added to the schema later) are kept as they are, and each step row
 * carries the index of the step it came from (`s{i}_orig`), so a step's fields the form does not show stay too.
 */
import { Channel, LadderPolicy, StepKind, type LadderStep } from "../../domain/policy";
import { ServiceKind } from "../../domain/rules/rule-set";
import type { PortalLang } from "./pages";

/** Policy-wide inputs: amounts (kroner), whole numbers, times. */
const AMOUNT_FIELDS = ["minimumPayLinkAmount", "reopenMinimum", "minimumInstalment"] as const;
const INTEGER_FIELDS = [
  "minSmsIntervalHours",
  "maxDeferralDays",
  "maxInstalmentMonths",
  "instalmentReminderDaysBefore",
  "instalmentGraceDays",
] as const;
const TIME_FIELDS = ["sendAt", "suspendAt", "suspendLatest"] as const;
export const POLICY_FIELDS = ["senderName", ...AMOUNT_FIELDS, ...INTEGER_FIELDS, ...TIME_FIELDS] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];

/** Most step rows a form may post (the ladder's steps plus one new row, with room to spare). */
export const MAX_STEP_ROWS = 40;

export interface StepFormValues {
  /** The index of the step this row edits in the current policy; "" for a new step. */
  orig: string;
  /** "" in the empty "new step" row: no step. */
  kind: string;
  offsetDays: string;
  /** Channels in order, comma-separated. */
  channels: string;
  chargesFee: boolean;
  deadlineDays: string;
  services: string[];
  blackoutFrom: string;
  blackoutTo: string;
  remove: boolean;
}

export interface PolicyFormValues {
  fields: Record<PolicyField, string>;
  steps: StepFormValues[];
}

export interface FieldError {
  /** The input's id (`minimumPayLinkAmount`, `s2_offsetDays`). */
  field: string;
  /** The field as the page labels it. */
  label: string;
  message: string;
}

export type PolicyFormResult =
  | {
      ok: true;
      policy: LadderPolicy;
      /** For each step of `policy`, the form row it came from (to show a problem next to its row). */
      rows: number[];
    }
  | { ok: false; errors: FieldError[] };

const LABELS = {
  nb: {
    senderName: "Avsendernavn",
    minimumPayLinkAmount: "Minste beløp for betalingslenke (kr)",
    reopenMinimum: "Gjenåpne når utestående er høyst (kr)",
    minimumInstalment: "Minste avdrag (kr)",
    minSmsIntervalHours: "Minst timer mellom SMS",
    maxDeferralDays: "Lengste utsettelse uten søknad (dager)",
    maxInstalmentMonths: "Flest avdrag (måneder)",
    instalmentReminderDaysBefore: "Påminnelse før avdrag (dager)",
    instalmentGraceDays: "Frist før avdrag regnes som misligholdt (dager)",
    sendAt: "Sendetidspunkt",
    suspendAt: "Stengetidspunkt",
    suspendLatest: "Seneste stengetidspunkt",
    kind: "Steg",
    offsetDays: "Dager etter forfall",
    channels: "Kanaler i rekkefølge",
    deadlineDays: "Betalingsfrist (dager)",
    services: "Tjenester",
    blackoutFrom: "Ikke steng fra (MM-DD)",
    blackoutTo: "Ikke steng til (MM-DD)",
    step: "Steg {n}",
  },
  en: {
    senderName: "Sender name",
    minimumPayLinkAmount: "Smallest amount for a pay link (NOK)",
    reopenMinimum: "Reopen when at most this is owed (NOK)",
    minimumInstalment: "Smallest instalment (NOK)",
    minSmsIntervalHours: "Fewest hours between SMS",
    maxDeferralDays: "Longest deferral without asking (days)",
    maxInstalmentMonths: "Most instalments (months)",
    instalmentReminderDaysBefore: "Reminder before an instalment (days)",
    instalmentGraceDays: "Days before an instalment counts as missed",
    sendAt: "Send time",
    suspendAt: "Suspension time",
    suspendLatest: "Latest suspension time",
    kind: "Step",
    offsetDays: "Days after the due date",
    channels: "Channels in order",
    deadlineDays: "Payment deadline (days)",
    services: "Services",
    blackoutFrom: "No suspension from (MM-DD)",
    blackoutTo: "No suspension until (MM-DD)",
    step: "Step {n}",
  },
} as const;

export type StepFieldName =
  "kind" | "offsetDays" | "channels" | "deadlineDays" | "services" | "blackoutFrom" | "blackoutTo";

export function policyFieldLabel(field: PolicyField | StepFieldName, lang: PortalLang): string {
  return LABELS[lang][field];
}

const MESSAGES = {
  nb: {
    amount: "Skriv et beløp i kroner, for eksempel 1 234,50.",
    integer: "Skriv et helt tall fra {min} til {max}.",
    time: "Skriv et klokkeslett TT:MM, for eksempel 09:00.",
    required: "Må fylles ut.",
    senderName: "Høyst 11 tegn.",
    kind: "Velg et steg.",
    channels: "Skriv én eller flere kanaler, skilt med komma: {all}.",
    services: "Ukjent tjeneste.",
    monthDay: "Skriv en dag MM-DD, for eksempel 11-15, i begge feltene.",
    noSteps: "Inndrivingsløpet må ha minst ett steg.",
    tooMany: "For mange steg.",
    invalid: "Ugyldig verdi.",
  },
  en: {
    amount: "Enter an amount in kroner, for example 1234.50.",
    integer: "Enter a whole number from {min} to {max}.",
    time: "Enter a time HH:MM, for example 09:00.",
    required: "Required.",
    senderName: "At most 11 characters.",
    kind: "Choose a step.",
    channels: "Enter one or more channels, separated by commas: {all}.",
    services: "Unknown service.",
    monthDay: "Enter a day MM-DD, for example 11-15, in both fields.",
    noSteps: "The ladder needs at least one step.",
    tooMany: "Too many steps.",
    invalid: "Invalid value.",
  },
} as const;

const INTEGER_RANGES: Record<(typeof INTEGER_FIELDS)[number], readonly [number, number]> = {
  minSmsIntervalHours: [1, 168],
  maxDeferralDays: [0, 90],
  maxInstalmentMonths: [0, 36],
  instalmentReminderDaysBefore: [1, 14],
  instalmentGraceDays: [1, 30],
};

/**
 * Kroner as written by a person → øre: "1 234,50", "1234.50", "1.234,50", "1,234.50", "100,-", "kr 100". Undefined for
 * anything else (negative, more than two decimals, letters, too large) and for what could be read two ways: "12,345"
 * and "1.234" (thousands, or three decimals?) are refused, with a message asking for an example's form.
 */
export function parseKroner(input: string): number | undefined {
  let s = input
    .trim()
    .replace(/^(kr\.?|nok)\s*/iu, "")
    .replace(/\s*(kr\.?|nok)$/iu, "")
    .replace(/[\s\u00a0\u202f]/gu, "")
    .replace(/[,.]-$/u, "");
  if (s === "") return undefined;
  let whole: string;
  let fraction: string;
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)(?:[.,](\d{1,2}))?$/u.exec(s))) {
    whole = m[1]!;
    fraction = m[2] ?? "";
  } else if ((m = /^(\d{1,3}(?:\.\d{3})+),(\d{1,2})$/u.exec(s))) {
    whole = m[1]!.replaceAll(".", "");
    fraction = m[2] ?? "";
  } else if ((m = /^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$/u.exec(s))) {
    whole = m[1]!.replaceAll(",", "");
    fraction = m[2] ?? "";
  } else {
    return undefined;
  }
  s = `${whole}${fraction.padEnd(2, "0")}`;
  const ore = Number(s);
  return Number.isSafeInteger(ore) ? ore : undefined;
}

/** Øre → kroner as the form shows them: "1 234,50" (bokmål), "1234.50" (English). */
export function formatKroner(ore: number, lang: PortalLang): string {
  const whole = Math.trunc(ore / 100);
  const fraction = String(Math.abs(ore % 100)).padStart(2, "0");
  if (lang === "en") return `${String(whole)}.${fraction}`;
  return `${String(whole).replace(/\B(?=(\d{3})+(?!\d))/gu, " ")},${fraction}`;
}

/** The current policy as form values (plus one empty row for a new step). */
export function policyToForm(policy: LadderPolicy, lang: PortalLang): PolicyFormValues {
  const fields: Record<PolicyField, string> = {
    senderName: policy.senderName,
    minimumPayLinkAmount: formatKroner(policy.minimumPayLinkAmount.value, lang),
    reopenMinimum: formatKroner(policy.reopenMinimum.value, lang),
    minimumInstalment: policy.minimumInstalment ? formatKroner(policy.minimumInstalment.value, lang) : "",
    minSmsIntervalHours: String(policy.minSmsIntervalHours),
    maxDeferralDays: String(policy.maxDeferralDays),
    maxInstalmentMonths: String(policy.maxInstalmentMonths),
    instalmentReminderDaysBefore: String(policy.instalmentReminderDaysBefore),
    instalmentGraceDays: String(policy.instalmentGraceDays),
    sendAt: policy.sendAt,
    suspendAt: policy.suspendAt,
    suspendLatest: policy.suspendLatest,
  };
  const steps: StepFormValues[] = policy.steps.map((s, i) => ({
    orig: String(i),
    kind: s.kind,
    offsetDays: String(s.offsetDays),
    channels: s.channels.join(", "),
    chargesFee: s.chargesFee,
    deadlineDays: s.deadlineDays === undefined ? "" : String(s.deadlineDays),
    services: s.services ? [...s.services] : [],
    blackoutFrom: s.blackout?.from ?? "",
    blackoutTo: s.blackout?.to ?? "",
    remove: false,
  }));
  steps.push(emptyStepRow());
  return { fields, steps };
}

export function emptyStepRow(): StepFormValues {
  return {
    orig: "",
    kind: "",
    offsetDays: "",
    channels: "",
    chargesFee: false,
    deadlineDays: "",
    services: [],
    blackoutFrom: "",
    blackoutTo: "",
    remove: false,
  };
}

/** The posted form as values (anything unknown is ignored; every value is cut to a sane length). */
export function readPolicyForm(form: URLSearchParams): PolicyFormValues {
  const get = (name: string): string => (form.get(name) ?? "").slice(0, 200);
  const fields = Object.fromEntries(POLICY_FIELDS.map((f) => [f, get(f)])) as Record<PolicyField, string>;
  const count = Math.min(Math.max(Number.parseInt(get("stepCount"), 10) || 0, 0), MAX_STEP_ROWS);
  const steps: StepFormValues[] = [];
  for (let i = 0; i < count; i += 1) {
    steps.push({
      orig: get(`s${String(i)}_orig`),
      kind: get(`s${String(i)}_kind`),
      offsetDays: get(`s${String(i)}_offsetDays`),
      channels: get(`s${String(i)}_channels`),
      chargesFee: form.get(`s${String(i)}_chargesFee`) !== null,
      deadlineDays: get(`s${String(i)}_deadlineDays`),
      services: form
        .getAll(`s${String(i)}_services`)
        .slice(0, 5)
        .map((v) => v.slice(0, 40)),
      blackoutFrom: get(`s${String(i)}_blackoutFrom`),
      blackoutTo: get(`s${String(i)}_blackoutTo`),
      remove: form.get(`s${String(i)}_remove`) !== null,
    });
  }
  return { fields, steps };
}

function integerIn(value: string, min: number, max: number): number | undefined {
  const t = value.trim();
  if (!/^\d{1,6}$/u.test(t)) return undefined;
  const n = Number(t);
  return n >= min && n <= max ? n : undefined;
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/u;

/**
 * Form values laid over `current` → the policy to save, or the messages naming each field that does not fit. The
 * result is parsed with the policy's own schema (`LadderPolicy`), so it is exactly what `PUT /api/v1/policy` takes.
 */
export function formToPolicy(values: PolicyFormValues, current: LadderPolicy, lang: PortalLang): PolicyFormResult {
  const L = LABELS[lang];
  const M = MESSAGES[lang];
  const errors: FieldError[] = [];
  const fail = (field: string, label: string, message: string) => errors.push({ field, label, message });
  const currency = current.minimumPayLinkAmount.currency;

  const senderName = values.fields.senderName.trim();
  if (senderName === "") fail("senderName", L.senderName, M.required);
  else if (senderName.length > 11) fail("senderName", L.senderName, M.senderName);

  const amounts: Partial<Record<(typeof AMOUNT_FIELDS)[number], number>> = {};
  for (const f of AMOUNT_FIELDS) {
    const raw = values.fields[f];
    if (f === "minimumInstalment" && raw.trim() === "") continue;
    const ore = parseKroner(raw);
    if (ore === undefined) fail(f, L[f], M.amount);
    else amounts[f] = ore;
  }
  const integers: Partial<Record<(typeof INTEGER_FIELDS)[number], number>> = {};
  for (const f of INTEGER_FIELDS) {
    const [min, max] = INTEGER_RANGES[f];
    const n = integerIn(values.fields[f], min, max);
    if (n === undefined) fail(f, L[f], M.integer.replace("{min}", String(min)).replace("{max}", String(max)));
    else integers[f] = n;
  }
  const times: Partial<Record<(typeof TIME_FIELDS)[number], string>> = {};
  for (const f of TIME_FIELDS) {
    const t = values.fields[f].trim();
    if (!/^(?:[01]\d|2[0-3]):[0-5]\d$/u.test(t)) fail(f, L[f], M.time);
    else times[f] = t;
  }

  const steps: LadderStep[] = [];
  const rows: number[] = [];
  values.steps.forEach((row, r) => {
    if (row.remove) return;
    const id = (name: string) => `s${String(r)}_${name}`;
    const stepLabel = (name: StepFieldName) => `${L.step.replace("{n}", String(r + 1))}: ${L[name]}`;
    const isNewRow = row.orig === "";
    if (isNewRow && row.kind === "" && row.offsetDays.trim() === "" && row.channels.trim() === "") return;
    const kind = StepKind.safeParse(row.kind);
    if (!kind.success) {
      fail(id("kind"), stepLabel("kind"), M.kind);
      return;
    }
    const offsetDays = integerIn(row.offsetDays, 0, 3650);
    if (offsetDays === undefined)
      fail(id("offsetDays"), stepLabel("offsetDays"), M.integer.replace("{min}", "0").replace("{max}", "3650"));
    const channelNames = row.channels
      .split(/[,;\s]+/u)
      .map((c) => c.trim())
      .filter(Boolean);
    const channels = channelNames.map((c) => Channel.safeParse(c));
    if (channelNames.length === 0 || channels.some((c) => !c.success))
      fail(id("channels"), stepLabel("channels"), M.channels.replace("{all}", Channel.options.join(", ")));
    let deadlineDays: number | undefined;
    if (row.deadlineDays.trim() !== "") {
      deadlineDays = integerIn(row.deadlineDays, 1, 365);
      if (deadlineDays === undefined)
        fail(id("deadlineDays"), stepLabel("deadlineDays"), M.integer.replace("{min}", "1").replace("{max}", "365"));
    }
    const services = row.services.map((s) => ServiceKind.safeParse(s));
    if (services.some((s) => !s.success)) fail(id("services"), stepLabel("services"), M.services);
    const from = row.blackoutFrom.trim();
    const to = row.blackoutTo.trim();
    const blackoutGiven = from !== "" || to !== "";
    if (blackoutGiven && (!MONTH_DAY.test(from) || !MONTH_DAY.test(to)))
      fail(id("blackoutFrom"), stepLabel("blackoutFrom"), M.monthDay);
    if (offsetDays === undefined || channels.some((c) => !c.success) || channelNames.length === 0) return;

    const origIndex = /^\d{1,3}$/u.test(row.orig) ? Number(row.orig) : -1;
    const base: Partial<LadderStep> = structuredClone(current.steps[origIndex] ?? {});
    const step: Record<string, unknown> = {
      ...base,
      kind: kind.data,
      offsetDays,
      channels: channels.map((c) => c.data),
      chargesFee: row.chargesFee,
    };
    if (deadlineDays === undefined) delete step.deadlineDays;
    else step.deadlineDays = deadlineDays;
    if (row.services.length === 0) delete step.services;
    else step.services = services.flatMap((s) => (s.success ? [s.data] : []));
    if (!blackoutGiven) delete step.blackout;
    else step.blackout = { ...(base.blackout ?? {}), from, to };
    steps.push(step as LadderStep);
    rows.push(r);
  });
  if (values.steps.length > MAX_STEP_ROWS) fail("steps", L.kind, M.tooMany);
  if (errors.length === 0 && steps.length === 0) fail("steps", L.kind, M.noSteps);
  if (errors.length > 0) return { ok: false, errors };

  const merged: Record<string, unknown> = {
    ...structuredClone(current),
    senderName,
    minimumPayLinkAmount: { value: amounts.minimumPayLinkAmount, currency },
    reopenMinimum: { value: amounts.reopenMinimum, currency },
    ...integers,
    ...times,
    steps,
  };
  if (amounts.minimumInstalment === undefined) delete merged.minimumInstalment;
  else merged.minimumInstalment = { value: amounts.minimumInstalment, currency };

  const parsed = LadderPolicy.safeParse(merged);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        const [head, index, name] = issue.path;
        if (head === "steps" && typeof index === "number" && typeof name === "string") {
          const r = rows[index] ?? index;
          return {
            field: `s${String(r)}_${name}`,
            label: `${L.step.replace("{n}", String(r + 1))}`,
            message: M.invalid,
          };
        }
        const field = typeof head === "string" ? head : "policy";
        const label = (LABELS[lang] as Record<string, string>)[field] ?? field;
        return { field, label, message: M.invalid };
      }),
    };
  }
  return { ok: true, policy: parsed.data, rows };
}
