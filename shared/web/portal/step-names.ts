/** The ladder's step kinds in words (bokmål, English), for the portal's pages (the ladder editor, the key figures). */
import type { PortalLang } from "./pages";

export const STEP_NAMES: Record<PortalLang, Record<string, string>> = {
  nb: {
    "lets-pay-sms": "Betalingspåminnelse (SMS)",
    reminder: "Purring",
    "collection-notice": "Inkassovarsel",
    "payment-demand": "Betalingsoppfordring",
    "suspension-notice": "Stengevarsel",
    suspension: "Stenging",
    "legal-handoff": "Rettslige skritt",
  },
  en: {
    "lets-pay-sms": "Let's pay SMS",
    reminder: "Reminder",
    "collection-notice": "Collection notice",
    "payment-demand": "Payment demand",
    "suspension-notice": "Suspension notice",
    suspension: "Suspension",
    "legal-handoff": "Legal hand-off",
  },
};
