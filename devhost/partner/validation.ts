/**
 * The partner API's request bodies, checked with zod as the wire contract describes them
 * (docs: /work/prompts/partner-contract.md): a ServiceOrder with one `modify` item per service and the target state
 * (`inactive` to suspend, `active` to reopen), and a hub registration. A body that does not fit answers 400 naming the
 * first field at fault.
 */
import { z } from "zod";
import { PartnerApiError } from "./api-error";
import type { OrderRequest } from "./order";

const Id = z.string().trim().min(1).max(200);

export const CreateServiceOrder = z.object({
  externalId: Id,
  description: z.string().max(1000).optional(),
  category: z.string().max(200).optional(),
  serviceOrderItem: z
    .array(
      z.object({
        id: Id,
        action: z.literal("modify"),
        service: z.object({ id: Id, state: z.enum(["active", "inactive"]) }),
      }),
    )
    .min(1)
    .max(50),
}) satisfies z.ZodType<OrderRequest>;

export const RegisterHub = z.object({
  callback: z.url({ protocol: /^https?$/u }),
  query: z.string().max(1000).optional(),
});

/** The JSON body checked against `schema`, or a 400 error naming the field at fault. */
export function parseBody<T>(schema: z.ZodType<T>, body: Buffer): T {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new PartnerApiError(400, "Malformed JSON", "The body is not JSON.", "(body)");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "(body)";
  throw new PartnerApiError(400, "Invalid body", `${field}: ${issue?.message ?? "invalid"}`, field);
}
