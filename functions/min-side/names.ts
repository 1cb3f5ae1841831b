/** Min side (issue 15): function names and routes. The debtor actions (functions/debtor-actions/) hang off CLAIM_ROUTE. */
export const MIN_SIDE_OVERVIEW_FUNCTION = "minSideOverview";
export const MIN_SIDE_OVERVIEW_ROUTE = "min-side";
export const MIN_SIDE_SIGN_IN_FUNCTION = "minSideSignIn";
export const MIN_SIDE_SIGN_IN_ROUTE = "min-side/logg-inn";
export const MIN_SIDE_BANKID_FUNCTION = "minSideBankIdStart";
export const MIN_SIDE_BANKID_ROUTE = "min-side/logg-inn/bankid";
export const MIN_SIDE_CALLBACK_FUNCTION = "minSideBankIdCallback";
export const MIN_SIDE_CALLBACK_ROUTE = "min-side/logg-inn/callback";
export const MIN_SIDE_PIN_FUNCTION = "minSidePinSignIn";
export const MIN_SIDE_PIN_ROUTE = "min-side/logg-inn/pin";
export const MIN_SIDE_SIGN_OUT_FUNCTION = "minSideSignOut";
export const MIN_SIDE_SIGN_OUT_ROUTE = "min-side/logg-ut";
export const MIN_SIDE_CLAIM_FUNCTION = "minSideClaim";
export const MIN_SIDE_CLAIM_ROUTE = "min-side/krav/{tenantId}/{caseId}";
export const MIN_SIDE_PAY_FUNCTION = "minSidePay";
export const MIN_SIDE_PAY_ROUTE = "min-side/krav/{tenantId}/{caseId}/betal";
export const MIN_SIDE_DOCUMENT_FUNCTION = "minSideDocument";
export const MIN_SIDE_DOCUMENT_ROUTE = "min-side/krav/{tenantId}/{caseId}/dokumenter/{documentId}";
export const MIN_SIDE_INVOICE_COPY_FUNCTION = "minSideInvoiceCopy";
export const MIN_SIDE_INVOICE_COPY_ROUTE = "min-side/krav/{tenantId}/{caseId}/faktura";
export const MIN_SIDE_ASSISTANT_FUNCTION = "minSideAssistant";
export const MIN_SIDE_ASSISTANT_ASK_FUNCTION = "minSideAssistantAsk";
/** GET: the question box; POST (CSRF): the answer from the subject's own cases. */
export const MIN_SIDE_ASSISTANT_ROUTE = "min-side/assistent";
/** Powers of attorney (BankID only): GET the page, POST (CSRF) a grant; POST (CSRF) a revocation. */
export const MIN_SIDE_ATTORNEY_FUNCTION = "minSideAttorney";
export const MIN_SIDE_ATTORNEY_GRANT_FUNCTION = "minSideAttorneyGrant";
export const MIN_SIDE_ATTORNEY_ROUTE = "min-side/fullmakter";
export const MIN_SIDE_ATTORNEY_REVOKE_FUNCTION = "minSideAttorneyRevoke";
export const MIN_SIDE_ATTORNEY_REVOKE_ROUTE = "min-side/fullmakter/trekk-tilbake";
