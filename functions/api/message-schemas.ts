/** The partner API's message schemas (customer service's side of Min side's threads): validated with, and documented. */
import { z } from "zod";

const Instant = z.string().meta({ description: "An instant, ISO 8601 UTC.", example: "2026-12-08T08:00:00.000Z" });

export const CaseMessageBody = z
  .strictObject({
    text: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .meta({ description: "The reply to the debtor, 1–2 000 characters. Never sent in the alert itself." }),
  })
  .meta({ id: "CaseMessageRequest" });

export const CaseMessageDto = z
  .object({
    messageId: z.string(),
    from: z.enum(["debtor", "customer-service"]),
    text: z.string(),
    at: Instant,
    attachment: z
      .object({ uploadId: z.string(), contentType: z.string(), bytes: z.number().int() })
      .optional()
      .meta({ description: "The debtor's file (PDF, JPEG or PNG), kept in the private debtor-uploads container." }),
    unread: z
      .boolean()
      .optional()
      .meta({ description: "A debtor's message customer service had not listed before this request." }),
  })
  .meta({ id: "CaseMessage" });

export const CaseMessagesDto = z
  .object({
    caseId: z.string(),
    messages: z.array(CaseMessageDto),
    alertChannels: z
      .array(z.enum(["sms", "email"]))
      .meta({ description: "The channels a reply alerts the debtor through now: the debtor's choice within consent." }),
  })
  .meta({ id: "CaseMessages" });

export const CaseReplyDto = z
  .object({
    message: CaseMessageDto,
    alerts: z.array(
      z.object({
        channel: z.enum(["sms", "email"]),
        outcome: z.enum(["sent", "failed", "skipped"]),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: "CaseReply" });
