/** Function names of the partner API (v1) and its OpenAPI document. */
export const API_FUNCTIONS = {
  registerTenant: "api-v1-register-tenant",
  getPolicy: "api-v1-get-policy",
  putPolicy: "api-v1-put-policy",
  registerInvoice: "api-v1-register-invoice",
  registerInvoiceBatch: "api-v1-register-invoice-batch",
  getCase: "api-v1-get-case",
  listCases: "api-v1-list-cases",
  recordPayment: "api-v1-record-payment",
  issueCreditNote: "api-v1-issue-credit-note",
  holdCase: "api-v1-hold-case",
  resumeCase: "api-v1-resume-case",
  cancelCase: "api-v1-cancel-case",
  addNote: "api-v1-add-note",
  listDocuments: "api-v1-list-documents",
  getDocument: "api-v1-get-document",
  openApi: "api-openapi",
} as const;

/** Routes as the Functions host sees them (host.json sets routePrefix ""); OpenAPI paths drop the "api" prefix. */
export const API_ROUTES = {
  tenants: "api/v1/tenants",
  policy: "api/v1/policy",
  invoices: "api/v1/invoices",
  invoiceBatch: "api/v1/invoices/batch",
  cases: "api/v1/cases",
  case: "api/v1/cases/{caseId}",
  payments: "api/v1/cases/{caseId}/payments",
  creditNotes: "api/v1/cases/{caseId}/credit-notes",
  hold: "api/v1/cases/{caseId}/hold",
  resume: "api/v1/cases/{caseId}/resume",
  cancel: "api/v1/cases/{caseId}/cancel",
  notes: "api/v1/cases/{caseId}/notes",
  documents: "api/v1/cases/{caseId}/documents",
  document: "api/v1/cases/{caseId}/documents/{documentId}",
  openApi: "api/openapi.json",
} as const;
