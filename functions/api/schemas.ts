/**
 * The partner API's wire format: the zod schemas the functions validate requests with AND the OpenAPI document is
 * generated from (functions/api/openapi.ts). JSON members are camelCase; amounts are `{ value, currency }` in
 * integer minor units. Request bodies are strict: an unknown member is a 400 naming it (typos do not pass silently).
 */
import { CustomerDetails, TimelineEntry } from "../../shared/ports/case-store";
import { z } from "zod";
import { CaseStatus } from "../../shared/domain/case";
import { CountryCode } from "../../shared/domain/calendar";
import { isValidNorwegianNationalId } from "../../shared/domain/identifiers/national-id";
import { isValidOrgNumber } from "../../shared/domain/identifiers/org-number";
import { normalizePhone } from "../../shared/domain/identifiers/phone";
import { ActionKind, defaultPolicy, LadderPolicy, StepKind, TenantRole } from "../../shared/domain/policy";
import { PutPartnerConnectionBody } from "../../shared/application/partners/partner-connection";
import { ServiceKind } from "../../shared/domain/rules/rule-set";
import { CreditorContact, Letterhead } from "../../shared/domain/letterhead";
import { MoneyDto, PageQuery, Problem } from "../../shared/http/openapi";

const Text = (max: number) => z.string().trim().min(1).max(max);
const LocalDateDto = z.iso.date().meta({ description: "A calendar date, YYYY-MM-DD.", example: "2026-12-01" });
const Instant = z.string().meta({ description: "An instant, ISO 8601 UTC.", example: "2026-12-08T08:00:00.000Z" });

export const PositiveMoneyDto = MoneyDto.refine((m) => m.value > 0, {
  message: "The amount must be positive.",
  path: ["value"],
  params: { code: "NOT_POSITIVE" },
});

// ---------------------------------------------------------------------------------------------------------------
// Tenants

export const LetterheadBody = Letterhead.meta({
  id: "Letterhead",
  description:
    "What the creditor's letters print beside its name: postal address, the account payments go to (with the " +
    "case's KID) and at least one of phone, e-mail or web for debtors. Without it the platform's default applies.",
  example: {
    address: { lines: ["Postboks 123 Sentrum"], postalCode: "0102", city: "Oslo" },
    accountNumber: "12345678903",
    contact: { phone: "22 12 34 56", email: "kundeservice@fjordnett.no", web: "fjordnett.no" },
  },
});

export const LetterheadView = z
  .object({
    letterhead: LetterheadBody.nullable(),
    isDefault: z.boolean().meta({ description: "True until the creditor sets its own: letters print the default." }),
  })
  .meta({ id: "LetterheadView" });

export const RegisterTenantBody = z
  .strictObject({
    name: Text(200).meta({ description: "The creditor's legal name.", example: "Fjordnett AS" }),
    senderName: z
      .string()
      .regex(/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/u, { message: "1–11 letters, digits or spaces, at least one letter." })
      .meta({
        description: "SMS sender id and letter sender (alphanumeric, at most 11 characters).",
        example: "Fjordnett",
      }),
    orgNumber: z
      .string()
      .refine(isValidOrgNumber, { message: "Not a valid organisation number.", params: { code: "INVALID_ORG_NUMBER" } })
      .meta({ description: "Norwegian organisation number (9 digits, MOD11).", example: "974760673" }),
    country: CountryCode,
    logoUrl: z
      .url({ protocol: /^https$/u, message: "An https URL." })
      .max(500)
      .optional()
      .meta({
        description: "The creditor's logo shown on pay pages (an https image URL the creditor hosts).",
        example: "https://fjordnett.no/logo.png",
      }),
    letterhead: LetterheadBody.optional(),
    contact: CreditorContact.optional().meta({
      id: "CreditorContact",
      description:
        "How debtors reach the creditor: at least one of phone, e-mail and web. Shown on pay pages and receipts; " +
        "without it the letterhead's contact details are shown, and without those only the creditor's name.",
      example: { phone: "22 12 34 56", email: "kundeservice@fjordnett.no", web: "fjordnett.no" },
    }),
    operationsEmail: z.email({ message: "An e-mail address." }).max(254).optional().meta({
      description:
        "The creditor's technical contact: told by e-mail when the platform disables one of its webhook subscriptions (the receiver answered 410 Gone, or every delivery failed for 5 days).",
      example: "drift@fjordnett.no",
    }),
  })
  .meta({ id: "RegisterTenantRequest" });

export const TenantRegistered = z
  .object({
    tenantId: z.string(),
    apiKey: z.string().meta({ description: "The creditor's API key. Shown ONCE; only its hash is stored." }),
  })
  .meta({ id: "TenantRegistered" });

// ---------------------------------------------------------------------------------------------------------------
// Policy

export const PolicyBody = LadderPolicy.extend({
  minSmsIntervalHours: LadderPolicy.shape.minSmsIntervalHours.meta({
    description:
      "At most one SMS from this creditor's ladder to one debtor (the same national id, else the same phone) in this many hours (1–168, default 24). Messages that fall due together for several of the debtor's invoices go in ONE SMS naming them, with one pay link covering them all; what falls due meanwhile waits for the next SMS, in contact hours. Other creditors' messages are not counted.",
  }),
  maxDeferralDays: LadderPolicy.shape.maxDeferralDays.meta({
    description:
      "Min side: the most days a debtor may defer the due date on their own, granted at once and only once per case (0–90, default 14; 0: every request comes to you). Longer requests, and a second deferral, come to you as `case.debtor_action` with `action: deferral-requested` and on the case's timeline. The ladder's steps then run from the new due date; late interest still runs from the original one.",
  }),
  minimumInstalment: LadderPolicy.shape.minimumInstalment.meta({
    description:
      "Min side: the smallest instalment of a plan a debtor may choose (in the country's currency, more than 0; default 500.00). Plans whose instalments would be smaller are not offered.",
    example: { value: 50000, currency: "NOK" },
  }),
  maxInstalmentMonths: LadderPolicy.shape.maxInstalmentMonths.meta({
    description:
      "Min side: the most monthly instalments of a plan a debtor may choose (0–36, default 6; below 2 no plans are offered). The plans split what is owed that day into equal instalments, without a fee.",
  }),
  instalmentReminderDaysBefore: LadderPolicy.shape.instalmentReminderDaysBefore.meta({
    description:
      "An agreed instalment plan: the debtor is reminded this many days before each instalment's due date (1–14, default 3), by SMS with SMS consent, else by e-mail with e-mail consent, at `sendAt` in contact hours, once per instalment and not when it is already paid. The message names you, the instalment's amount and date, and carries a pay link whose page offers that instalment (no fee).",
  }),
  instalmentGraceDays: LadderPolicy.shape.instalmentGraceDays.meta({
    description:
      "An instalment still unpaid this many days after its due date (1–30, default 7) is missed: the plan ends by itself (`case.instalment_missed`), the debtor is told, and the ladder resumes where it stood — the next step not yet carried out goes when its day has come, and no letter already sent is sent or charged again. Part payments count towards the instalment; paying ahead covers the next ones.",
  }),
  experiments: LadderPolicy.shape.experiments.meta({
    description:
      "A/B experiments on one step kind's messages (at most one running per step kind). Each case reaching that step while the experiment runs (`startsOn`–`endsOn`, Oslo days) is in variant A or B — decided by SHA-256 of `{id}:{caseId}` against `split` (per cent, default 50/50), the same every time. A variant may set `text`, the SMS as a template (the Let's pay SMS, or a letter step's SMS alert; the letter itself never changes), and/or `sendAt`, the local time the step is planned for (inside weekday contact hours; moved into contact hours like the ladder's own `sendAt`); a variant with neither is the control. Placeholders: `{creditor}`, `{invoice}`, `{amount}`, `{due}`, `{link}` and, for a letter's alert, `{letter}`; `{creditor}` and `{link}` are required, `{amount}` in a Let's pay SMS and `{letter}` in an alert; at most 2 SMS segments with long values; bokmål (Norway only). A broken template is a 422 `UNLAWFUL_POLICY` whose problem names `experiment: {id, variant}`. Once started, an experiment's step, start, split and variants are fixed (set `endsOn` to end it). Every `case.step_executed` of a message sent in an experiment carries `experiment: {id, variant}`; the timeline entry too.",
    example: [
      {
        id: "lets-pay-evening",
        step: "lets-pay-sms",
        startsOn: "2026-12-01",
        split: { A: 50, B: 50 },
        variants: {
          A: { sendAt: "09:00" },
          B: { text: "Hei! {creditor} minner om faktura {invoice} på {amount}. Betal her: {link}", sendAt: "17:00" },
        },
      },
    ],
  }),
}).meta({
  id: "LadderPolicy",
  description:
    "The creditor's ladder: steps, offsets from the due date, channels, fees, how often the debtor may get an SMS, and the limits of what a debtor may do alone on Min side (deferral, instalment plan).",
  example: defaultPolicy("NO", "Fjordnett"),
});
export const PolicyView = z
  .object({
    policy: PolicyBody,
    isDefault: z.boolean().meta({ description: "True while the lawful default applies." }),
  })
  .meta({ id: "PolicyView" });

// ---------------------------------------------------------------------------------------------------------------
// Invoices

/** A phone number as the intake and the contact PATCH take it (libphonenumber-js; stored as E.164). */
const PhoneDto = z
  .string()
  .max(32)
  .refine((p) => normalizePhone(p, "NO").ok, {
    message: "Not a valid phone number.",
    params: { code: "INVALID_PHONE" },
  });

/** A postal address as the intake and the contact PATCH take it. */
const AddressDto = z.strictObject({
  lines: z.array(Text(100)).min(1).max(4),
  postalCode: Text(16),
  city: Text(100),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/u)
    .meta({ example: "NO" }),
});

export const Customer = z
  .strictObject({
    customerId: Text(100).meta({ description: "The creditor's id of the customer." }),
    name: Text(200),
    phone: PhoneDto.optional().meta({ description: "Mobile number; E.164 or national.", example: "+4791234567" }),
    email: z.email().optional().meta({ example: "kari.nordmann@example.no" }),
    nationalId: z
      .string()
      .refine(isValidNorwegianNationalId, {
        message: "Not a valid national identity number.",
        params: { code: "INVALID_NATIONAL_ID" },
      })
      .optional()
      .meta({ description: "Norwegian national identity number (11 digits, MOD11).", example: "01019010046" }),
    orgNumber: z
      .string()
      .refine(isValidOrgNumber, { message: "Not a valid organisation number.", params: { code: "INVALID_ORG_NUMBER" } })
      .optional()
      .meta({ description: "For business customers.", example: "974760673" }),
    address: AddressDto.optional(),
    consent: z.strictObject({ sms: z.boolean(), email: z.boolean() }).optional(),
  })
  .meta({ id: "Customer" });

export const InvoiceLineDto = z.strictObject({ description: Text(200), amount: PositiveMoneyDto });

export const RegisterInvoiceBody = z
  .strictObject({
    invoiceNumber: Text(64).meta({ description: "Unique per creditor.", example: "INV-2026-0042" }),
    customer: Customer,
    amount: PositiveMoneyDto,
    issueDate: LocalDateDto,
    dueDate: LocalDateDto,
    services: z
      .array(z.strictObject({ serviceId: Text(100), kind: ServiceKind }))
      .max(20)
      .optional(),
    lines: z.array(InvoiceLineDto).min(1).max(200).optional(),
  })
  .refine((b) => b.dueDate >= b.issueDate, {
    message: "The due date is before the issue date.",
    path: ["dueDate"],
    params: { code: "DUE_BEFORE_ISSUE" },
  })
  .refine((b) => !b.lines || b.lines.every((l) => l.amount.currency === b.amount.currency), {
    message: "Every line must be in the invoice's currency.",
    path: ["lines"],
    params: { code: "CURRENCY_MISMATCH" },
  })
  .refine((b) => !b.lines || b.lines.reduce((s, l) => s + l.amount.value, 0) === b.amount.value, {
    message: "The lines do not add up to the amount.",
    path: ["lines"],
    params: { code: "LINES_DO_NOT_ADD_UP" },
  })
  .meta({ id: "RegisterInvoiceRequest" });
export type RegisterInvoiceBody = z.infer<typeof RegisterInvoiceBody>;

export const InvoiceRegistered = z
  .object({
    caseId: z.string(),
    kid: z.string().meta({ description: "KID (MOD10) for bank payments.", example: "123456789012345678" }),
    status: z.literal("open"),
    payLink: z.url().meta({ description: "The short pay link. Shown once: only its hash is stored." }),
  })
  .meta({ id: "InvoiceRegistered" });

export const MAX_BATCH = 1000;

/** What the batch endpoint parses: the items are validated one by one, so one bad item cannot sink the others. */
export const InvoiceBatchEnvelope = z.strictObject({ invoices: z.array(z.unknown()).min(1).max(MAX_BATCH) });
/** How the batch body is documented (each item is a RegisterInvoiceRequest). */
export const InvoiceBatchBody = z
  .strictObject({ invoices: z.array(RegisterInvoiceBody).min(1).max(MAX_BATCH) })
  .meta({ id: "RegisterInvoiceBatchRequest" });

export const InvoiceBatchResult = z
  .object({
    results: z.array(
      z.object({
        index: z.int().meta({ description: "Position of the invoice in the request." }),
        status: z.int().meta({ description: "201 when created; otherwise the status of the problem." }),
        caseId: z.string().optional(),
        kid: z.string().optional(),
        payLink: z.url().optional(),
        problem: Problem.optional(),
      }),
    ),
  })
  .meta({ id: "InvoiceBatchResult" });

// ---------------------------------------------------------------------------------------------------------------
// Cases

export const CaseParams = z.object({
  caseId: z
    .string()
    .regex(/^c_[a-z2-7]{26}$/u)
    .openapi({ param: { description: "The case id.", example: "c_abcdefghijklmnopqrstuvwxyz" } }),
});
export const DocumentParams = CaseParams.extend({
  documentId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/u)
    .openapi({ param: { description: "The document id." } }),
});

export const CaseListQuery = PageQuery.extend({
  status: CaseStatus.optional(),
  customerId: z.string().min(1).max(100).optional(),
});

const InterestAccrualDto = z
  .object({
    annualRatePercent: z.number().nullable().meta({ description: "The late-interest rate running today, % a year." }),
    provisional: z.boolean().meta({
      description:
        "True while today's half-year has no rate entered yet: interest accrues at the last known rate and is re-priced once the rate is entered.",
    }),
    provisionalFrom: LocalDateDto.nullable(),
  })
  .meta({ id: "InterestAccrual" });

const Balance = z
  .object({
    principal: MoneyDto,
    fees: MoneyDto,
    interest: MoneyDto,
    total: MoneyDto,
    credit: MoneyDto.meta({
      description:
        "Paid beyond what was owed and not refunded: the debtor's money. Refund it (POST …/refunds) or keep it (POST …/keep-credit).",
    }),
    interestAccrual: InterestAccrualDto,
  })
  .meta({ id: "Balance" });

/** A timeline entry as stored (shared/ports/case-store.ts), its time documented as an instant. */
export const TimelineEntryDto = TimelineEntry.extend({ at: Instant }).meta({ id: "TimelineEntry" });

export const ServiceViewDto = z
  .object({
    serviceId: z.string(),
    kind: ServiceKind,
    state: z.enum(["active", "suspending", "suspended", "reopening", "failed", "escalated"]).meta({
      description:
        "suspending/reopening: a command is on its way to the partner; suspended/active: the partner confirmed; failed: the partner refused or failed it; escalated: a reopen not confirmed in time.",
    }),
    blockers: z.array(
      z.object({
        kind: z.enum(["overdue", "manual"]),
        reason: z.string().optional(),
        by: z.string().optional(),
        since: Instant,
      }),
    ),
    lastCommand: z
      .object({
        commandId: z.string().meta({ description: "Sent as the ServiceOrder's externalId (the idempotency key)." }),
        target: z.enum(["inactive", "active"]),
        issuedAt: Instant,
        sentAt: Instant.nullable(),
        attempts: z.number().int(),
        partnerState: z.string().nullable(),
        partnerOrderId: z.string().nullable(),
        confirmedAt: Instant.nullable(),
      })
      .nullable(),
  })
  .meta({ id: "CaseService" });

export const ServiceBlockBody = z
  .strictObject({ reason: Text(500).meta({ description: "Why (shown to customer service; no personal data)." }) })
  .meta({ id: "ServiceBlock" });

/** The case id as on every other case route (a free text one reached the store: `#`, `/` or `\\` in it was a 500). */
export const ServiceParams = CaseParams.extend({ serviceId: Text(100) });

export const DeliveryViewDto = z
  .object({
    deliveryId: z.string(),
    stepIndex: z.number().int(),
    kind: z.string().meta({ description: "The letter kind, or lets-pay-sms / letter-alert for an SMS." }),
    documentId: z.string().nullable(),
    channel: z.enum(["email", "digital-mailbox", "print", "sms"]),
    attempt: z.number().int(),
    state: z.enum(["queued", "dispatched", "delivered", "failed"]),
    status: z
      .string()
      .nullable()
      .meta({ description: "The channel's own word: Delivered, Bounced, Posted, Returned…" }),
    reason: z.string().nullable(),
    queuedAt: Instant,
    dispatchedAt: Instant.nullable(),
    deliveredAt: Instant.nullable(),
    failedAt: Instant.nullable(),
  })
  .meta({ id: "CaseDelivery" });

export const CaseViewDto = z
  .object({
    caseId: z.string(),
    invoiceNumber: z.string(),
    customerId: z.string(),
    kid: z.string(),
    status: CaseStatus,
    stage: z.union([z.literal("invoiced"), StepKind]),
    balance: Balance.meta({ description: "As of today in the case's country (interest through today)." }),
    currency: z.string(),
    dueDate: LocalDateDto,
    nextAction: z
      .object({ kind: ActionKind, at: Instant, legalBasis: z.string() })
      .nullable()
      .meta({ description: "What the ladder does next, when and on what legal basis; null when paused or done." }),
    paused: z
      .object({
        reason: z.string(),
        resumesOn: z.enum(["dispute-resolved", "resume", "instalment-missed", "letter-delivered", "contact-updated"]),
      })
      .nullable()
      .meta({
        description:
          "Set when the ladder waits for an event rather than a time: a letter on its way to the debtor (letter-delivered), a letter no channel reached (contact-updated), a dispute, a hold.",
      }),
    services: z.array(ServiceViewDto).meta({
      description:
        "Each service (broadband line, power meter): its state, what blocks it, and its last command to the partner's system — when it was sent and when the partner confirmed it.",
    }),
    timeline: z.array(TimelineEntryDto),
    deliveries: z.array(DeliveryViewDto).meta({
      description:
        "Each letter's and SMS's way to the debtor, oldest first: the channel, queued → dispatched → delivered | failed, and the channel's own word. A letter's fee counts from the day it was delivered (posted, in the mailbox, e-mail delivered).",
    }),
    payLink: z.object({ issued: z.boolean(), expiresAt: Instant.nullable() }).meta({
      description: "The link itself is shown once (on registration and in the SMS); only its hash is stored.",
    }),
    overpayment: z
      .object({
        credit: MoneyDto,
        kept: MoneyDto.nullable().meta({
          description: "Of the credit, what the creditor keeps for the debtor; null while no choice was made.",
        }),
        refunds: z.array(
          z.object({
            reference: z.string(),
            amount: MoneyDto,
            on: LocalDateDto,
            via: z.enum(["provider", "bank-transfer"]),
          }),
        ),
      })
      .nullable()
      .meta({ description: "Set while the case holds credit, or had some refunded." }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: "Case" });

export const CaseSummaryDto = z
  .object({
    caseId: z.string(),
    invoiceNumber: z.string(),
    customerId: z.string(),
    status: CaseStatus,
    stage: z.union([z.literal("invoiced"), StepKind]),
    balance: Balance,
    currency: z.string(),
    dueDate: LocalDateDto,
    createdAt: Instant,
  })
  .meta({ id: "CaseSummary" });

export const CasePage = z
  .object({ items: z.array(CaseSummaryDto), continuationToken: z.string().nullable() })
  .meta({ id: "CasePage" });

export const DirectPaymentBody = z
  .strictObject({
    amount: PositiveMoneyDto,
    paidAt: LocalDateDto.meta({ description: "The day the creditor received the money." }),
    reference: Text(100).meta({ description: "The creditor's reference; a payment is recorded once per reference." }),
  })
  .meta({ id: "DirectPaymentRequest" });

export const RefundBody = z
  .strictObject({
    reference: Text(100).meta({ description: "The creditor's reference; a refund is made once per reference." }),
    amount: PositiveMoneyDto.optional().meta({ description: "Default: all of the case's credit." }),
    method: z.enum(["provider", "bank-transfer"]).optional().meta({
      description:
        "provider (default): back through the payment provider the money came with (Vipps/card); bank-transfer: the creditor paid the debtor back itself and records it.",
    }),
  })
  .meta({ id: "RefundRequest" });

export const KeepCreditBody = z.strictObject({}).meta({ id: "KeepCreditRequest" });

export const OverpaymentDto = z
  .object({
    caseId: z.string(),
    invoiceNumber: z.string(),
    customerId: z.string(),
    status: CaseStatus,
    credit: MoneyDto,
    kept: MoneyDto,
    refundable: z
      .array(z.object({ reference: z.string(), amount: MoneyDto }))
      .meta({ description: "What can go back through the payment provider, per payment, newest first." }),
    updatedAt: Instant,
  })
  .meta({ id: "Overpayment" });

export const OverpaymentPage = z
  .object({ items: z.array(OverpaymentDto), continuationToken: z.string().nullable() })
  .meta({ id: "OverpaymentPage" });

export const CreditNoteBody = z
  .strictObject({
    amount: PositiveMoneyDto,
    reference: Text(100),
    on: LocalDateDto.optional().meta({ description: "Default: today." }),
    alsoWaive: z
      .array(z.enum(["fees", "interest"]))
      .max(2)
      .optional(),
  })
  .meta({ id: "CreditNoteRequest" });

export const HoldBody = z
  .strictObject({ reason: Text(500), until: LocalDateDto.nullable().optional() })
  .meta({ id: "HoldRequest" });
export const ResumeBody = z.strictObject({}).meta({ id: "ResumeRequest" });
export const DisputeBody = z
  .strictObject({ reason: Text(500).meta({ description: "What the debtor objects to (no personal data)." }) })
  .meta({ id: "DisputeRequest" });
export const ResolveDisputeBody = z
  .strictObject({ outcome: z.enum(["claim-upheld", "claim-withdrawn"]) })
  .meta({ id: "ResolveDisputeRequest" });
export const CancelBody = z.strictObject({ reason: Text(500) }).meta({ id: "CancelRequest" });
export const NoteBody = z.strictObject({ text: Text(2000) }).meta({ id: "NoteRequest" });

// ---------------------------------------------------------------------------------------------------------------
// Customer contact data and consent (PATCH, JSON Merge Patch: shared/application/customer-contact.ts)

export const CustomerParams = z.object({
  customerId: Text(100).openapi({ param: { description: "The creditor's id of the customer.", example: "cust-1" } }),
});

export const CustomerContactPatchBody = z
  .strictObject({
    email: z
      .email()
      .max(254)
      .nullable()
      .optional()
      .meta({ description: "The e-mail address; null removes it.", example: "kari@example.no" }),
    phone: PhoneDto.nullable().optional().meta({
      description: "Mobile number, E.164 or national (stored as E.164); null removes it.",
      example: "+4791234567",
    }),
    address: AddressDto.nullable()
      .optional()
      .meta({ description: "The postal address, replaced as a whole (never merged line by line); null removes it." }),
    consent: z
      .strictObject({ sms: z.boolean().optional(), email: z.boolean().optional() })
      .optional()
      .meta({ description: 'Consent per channel, merged member by member: `{ "sms": false }` stops SMS from now on.' }),
  })
  .meta({
    id: "CustomerContactPatch",
    description:
      "A JSON Merge Patch (RFC 7396) of the customer's contact data and consent: members left out stay as they are, " +
      "null removes one. At least one member. The address is replaced as a whole.",
    example: { email: "kari@example.no", consent: { sms: false } },
  });

const ContactField = z.enum(["email", "phone", "address", "consent.sms", "consent.email"]);

export const CustomerDetailsDto = CustomerDetails.meta({ id: "CustomerDetails" });

export const CustomerContactUpdatedDto = z
  .object({
    caseId: z.string(),
    customer: CustomerDetailsDto,
    changed: z.array(ContactField).meta({
      description: "The fields whose value changed on this case (empty when the patch changed nothing).",
    }),
  })
  .meta({ id: "CustomerContactUpdated" });

export const CustomerUpdatedDto = z
  .object({
    customerId: z.string(),
    cases: z.array(CustomerContactUpdatedDto).meta({ description: "Every open case of the customer, as updated." }),
  })
  .meta({ id: "CustomerUpdated" });

export const DocumentRefDto = z
  .object({ documentId: z.string(), kind: z.string(), createdAt: Instant, contentType: z.string() })
  .meta({ id: "DocumentRef" });
export const DocumentList = z.object({ items: z.array(DocumentRefDto) }).meta({ id: "DocumentList" });

/** `PUT /api/v1/cases/{caseId}/invoice-document`'s answer: what is stored now (never the content). */
export const InvoiceDocumentDto = z
  .object({
    caseId: z.string(),
    contentType: z.literal("application/pdf"),
    bytes: z.number().int().positive(),
    sha256: z.string().meta({ description: "Hex SHA-256 of the PDF." }),
    uploadedAt: Instant,
  })
  .meta({ id: "InvoiceDocument" });

// ---------------------------------------------------------------------------------------------------------------
// Partner connection (the tenant's partner system: TMF641 service orders to suspend and reopen services)

/** `PUT /api/v1/partner-connection`'s body (https URLs only, as in Azure; the use case holds the rule). */
export const PartnerConnectionBody = PutPartnerConnectionBody;

const PartnerUrl = z.string().meta({ example: "https://provisioning.fjordnett.no" });

export const PartnerConnectionViewDto = z
  .object({
    baseUrl: PartnerUrl.meta({ description: "The partner system's root (TMF paths are appended)." }),
    role: TenantRole,
    auth: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("hmac") }),
        z.object({
          kind: z.literal("oauth2"),
          tokenUrl: z.string().meta({ example: "https://auth.fjordnett.no/oauth2/token" }),
          clientId: z.string().meta({ example: "payment-follow-up" }),
          scope: z.string().optional(),
        }),
      ])
      .meta({ description: "How we authenticate to the partner system. Never a secret." }),
    callbackUrl: z.string().meta({
      description:
        "Where the partner posts its ServiceOrderStateChangeEvents (register it at the partner's TMF641 hub), signed with the connection's secret.",
      example: "https://pay.example.no/api/callbacks/partners/t_3f9a",
    }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: "PartnerConnection", description: "The tenant's partner connection, without any secret." });

export const PartnerConnectionSavedDto = z
  .object({
    connection: PartnerConnectionViewDto,
    secrets: z
      .object({
        secret: z.string().optional().meta({
          description: "The generated HMAC secret (an hmac connection sent without one). Shown ONCE.",
          example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        }),
        callbackSecret: z.string().optional().meta({
          description: "The generated secret the partner signs its callbacks with (an oauth2 connection). Shown ONCE.",
          example: "whsec_K3n5Xq0Q2mT0c1f9b6A7R2o8W4y1Z5e3",
        }),
      })
      .meta({
        description:
          "The secrets generated by this request, shown this once and never again (a secret you sent is never echoed).",
      }),
    hub: z
      .object({
        registered: z.boolean(),
        id: z.string().optional(),
        problem: z.string().optional().meta({ description: "Why the partner refused or could not be reached." }),
      })
      .meta({
        description:
          "Our callback URL registered at the partner's TMF641 hub (POST {baseUrl}/tmf-api/serviceOrdering/v4/hub). When it could not be, register connection.callbackUrl at the partner by hand, or PUT again.",
      }),
  })
  .meta({ id: "PartnerConnectionSaved" });
