/**
 * The partner API's OpenAPI registrations: every endpoint of functions/api, from the very schemas the functions
 * validate with (functions/api/schemas.ts). Paths are relative to the server URL `…/api`.
 */
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { PageQuery, registerEndpoint } from "../../shared/http/openapi";
import {
  CancelBody,
  CaseListQuery,
  CasePage,
  CaseParams,
  CaseViewDto,
  CreditNoteBody,
  KeepCreditBody,
  OverpaymentPage,
  RefundBody,
  CustomerContactPatchBody,
  CustomerContactUpdatedDto,
  CustomerParams,
  CustomerUpdatedDto,
  DirectPaymentBody,
  DocumentList,
  DocumentParams,
  HoldBody,
  InvoiceBatchBody,
  InvoiceBatchResult,
  InvoiceDocumentDto,
  InvoiceRegistered,
  NoteBody,
  DisputeBody,
  ResolveDisputeBody,
  ServiceBlockBody,
  ServiceParams,
  ServiceViewDto,
  PartnerConnectionBody,
  PartnerConnectionSavedDto,
  PartnerConnectionViewDto,
  LetterheadBody,
  LetterheadView,
  PolicyBody,
  PolicyView,
  RegisterInvoiceBody,
  RegisterTenantBody,
  ResumeBody,
  TenantRegistered,
  TimelineEntryDto,
} from "./schemas";
import { CaseMessageBody, CaseMessagesDto, CaseReplyDto } from "./message-schemas";

export function registerPartnerApi(registry: OpenAPIRegistry): void {
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/tenants",
    operationId: "registerTenant",
    summary: "Onboard a creditor (operator key); returns its API key once",
    tags: ["Tenants"],
    auth: "operator",
    request: { body: RegisterTenantBody },
    responses: { 201: { description: "The tenant and its API key.", schema: TenantRegistered } },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/policy",
    operationId: "getPolicy",
    summary: "The creditor's ladder (the lawful default until one is set)",
    tags: ["Policy"],
    auth: "tenant",
    responses: { 200: { description: "The ladder in force.", schema: PolicyView } },
  });
  registerEndpoint(registry, {
    method: "put",
    path: "/v1/policy",
    operationId: "putPolicy",
    summary: "Replace the creditor's ladder",
    description:
      "Validated against the country's rules in force today; an unlawful ladder is refused with 422 and `context.problems` (step, reason, legal basis).",
    tags: ["Policy"],
    auth: "tenant",
    request: { body: PolicyBody },
    responses: { 200: { description: "The ladder now in force.", schema: PolicyView } },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/letterhead",
    operationId: "getLetterhead",
    summary: "The sender block, account number and contacts on the creditor's letters",
    tags: ["Tenants"],
    auth: "tenant",
    responses: { 200: { description: "The letterhead in force.", schema: LetterheadView } },
  });
  registerEndpoint(registry, {
    method: "put",
    path: "/v1/letterhead",
    operationId: "putLetterhead",
    summary: "Replace the creditor's letterhead",
    description: "Letters produced from now on print it; letters already sent stay as they were.",
    tags: ["Tenants"],
    auth: "tenant",
    request: { body: LetterheadBody },
    responses: { 200: { description: "The letterhead now in force.", schema: LetterheadView } },
  });
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/invoices",
    operationId: "registerInvoice",
    summary: "Hand over an invoice; a case is created and followed up",
    tags: ["Invoices"],
    auth: "tenant",
    request: { body: RegisterInvoiceBody },
    responses: { 201: { description: "The case was created.", schema: InvoiceRegistered } },
    problems: [409],
  });
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/invoices/batch",
    operationId: "registerInvoiceBatch",
    summary: "Hand over up to 1 000 invoices; each succeeds or fails on its own",
    tags: ["Invoices"],
    auth: "tenant",
    request: { body: InvoiceBatchBody },
    responses: { 207: { description: "One result per invoice, in request order.", schema: InvoiceBatchResult } },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases",
    operationId: "listCases",
    summary: "The creditor's cases, a page at a time",
    tags: ["Cases"],
    auth: "tenant",
    request: { query: CaseListQuery },
    responses: { 200: { description: "A page of cases.", schema: CasePage } },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases/{caseId}",
    operationId: "getCase",
    summary: "One case: balance as of today, next action and why, timeline",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: CaseParams },
    responses: { 200: { description: "The case.", schema: CaseViewDto } },
    problems: [404],
  });
  const caseAction = (path: string, operationId: string, summary: string, body: z.ZodType, status = 200) =>
    registerEndpoint(registry, {
      method: "post",
      path: `/v1/cases/{caseId}/${path}`,
      operationId,
      summary,
      tags: ["Cases"],
      auth: "tenant",
      request: { params: CaseParams, body },
      responses:
        status === 201
          ? { 201: { description: "The timeline entry.", schema: TimelineEntryDto } }
          : { 200: { description: "The case afterwards.", schema: CaseViewDto } },
      problems: [404, 409],
    });
  caseAction(
    "payments",
    "recordDirectPayment",
    "Report a payment the creditor received directly (once per reference)",
    DirectPaymentBody,
  );
  caseAction("credit-notes", "issueCreditNote", "Credit the invoice (once per reference)", CreditNoteBody);
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/cases/{caseId}/refunds",
    operationId: "refundCaseOverpayment",
    summary:
      "Refund the debtor's credit (an overpayment): back through the payment provider, or record a bank transfer",
    description:
      "Once per reference. `method: provider` (default) refunds from the newest Vipps/card payment on the case that " +
      "holds the amount (the provider is asked what it holds); `bank-transfer` records a refund the creditor made " +
      "itself. 422 when the amount is more than the case's credit (REFUND_EXCEEDS_CREDIT) or than the provider payment " +
      "holds (REFUND_EXCEEDS_CAPTURED), or no payment on the case came through the provider (NO_PROVIDER_PAYMENT). " +
      "Published as `payment.refunded`.",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: CaseParams, body: RefundBody },
    responses: { 200: { description: "The case afterwards.", schema: CaseViewDto } },
    problems: [404, 409],
  });
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/cases/{caseId}/keep-credit",
    operationId: "keepCaseCredit",
    summary: "Keep the debtor's credit (an overpayment) instead of refunding it: the case leaves the overpayment list",
    description: "The body may be left out. 409 when the case holds no credit.",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: CaseParams, body: KeepCreditBody },
    responses: { 200: { description: "The case afterwards.", schema: CaseViewDto } },
    problems: [404, 409],
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/overpayments",
    operationId: "listOverpayments",
    summary: "Cases holding credit (paid beyond what was owed) that no choice was made for: refund or keep",
    tags: ["Cases"],
    auth: "tenant",
    request: { query: PageQuery },
    responses: { 200: { description: "A page of overpaid cases.", schema: OverpaymentPage } },
  });
  caseAction("hold", "holdCase", "Put the case on hold", HoldBody);
  caseAction("resume", "resumeCase", "Resume a held case (the body may be left out)", ResumeBody);
  caseAction("cancel", "cancelCase", "Cancel the case", CancelBody);
  caseAction(
    "dispute",
    "openCaseDispute",
    "Register the debtor's dispute: follow-up and any suspension wait for the outcome",
    DisputeBody,
  );
  caseAction(
    "dispute/resolve",
    "resolveCaseDispute",
    "Resolve the dispute: the claim stands (follow-up goes on) or is withdrawn (dropped; suspended services reopen)",
    ResolveDisputeBody,
  );
  caseAction("notes", "addNote", "Add a note to the case's timeline", NoteBody, 201);
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases/{caseId}/messages",
    operationId: "listCaseMessages",
    summary: "The message thread between the debtor (Min side) and customer service, oldest first",
    description:
      "Listing marks the debtor's messages read for customer service (`unread` says which were new). A debtor's " +
      "message is also on the case's timeline (kind `message`, `details.action: message`, the message id, never the " +
      'text) and is published as the webhook `case.debtor_action` with `action: "message"`, `messageId`, `actor`, ' +
      "`attachment` (or null) and `textLength` — fetch the text here.",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: CaseParams },
    responses: { 200: { description: "The thread.", schema: CaseMessagesDto } },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "post",
    path: "/v1/cases/{caseId}/messages",
    operationId: "replyToDebtorMessage",
    summary: "Reply to the debtor: the reply shows on Min side and the debtor is alerted by SMS and/or e-mail",
    description:
      "The alert goes through the channels the debtor chose on Min side (default: those the case has consent for), " +
      "only with consent and an address, and never carries the text: only that there is a new message from the " +
      "creditor on Min side, and the link. Each alert's outcome is in the answer and on the case's timeline.\n\n" +
      "Each POST is a new reply: two POSTs without an `Idempotency-Key` are two replies, each alerting the debtor " +
      "(two agents may rightly send the same words, so the text is no identity). To make a retry safe, send an " +
      "`Idempotency-Key` — one new key per reply the agent writes, the same key when the request is sent again: a " +
      "repeat returns the first answer and stores and alerts once; the same key with another text is 409 " +
      "`idempotency-key-reused`.",
    tags: ["Cases"],
    auth: "tenant",
    idempotent: true,
    request: { params: CaseParams, body: CaseMessageBody },
    responses: { 201: { description: "The reply and its alerts.", schema: CaseReplyDto } },
    problems: [404, 409],
  });
  registerEndpoint(registry, {
    method: "patch",
    path: "/v1/cases/{caseId}/customer",
    operationId: "updateCaseCustomer",
    summary: "Update the customer's contact data and consent on this case (JSON Merge Patch)",
    description:
      "Members left out stay as they are; null removes one; `consent` is merged member by member; the address is " +
      "replaced as a whole. A change is on the case's timeline by field name (never the values) and is published as " +
      "`case.customer_updated`. The ladder reads the customer when it sends: `consent.sms: false` stops SMS from now on.",
    tags: ["Cases"],
    auth: "tenant",
    idempotent: true,
    request: { params: CaseParams, body: CustomerContactPatchBody },
    responses: { 200: { description: "The customer on the case afterwards.", schema: CustomerContactUpdatedDto } },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "patch",
    path: "/v1/customers/{customerId}",
    operationId: "updateCustomer",
    summary: "Update the customer's contact data and consent on every open case of the customer (JSON Merge Patch)",
    description:
      "As `PATCH /v1/cases/{caseId}/customer`, for each open (not paid or cancelled) case of the customer. 404 when the " +
      "customer has no open case.",
    tags: ["Cases"],
    auth: "tenant",
    idempotent: true,
    request: { params: CustomerParams, body: CustomerContactPatchBody },
    responses: { 200: { description: "Each open case's customer afterwards.", schema: CustomerUpdatedDto } },
    problems: [404],
  });
  for (const [action, operationId, summary, body] of [
    [
      "block",
      "blockCaseService",
      "Block a service by hand (customer service): an open service is suspended by a command to the partner's system, a suspended one stays closed until unblocked. Audited with the reason.",
      ServiceBlockBody,
    ],
    [
      "unblock",
      "unblockCaseService",
      "Remove the manual block: the service reopens when nothing else (an overdue claim) blocks it.",
      undefined,
    ],
  ] as const) {
    registerEndpoint(registry, {
      method: "post",
      path: `/v1/cases/{caseId}/services/{serviceId}/${action}`,
      operationId,
      summary,
      tags: ["Cases"],
      auth: "tenant",
      request: { params: ServiceParams, ...(body ? { body } : {}) },
      responses: { 200: { description: "The service afterwards.", schema: ServiceViewDto } },
      problems: [404, 409],
    });
  }
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases/{caseId}/documents",
    operationId: "listDocuments",
    summary: "The letters sent on the case",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: CaseParams },
    responses: { 200: { description: "The letters, oldest first.", schema: DocumentList } },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases/{caseId}/documents/{documentId}",
    operationId: "getDocument",
    summary: "One letter as PDF",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: DocumentParams },
    responses: {
      200: {
        description: "The letter.",
        contentType: "application/pdf",
        schema: z.string().meta({ format: "binary" }),
      },
    },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "put",
    path: "/v1/cases/{caseId}/invoice-document",
    operationId: "putInvoiceDocument",
    summary: "Upload (or replace) the creditor's own PDF of the invoice",
    description:
      "The invoice as the creditor sent it to the debtor, as `application/pdf` (at most 10 MiB, and it must start with `%PDF-`). Min side then offers it to the debtor as the original invoice instead of a generated copy, as a download. One per case: a new upload replaces it, and the same bytes again change nothing (200). The case's timeline notes each new PDF (size and SHA-256). A wrong content type is a 415, an empty body a 400, a body that is not a PDF a 422 and one too large a 413, each naming what is wrong in `errors`.",
    tags: ["Cases"],
    auth: "tenant",
    idempotent: true,
    request: {
      params: CaseParams,
      binaryBody: { contentType: "application/pdf", description: "The invoice as a PDF." },
    },
    responses: {
      200: { description: "The PDF replaced the earlier one (or was the same).", schema: InvoiceDocumentDto },
      201: { description: "The case's first PDF of the invoice.", schema: InvoiceDocumentDto },
    },
    problems: [400, 404, 413, 415, 422],
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/cases/{caseId}/invoice-document",
    operationId: "getInvoiceDocument",
    summary: "The creditor's PDF of the invoice, as uploaded",
    tags: ["Cases"],
    auth: "tenant",
    request: { params: CaseParams },
    responses: {
      200: {
        description: "The PDF (a download).",
        contentType: "application/pdf",
        schema: z.string().meta({ format: "binary" }),
      },
    },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "put",
    path: "/v1/partner-connection",
    operationId: "putPartnerConnection",
    summary: "Set (or replace) the connection to the creditor's partner system; generated secrets are shown once",
    description:
      "The partner system's base URL (https), the creditor's role (which service actions are lawful) and how we authenticate: `hmac` (a Standard Webhooks secret, generated when left out) or `oauth2` client credentials (the partner then signs its callbacks with a generated callback secret). A PUT replaces the whole connection; secrets left out are generated anew. Secrets are returned only in this answer, never by GET.",
    tags: ["Partner connection"],
    auth: "tenant",
    idempotent: true,
    request: { body: PartnerConnectionBody },
    responses: {
      200: { description: "The connection was replaced.", schema: PartnerConnectionSavedDto },
      201: { description: "The connection was created.", schema: PartnerConnectionSavedDto },
    },
  });
  registerEndpoint(registry, {
    method: "get",
    path: "/v1/partner-connection",
    operationId: "getPartnerConnection",
    summary: "The connection to the creditor's partner system, without any secret, and the callback URL to register",
    tags: ["Partner connection"],
    auth: "tenant",
    responses: { 200: { description: "The connection.", schema: PartnerConnectionViewDto } },
    problems: [404],
  });
  registerEndpoint(registry, {
    method: "delete",
    path: "/v1/partner-connection",
    operationId: "deletePartnerConnection",
    summary: "Remove the connection to the creditor's partner system",
    tags: ["Partner connection"],
    auth: "tenant",
    responses: { 204: { description: "The connection was removed." } },
    problems: [404],
  });
}
