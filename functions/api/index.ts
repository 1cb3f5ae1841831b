/**
 * The partner API (v1): tenants, ladder policy, invoices, cases and their actions, customers' contact data, documents, the tenant's partner
 * connection, the OpenAPI document.
 * `registerApi(deps)` registers every function of the area; `deps()` is called per invocation, never at import.
 */
import type { InvocationContext } from "@azure/functions";
import { forInvocation } from "../deps";
import type { ApiDeps, ResolveDeps } from "./edge";
import { registerCreditNoteFunctions } from "./http-case-credit-notes";
import { registerOverpaymentFunctions } from "./http-case-overpayments";
import { registerDocumentFunctions } from "./http-case-documents";
import { registerInvoiceDocumentFunctions } from "./http-case-invoice-document";
import { registerNoteFunctions } from "./http-case-notes";
import { registerCaseMessageFunctions } from "./http-case-messages";
import { registerCaseServiceFunctions } from "./http-case-services";
import { registerPaymentFunctions } from "./http-case-payments";
import { registerCaseStatusFunctions } from "./http-case-status";
import { registerCaseFunctions } from "./http-cases";
import { registerCustomerFunctions } from "./http-customers";
import { registerInvoiceFunctions } from "./http-invoices";
import { registerOpenApiFunction } from "./http-openapi";
import { registerPartnerConnectionFunctions } from "./http-partner-connection";
import { registerPolicyFunctions } from "./http-policy";
import { registerLetterheadFunctions } from "./http-letterhead";
import { registerTenantFunctions } from "./http-tenants";

export type { ApiDeps } from "./edge";

export function registerApi(deps: () => ApiDeps): void {
  const resolve: ResolveDeps = (context: InvocationContext) => forInvocation(deps(), context);
  registerTenantFunctions(resolve);
  registerPolicyFunctions(resolve);
  registerLetterheadFunctions(resolve);
  registerInvoiceFunctions(resolve);
  registerCaseFunctions(resolve);
  registerPaymentFunctions(resolve);
  registerCreditNoteFunctions(resolve);
  registerOverpaymentFunctions(resolve);
  registerCaseStatusFunctions(resolve);
  registerNoteFunctions(resolve);
  registerCaseMessageFunctions(resolve);
  registerCustomerFunctions(resolve);
  registerCaseServiceFunctions(resolve);
  registerDocumentFunctions(resolve);
  registerInvoiceDocumentFunctions(resolve);
  registerPartnerConnectionFunctions(resolve);
  registerOpenApiFunction();
}
