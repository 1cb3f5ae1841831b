/**
 * A/B experiments on the ladder's messages (issue 16): a creditor tries two variants of one step's message — its SMS
 * TEXT, its SEND HOUR, or both — on the cases that reach that step while the experiment runs. Pure: the schema, the
 * deterministic assignment of a case to a variant, the template and its validation.
 *
 * - WHICH STEP: a step kind that messages the debtor (`lets-pay-sms`, or a letter step, whose SMS alert is the text
 *   tried). Every step of that kind in the ladder takes part. The letter itself is never changed (its content is
 *   the law's); only the SMS that goes with it.
 * - RUNNING: from `startsOn` to `endsOn` (both included, Oslo days of the step's day); at most one experiment runs per
 *   step kind on any day.
 * - ASSIGNMENT: SHA-256 of `${experimentId}:${caseId}` → a number in [0, 1), variant A below `split.A` %, else B.
 *   Nothing is stored and nothing is random: the same case is in the same variant every time it is asked, for the
 *   experiment's whole life (the policy use case refuses to change the split of an experiment that has started).
 * - TEXT: a template in the debtor's language (bokmål for Norway) with placeholders `{creditor}`, `{invoice}`,
 *   `{amount}`, `{due}`, `{link}` and, for a letter's alert, `{letter}` (the letter's title). It must keep what the
 *   message may not lose: the creditor's name and the pay link always; the amount in a Let's pay SMS; the letter's
 *   title in a letter's alert. At most 2 SMS segments with long sample values.
 * - SEND HOUR: a local time inside the weekday contact hours of the rule set; the planner moves the step into contact
 *   hours as it does the ladder's own `sendAt` (a Saturday after 15:00 goes on Monday).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { LocalDate, LocalTime } from "./calendar";
import type { RuleSet } from "./rules/rule-set";
import { smsSegments, toGsm7Friendly } from "./sms-text";

/** The step kinds whose message can be tried: those that send the debtor an SMS of the ladder's. */
export const ExperimentStepKind = z.enum([
  "lets-pay-sms",
  "reminder",
  "collection-notice",
  "payment-demand",
  "suspension-notice",
]);
export type ExperimentStepKind = z.infer<typeof ExperimentStepKind>;

export const VariantName = z.enum(["A", "B"]);
export type VariantName = z.infer<typeof VariantName>;

// Strict: a misspelt member (`sendHour`) is an error naming it, not a variant silently left as the ladder's own.
export const ExperimentVariant = z.strictObject({
  /** The SMS text as a template (see PLACEHOLDERS); absent: the ladder's own text. */
  text: z.string().trim().min(1).max(640).optional(),
  /** Local time the step is planned for on its day (instead of the ladder's `sendAt`); absent: the ladder's. */
  sendAt: LocalTime.optional(),
});
export type ExperimentVariant = z.infer<typeof ExperimentVariant>;

export const ExperimentSplit = z
  .strictObject({ A: z.number().int().min(1).max(99), B: z.number().int().min(1).max(99) })
  .refine((s) => s.A + s.B === 100, { message: "A and B must add up to 100 (per cent of the cases)" });
export type ExperimentSplit = z.infer<typeof ExperimentSplit>;

export const Experiment = z.strictObject({
  /** A slug, unique in the policy: named on every event and timeline entry of the cases in it. */
  id: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u, { message: "Expected a slug: lower-case letters, digits and dashes" }),
  step: ExperimentStepKind,
  /** First day (Oslo time) a step of this kind is sent as a variant. */
  startsOn: LocalDate,
  /** Last day (included); absent: until the creditor sets one. */
  endsOn: LocalDate.optional(),
  /** Per cent of the cases in each variant (default 50/50). */
  split: ExperimentSplit.default({ A: 50, B: 50 }),
  variants: z.strictObject({ A: ExperimentVariant, B: ExperimentVariant }),
});
export type Experiment = z.infer<typeof Experiment>;

/** A case's place in a running experiment. */
export interface ExperimentAssignment {
  id: string;
  variant: VariantName;
}

// ---------------------------------------------------------------------------------------------------------------
// Assignment

/** A number in [0, 1) from SHA-256 of `${experimentId}:${caseId}` (48 bits: plenty for a percentage split). */
export function assignmentPoint(experimentId: string, caseId: string): number {
  const digest = createHash("sha256").update(`${experimentId}:${caseId}`, "utf8").digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant of `caseId` in the experiment: A when its point lies below `split.A` per cent, else B. */
export function assignVariant(
  experiment: Pick<Experiment, "id"> & { split?: ExperimentSplit | undefined },
  caseId: string,
): VariantName {
  const a = experiment.split?.A ?? 50;
  return assignmentPoint(experiment.id, caseId) < a / 100 ? "A" : "B";
}

/** Whether the experiment runs on `day` (both ends included). */
export function runsOn(experiment: Pick<Experiment, "startsOn" | "endsOn">, day: LocalDate): boolean {
  return experiment.startsOn <= day && (experiment.endsOn === undefined || day <= experiment.endsOn);
}

/** The experiment on steps of `kind` running on `day`, if any (validation allows at most one). */
export function runningExperiment(
  experiments: readonly Experiment[] | undefined,
  kind: string,
  day: LocalDate,
): Experiment | undefined {
  return (experiments ?? []).find((e) => e.step === kind && runsOn(e, day));
}

/** The case's variant of the experiment running on `day` for steps of `kind`, and what that variant changes. */
export function experimentFor(
  experiments: readonly Experiment[] | undefined,
  kind: string,
  caseId: string,
  day: LocalDate,
): (ExperimentAssignment & { treatment: ExperimentVariant }) | undefined {
  const experiment = runningExperiment(experiments, kind, day);
  if (!experiment) return undefined;
  const variant = assignVariant(experiment, caseId);
  return { id: experiment.id, variant, treatment: experiment.variants[variant] };
}

// ---------------------------------------------------------------------------------------------------------------
// Templates

export const PLACEHOLDERS = ["creditor", "invoice", "amount", "due", "link", "letter"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The values a template is filled with, already formatted for the debtor (money, dates in their language). */
export type TemplateValues = Record<Placeholder, string>;

/** What a template for steps of `kind` must name: the creditor and the pay link always, and what the kind is about. */
export function requiredPlaceholders(kind: ExperimentStepKind): Placeholder[] {
  return kind === "lets-pay-sms" ? ["creditor", "amount", "link"] : ["creditor", "letter", "link"];
}

/** The placeholders a template for steps of `kind` may use (`{letter}` only in a letter's alert). */
export function allowedPlaceholders(kind: ExperimentStepKind): Placeholder[] {
  return kind === "lets-pay-sms" ? PLACEHOLDERS.filter((p) => p !== "letter") : [...PLACEHOLDERS];
}

/** The template filled in (GSM-7 friendly). Validation has made sure it holds only known placeholders. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return toGsm7Friendly(
    template.replace(/\{([a-z]+)\}/gu, (whole, name: string) =>
      (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
    ),
  );
}

/** The most SMS segments a variant's text may take with long sample values (the ladder's own texts take one). */
export const MAX_TEMPLATE_SEGMENTS = 2;

/** Long but realistic values: a template that fits with them fits every real message. */
const SAMPLE: TemplateValues = {
  creditor: "Fjordkraft Nettselskap Vest AS",
  invoice: "INV-2026-123456",
  amount: "123 456,78 kr",
  due: "30. september 2026",
  link: "https://betal.eksempel.no/p/abcdefghijklmnopqrstuvwxyz0123",
  letter: "betalingsoppfordring",
};

/** Why a template is not usable for steps of `kind` (empty when it is), in words a creditor reads. */
export function templateProblems(template: string, kind: ExperimentStepKind): string[] {
  const problems: string[] = [];
  const allowed = allowedPlaceholders(kind);
  const used = new Set<string>();
  for (const match of template.matchAll(/\{([^{}]*)\}/gu)) {
    const name = match[1]!;
    used.add(name);
    if (!allowed.includes(name as Placeholder))
      problems.push(
        `{${name}} is not a placeholder${kind === "lets-pay-sms" && name === "letter" ? " of a Let's pay SMS (it has no letter)" : ""}; use ${allowed.map((p) => `{${p}}`).join(", ")}.`,
      );
  }
  if (/[{}]/u.test(template.replace(/\{[^{}]*\}/gu, "")))
    problems.push("The text has a { or } that opens or closes no placeholder.");
  const missing = requiredPlaceholders(kind).filter((p) => !used.has(p));
  if (missing.length > 0)
    problems.push(
      `The text must contain ${missing.map((p) => `{${p}}`).join(" and ")}: ${missing.map((p) => REQUIRED_WHY[p]).join("; ")}.`,
    );
  if (problems.length === 0) {
    const segments = smsSegments(renderTemplate(template, SAMPLE));
    if (segments > MAX_TEMPLATE_SEGMENTS)
      problems.push(
        `The text takes ${segments} SMS segments with long values filled in; at most ${MAX_TEMPLATE_SEGMENTS} are allowed (about 300 characters in the GSM alphabet, 130 with emoji or other characters outside it).`,
      );
  }
  return problems;
}

const REQUIRED_WHY: Record<Placeholder, string> = {
  creditor: "the debtor must see whom the claim is from",
  link: "the pay link is what the message is for",
  amount: "a Let's pay SMS says what is owed",
  letter: "the alert must say which letter is waiting (it is what the law counts)",
  invoice: "",
  due: "",
};

// ---------------------------------------------------------------------------------------------------------------
// Validation with the policy

export interface ExperimentProblem {
  experiment: { id: string; variant?: VariantName };
  reason: string;
  legalBasis: string;
}

const TEMPLATE_BASIS =
  "inkassoloven § 8 (god inkassoskikk): the debtor must see who claims what; the message exists to carry the pay link";

/**
 * The experiments' problems against the ladder (`steps`: its step kinds) and the rule set: unknown placeholders, lost
 * required elements, too long, a send hour outside contact hours, two experiments running on one step kind at once,
 * an experiment on a step the ladder does not have, variants that do not differ.
 */
export function experimentProblems(
  experiments: readonly Experiment[],
  steps: readonly string[],
  rules: Pick<RuleSet, "country" | "contactHours">,
): ExperimentProblem[] {
  const problems: ExperimentProblem[] = [];
  const add = (id: string, variant: VariantName | undefined, reason: string, legalBasis = "policy") =>
    problems.push({ experiment: { id, ...(variant ? { variant } : {}) }, reason, legalBasis });
  const seen = new Set<string>();
  const hours = rules.contactHours.value.weekdays;
  experiments.forEach((e, i) => {
    if (seen.has(e.id)) add(e.id, undefined, `Two experiments are called "${e.id}"; each needs its own id.`);
    seen.add(e.id);
    if (!steps.includes(e.step))
      add(e.id, undefined, `The ladder has no ${e.step} step, so the experiment would never run.`);
    if (e.endsOn !== undefined && e.endsOn < e.startsOn)
      add(e.id, undefined, `The experiment ends (${e.endsOn}) before it starts (${e.startsOn}).`);
    const clash = experiments.find(
      (o, j) =>
        j < i &&
        o.step === e.step &&
        o.startsOn <= (e.endsOn ?? "9999-12-31") &&
        e.startsOn <= (o.endsOn ?? "9999-12-31"),
    );
    if (clash)
      add(
        e.id,
        undefined,
        `Experiment "${clash.id}" runs on the ${e.step} step on some of the same days; at most one experiment runs per step at a time.`,
      );
    const same = (a: ExperimentVariant, b: ExperimentVariant) => a.text === b.text && a.sendAt === b.sendAt;
    if (same(e.variants.A, e.variants.B))
      add(e.id, undefined, "Variants A and B are the same: the experiment would measure nothing.");
    for (const name of VariantName.options) {
      const v = e.variants[name];
      if (v.text !== undefined) {
        if (rules.country !== "NO")
          add(
            e.id,
            name,
            `Variant ${name}'s text is written for debtors who read bokmål; debtors in ${rules.country} get the ladder's messages in English, so only a send hour can be tried there for now.`,
          );
        for (const reason of templateProblems(v.text, e.step))
          add(e.id, name, `Variant ${name}: ${reason}`, TEMPLATE_BASIS);
      }
      if (v.sendAt !== undefined && (hours === null || v.sendAt < hours.from || v.sendAt >= hours.to))
        add(
          e.id,
          name,
          hours === null
            ? `Variant ${name}'s send hour ${v.sendAt}: the rule set has no weekday contact hours.`
            : `Variant ${name}'s send hour ${v.sendAt} is outside the contact hours (weekdays ${hours.from}–${hours.to}).`,
          rules.contactHours.source,
        );
    }
  });
  return problems;
}

/**
 * A started experiment keeps its cases in their variants and its variants as they were: once `startsOn` has come
 * (`today`), its step, start, split and variants may not change — a case moved to the other variant, or a variant
 * changed midway, would mix two treatments in one funnel. Its end may be set or moved, and it may be removed.
 */
export function startedExperimentChanges(
  previous: readonly Experiment[] | undefined,
  next: readonly Experiment[],
  today: LocalDate,
): ExperimentProblem[] {
  const problems: ExperimentProblem[] = [];
  for (const before of previous ?? []) {
    if (before.startsOn > today) continue;
    const after = next.find((e) => e.id === before.id);
    if (!after) continue;
    const changed = (["step", "startsOn", "split", "variants"] as const).filter(
      (k) => JSON.stringify(canonical(before[k])) !== JSON.stringify(canonical(after[k])),
    );
    if (changed.length > 0)
      problems.push({
        experiment: { id: before.id },
        reason: `The experiment started on ${before.startsOn}: its ${changed.join(", ")} can no longer change (cases keep their variant for the experiment's life). Set endsOn to end it and start a new one with another id.`,
        legalBasis: "policy",
      });
  }
  return problems;
}

/** A value with object keys in a fixed order (for comparing stored and new experiments). */
function canonical(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(canonical);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, canonical(v)]),
  );
}
