/**
 * The Service Bus entities, declared once in `infra-bicep/service-bus-entities.json` (Bicep loads the same file with
 * `loadJsonContent`). This module validates that file and gives the broker its queues, topics and subscriptions.
 *
 * Entities may carry more properties than the broker reads (for Bicep); they pass through. Filters are strict: a
 * misspelt correlation filter field would otherwise match every message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { parseSqlFilter } from "./filters";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/, "entity names: letters, digits, '.', '_' and '-'");

const correlationFilter = z
  .object({
    correlationId: z.string().optional(),
    messageId: z.string().optional(),
    to: z.string().optional(),
    replyTo: z.string().optional(),
    subject: z.string().optional(),
    /** The former name of `subject`. */
    label: z.string().optional(),
    sessionId: z.string().optional(),
    replyToSessionId: z.string().optional(),
    contentType: z.string().optional(),
    applicationProperties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

const rule = z
  .object({
    name,
    sqlFilter: z.string().min(1).optional(),
    correlationFilter: correlationFilter.optional(),
  })
  .strict()
  .refine((r) => (r.sqlFilter === undefined) !== (r.correlationFilter === undefined), {
    message: "a rule has exactly one of sqlFilter or correlationFilter",
  })
  .superRefine((r, ctx) => {
    if (r.sqlFilter === undefined) return;
    try {
      parseSqlFilter(r.sqlFilter);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        message: `rule "${r.name}": ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  });

const receivable = {
  description: z.string().optional(),
  maxDeliveryCount: z.number().int().min(1).max(2000).default(10),
  lockDurationSeconds: z.number().int().min(5).max(300).default(60),
  requiresSession: z.boolean().default(false),
};

const queue = z
  .object({
    name,
    ...receivable,
    duplicateDetectionWindowMinutes: z.number().min(0).max(10080).optional(),
  })
  .passthrough();

const subscription = z
  .object({
    name,
    ...receivable,
    /** No rules = the service's `$Default` rule, `1=1`. */
    rules: z.array(rule).default([]),
  })
  .passthrough();

const topic = z
  .object({
    name,
    description: z.string().optional(),
    duplicateDetectionWindowMinutes: z.number().min(0).max(10080).optional(),
    subscriptions: z.array(subscription).default([]),
  })
  .passthrough();

export const serviceBusEntitiesSchema = z
  .object({
    $schema: z.string().optional(),
    queues: z.array(queue).default([]),
    topics: z.array(topic).default([]),
  })
  .passthrough()
  .superRefine((e, ctx) => {
    const seen = new Set<string>();
    for (const n of [...e.queues.map((q) => q.name), ...e.topics.map((t) => t.name)]) {
      const key = n.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", message: `entity "${n}" is declared twice` });
      seen.add(key);
    }
    for (const t of e.topics) {
      const subs = new Set<string>();
      for (const s of t.subscriptions) {
        if (subs.has(s.name.toLowerCase()))
          ctx.addIssue({ code: "custom", message: `subscription "${t.name}/${s.name}" is declared twice` });
        subs.add(s.name.toLowerCase());
      }
    }
  });

export type ServiceBusEntities = z.infer<typeof serviceBusEntitiesSchema>;
export type QueueDeclaration = ServiceBusEntities["queues"][number];
export type TopicDeclaration = ServiceBusEntities["topics"][number];
export type SubscriptionDeclaration = TopicDeclaration["subscriptions"][number];
export type RuleDeclaration = SubscriptionDeclaration["rules"][number];
export type CorrelationFilterDeclaration = z.infer<typeof correlationFilter>;

export const DEFAULT_ENTITIES_PATH = join(__dirname, "..", "..", "infra-bicep", "service-bus-entities.json");

/** Reads and validates the entities file (default: the repository's `infra-bicep/service-bus-entities.json`). */
export function loadServiceBusEntities(path: string = defaultEntitiesPath()): ServiceBusEntities {
  const raw: unknown = JSON.parse(readFileSync(path, "utf8"));
  return parseServiceBusEntities(raw, path);
}

export function parseServiceBusEntities(raw: unknown, source = "service bus entities"): ServiceBusEntities {
  const parsed = serviceBusEntitiesSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`Invalid ${source}: ${issues}`);
  }
  return parsed.data;
}

/** Works from the sources (`devhost/service-bus`) and from the compiled output (`dist/devhost/service-bus`). */
function defaultEntitiesPath(): string {
  const candidates = [
    DEFAULT_ENTITIES_PATH,
    join(__dirname, "..", "..", "..", "infra-bicep", "service-bus-entities.json"),
  ];
  for (const c of candidates) {
    try {
      readFileSync(c);
      return c;
    } catch {
      /* try the next */
    }
  }
  return DEFAULT_ENTITIES_PATH;
}
