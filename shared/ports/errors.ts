/**
 * The errors the ports promise: the stores behind them throw these on purpose (and use cases throw them too). Each
 * has a stable `code` the HTTP edge maps to a problem+json. `details` never carries personal data or secrets.
 */
import { DomainError } from "../domain/errors";

/** The tenant already has a case for this invoice number (HTTP 409). */
export class DuplicateInvoiceNumber extends DomainError {
  readonly code = "DUPLICATE_INVOICE_NUMBER";
  constructor(invoiceNumber: string) {
    super(`A case for invoice number ${invoiceNumber} already exists`, { invoiceNumber });
  }
}

/** No such case — or it belongs to another tenant, which is reported the same way (HTTP 404). */
export class CaseNotFound extends DomainError {
  readonly code = "CASE_NOT_FOUND";
  constructor(caseId: string) {
    super(`Case ${caseId} was not found`, { caseId });
  }
}

/** No such tenant (HTTP 404). */
export class TenantNotFound extends DomainError {
  readonly code = "TENANT_NOT_FOUND";
  constructor(tenantId: string) {
    super(`Tenant ${tenantId} was not found`, { tenantId });
  }
}

/** A tenant or API key with this id exists already (ids are random: a retried onboarding or a bug; HTTP 409). */
export class TenantAlreadyExists extends DomainError {
  readonly code = "TENANT_ALREADY_EXISTS";
  constructor(tenantId: string) {
    super(`Tenant ${tenantId} already exists`, { tenantId });
  }
}

/** The case kept changing under an update (optimistic concurrency gave up after its retries; HTTP 409/503). */
export class CaseUpdateConflict extends DomainError {
  readonly code = "CASE_UPDATE_CONFLICT";
  constructor(caseId: string) {
    super(`Case ${caseId} changed too often while it was being updated; try again`, { caseId });
  }
}

/**
 * A `continuationToken` that no store issued, or one that is no longer usable (HTTP 400, naming the query parameter
 * every list endpoint takes it in).
 */
export class InvalidContinuationToken extends DomainError {
  readonly code = "INVALID_CONTINUATION_TOKEN";
  constructor() {
    super("The continuation token is not valid", undefined, {
      errors: [
        {
          pointer: "#/query/continuationToken",
          detail: "Not a continuation token this list issued (or no longer usable): start again without it.",
          code: "INVALID_CONTINUATION_TOKEN",
        },
      ],
    });
  }
}

/** The creditor sent no PDF of the case's invoice (HTTP 404). */
export class InvoiceDocumentNotFound extends DomainError {
  readonly code = "INVOICE_DOCUMENT_NOT_FOUND";
  constructor(caseId: string) {
    super(`Case ${caseId} has no invoice document from the creditor`, { caseId });
  }
}
