/**
 * The app's settings, parsed once from the environment with zod (in Azure: app settings; locally: local.settings).
 * Read lazily by the composition root, never at import time. Secrets come only from here.
 */
import { z } from "zod";

const Bool = z.enum(["true", "false"]).transform((v) => v === "true");
/** An empty app setting (a Bicep parameter left at '') counts as not set. */
const emptyIsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);

export const Settings = z.object({
  /** Durable Functions task hub (host.json reads the same setting). */
  DURABLE_TASK_HUB: z.string().min(1).default("PaymentFollowUp"),
  /** Cosmos DB account endpoint. With COSMOS_KEY set the key is used, otherwise managed identity. */
  COSMOS_ENDPOINT: z.url(),
  COSMOS_KEY: z.string().optional(),
  COSMOS_DATABASE: z.string().min(1).default("payment-follow-up"),
  COSMOS_ENDPOINT_DISCOVERY: Bool.default(true),
  /** Service Bus: a connection string, or (Azure) ServiceBusConnection__fullyQualifiedNamespace with managed identity. */
  ServiceBusConnection: z.string().optional(),
  ServiceBusConnection__fullyQualifiedNamespace: z.string().optional(),
  /** Communication Services SMS: a connection string, or ACS_ENDPOINT with managed identity. */
  ACS_CONNECTION_STRING: z.string().optional(),
  ACS_ENDPOINT: z.url().optional(),
  /** Communication Services Email (same resource and connection as SMS): the sender, `DoNotReply@<verified domain>`. */
  ACS_EMAIL_SENDER: z.email().optional(),
  /** Blob storage for letters: AzureWebJobsStorage connection string locally, BLOB_ACCOUNT_URL with managed identity in Azure. */
  AzureWebJobsStorage: z.string().optional(),
  BLOB_ACCOUNT_URL: z.url().optional(),
  LETTERS_CONTAINER: z.string().min(3).default("letters"),
  /** Base of the short pay links: {PUBLIC_BASE_URL}/p/{token}. */
  PUBLIC_BASE_URL: z.url(),
  /** Operators onboard creditors with this key (x-api-key). */
  OPERATOR_API_KEY: z.string().min(16).optional(),
  /**
   * Accept webhook and partner connection URLs on this machine (http://127.0.0.1, localhost): local runs and tests
   * only, never in Azure.
   */
  WEBHOOK_ALLOW_LOOPBACK_URLS: Bool.default(false),
  /**
   * The sender block of letters, as JSON: `{ address: { lines, postalCode, city }, accountNumber, contact: { phone?,
   * email?, web? } }` — the postal address, the account KID payments go to, and how debtors reach us. Without it no
   * letter can be produced (letter steps wait and say so). Validated by the composition root.
   */
  LETTERHEAD: z.string().optional(),
  /**
   * Vipps MobilePay ePayment (Vipps and card payments from the pay page). Without VIPPS_BASE_URL the pay page shows
   * the claim and the KID but no pay buttons. Test: https://apitest.vipps.no, production: https://api.vipps.no.
   */
  VIPPS_BASE_URL: z.url().optional(),
  VIPPS_CLIENT_ID: z.string().min(1).optional(),
  VIPPS_CLIENT_SECRET: z.string().min(1).optional(),
  VIPPS_SUBSCRIPTION_KEY: z.string().min(1).optional(),
  /** The sales unit's MSN: 4–6 digits, as the Vipps APIs' `Merchant-Serial-Number` header schema says. */
  VIPPS_MERCHANT_SERIAL_NUMBER: z
    .string()
    .regex(/^[0-9]{4,6}$/u, "a merchant serial number is 4–6 digits")
    .optional(),
  /**
   * The Report API ledger the reconcile sweep reads captures from (money at Vipps no payment attempt knows). Optional:
   * without it the ledger settling for `api:{VIPPS_MERCHANT_SERIAL_NUMBER}` is looked up (GET /settlement/v1/ledgers).
   * The Report API exists in production only.
   */
  VIPPS_LEDGER_ID: emptyIsUnset(z.string().min(1).optional()),
  /** The secret Vipps returned when our callback URL was registered (POST /webhooks/v1/webhooks): verifies callbacks. */
  VIPPS_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** How far ahead of our clock a Vipps callback may be dated (seconds); older ones are accepted for Vipps' 7 days of retries. */
  VIPPS_WEBHOOK_MAX_SKEW_SECONDS: z.coerce.number().int().positive().default(300),
  /** A reopen the partner has not confirmed within this many seconds is escalated (service.reopen_delayed). */
  SERVICE_REOPEN_LIMIT_SECONDS: z.coerce.number().int().positive().default(60),
  /** Pay page requests allowed per minute for one pay link, and for one client address (per instance). */
  PAY_PAGE_RATE_PER_TOKEN: z.coerce.number().int().positive().default(60),
  PAY_PAGE_RATE_PER_CLIENT: z.coerce.number().int().positive().default(300),
  /** Questions to the pay page's "Spør oss" per link and per client address per minute (per instance). */
  PAY_ASSISTANT_RATE_PER_TOKEN: z.coerce.number().int().positive().default(10),
  PAY_ASSISTANT_RATE_PER_CLIENT: z.coerce.number().int().positive().default(60),
  /** The assistant's intent classifications allowed per minute for one client address (per instance). */
  ASSISTANT_RATE_PER_CLIENT: z.coerce.number().int().positive().default(120),
  /**
   * Key Vault for the partner connections' secrets (`https://<vault>.vault.azure.net`, reached with managed identity).
   * Without it the secrets stay in the Cosmos document (local runs without the dev host's stand-in).
   */
  KEY_VAULT_URL: z.url({ protocol: /^https$/u }).optional(),
  /** A PEM file of a certificate authority to trust for the vault's certificate (the dev host's stand-in; unset in Azure). */
  KEY_VAULT_CA_FILE: z.string().min(1).optional(),
  /**
   * `false` accepts a vault whose authentication challenge does not name a parent domain of its host (a vault on
   * 127.0.0.1: the dev host's stand-in). Always `true` in Azure.
   */
  KEY_VAULT_VERIFY_CHALLENGE_RESOURCE: Bool.default(true),
  /** The blob container the bank drops Nets OCR giro files into (KID payments). */
  OCR_INCOMING_CONTAINER: z.string().min(3).default("ocr-incoming"),
  /**
   * Digipost (digital mailbox, with print fallback): the API (production https://api.digipost.no), the sender (broker)
   * id Digipost gave the organisation, and the enterprise certificate's private key as PEM (escaped `\n` accepted) —
   * in Azure a Key Vault reference. Without all three the digital mailbox channel is off.
   */
  DIGIPOST_API_URL: emptyIsUnset(z.url().optional()),
  DIGIPOST_SENDER_ID: emptyIsUnset(
    z
      .string()
      .regex(/^[0-9]{1,18}$/u, "a Digipost sender id is digits")
      .optional(),
  ),
  DIGIPOST_SIGNING_KEY: emptyIsUnset(z.string().min(1).optional()),
  /**
   * Print (docs/print-house.md): the container the print house reads batches from, the one its receipt files land in
   * (the blob trigger's path names it too) and where unreadable receipt files are moved. The batch schedule is the
   * timer's PRINT_BATCH_SCHEDULE (NCRONTAB, UTC), read by the host. Unset: print-outbox, print-receipts,
   * print-receipts-rejected (the adapters' defaults).
   */
  /**
   * The print batch timer (NCRONTAB, UTC). Letters going by post are dated by the posting day of a batch closing at
   * 13:00 Oslo time at the earliest (shared/application/letters/deliver-letter.ts), so the batch must not close
   * earlier: a fixed hour of 12 UTC or later (13:00 Oslo in winter, 14:00 in summer). Checked here so that a schedule
   * moved earlier is refused at start instead of dating letters a day too early.
   */
  PRINT_BATCH_SCHEDULE: emptyIsUnset(
    z
      .string()
      .refine((v) => {
        const hour = v.trim().split(/\s+/u)[2] ?? "";
        return /^\d{1,2}(,\d{1,2})*$/u.test(hour) && hour.split(",").every((h) => Number(h) >= 12 && Number(h) <= 23);
      }, "six NCRONTAB fields whose hour is fixed at 12 or later (UTC): letters are dated by a batch closing at 13:00 Oslo at the earliest")
      .optional(),
  ),
  /**
   * Min side (the debtor's own pages, issue 15). `MINSIDE_SESSION_SECRET` signs the session cookie and
   * `MINSIDE_PIN_SECRET` derives the PIN printed on letters (both at least 32 characters; Key Vault references in
   * Azure). Without the session secret Min side is closed (its pages say so); without the PIN secret letters print no
   * PIN and sign-in with case number + PIN is off.
   */
  MINSIDE_SESSION_SECRET: emptyIsUnset(z.string().min(32).optional()),
  MINSIDE_PIN_SECRET: emptyIsUnset(z.string().min(32).optional()),
  /** A session ends after this many minutes without a request, and this many hours after sign-in at the latest. */
  MINSIDE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  MINSIDE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24).default(4),
  /**
   * BankID through an OpenID Connect broker (ID-porten, Criipto, Signicat): the issuer (discovery at
   * `{issuer}/.well-known/openid-configuration`), our client's id and secret, and the redirect URI registered there
   * (default `{PUBLIC_BASE_URL}/min-side/logg-inn/callback`). Without the issuer, client id and secret no BankID
   * button is shown. `MINSIDE_OIDC_NATIONAL_ID_CLAIM`: the ID token claim with the national id — `pid` at ID-porten
   * and Criipto (Norwegian BankID), `nin` at Signicat.
   */
  MINSIDE_OIDC_ISSUER: emptyIsUnset(z.url().optional()),
  MINSIDE_OIDC_CLIENT_ID: emptyIsUnset(z.string().min(1).optional()),
  MINSIDE_OIDC_CLIENT_SECRET: emptyIsUnset(z.string().min(1).optional()),
  MINSIDE_OIDC_REDIRECT_URI: emptyIsUnset(z.url().optional()),
  MINSIDE_OIDC_NATIONAL_ID_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/u)
    .default("pid"),
  MINSIDE_OIDC_SCOPE: z.string().min(6).default("openid"),
  /** Wrong PINs allowed per case number (and 4× that per client address) in 15 minutes before it is locked. */
  MINSIDE_PIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /**
   * Staff sign-in for the creditor portal and customer-service console (issue 16): `PORTAL_SESSION_SECRET` signs the
   * `__Host-portal` cookie (at least 32 characters; Key Vault in Azure); the OpenID Connect provider (Microsoft Entra
   * ID: `https://login.microsoftonline.com/{directory}/v2.0`), our app registration's client id and secret, and its
   * redirect URI (default `{PUBLIC_BASE_URL}/portal/logg-inn/callback`). Roles come from the ID token's `roles` claim
   * (app roles `creditor.viewer`, `creditor.editor`, `service.agent`, `operator`); a creditor role's tenant from the
   * claim `PORTAL_OIDC_TENANT_CLAIM` (default `creditor_tenant`). Without the secret, issuer, client id and secret the
   * portal says it is closed.
   */
  PORTAL_SESSION_SECRET: emptyIsUnset(z.string().min(32).optional()),
  PORTAL_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(120).default(30),
  PORTAL_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24).default(10),
  PORTAL_OIDC_ISSUER: emptyIsUnset(z.url().optional()),
  PORTAL_OIDC_CLIENT_ID: emptyIsUnset(z.string().min(1).optional()),
  PORTAL_OIDC_CLIENT_SECRET: emptyIsUnset(z.string().min(1).optional()),
  PORTAL_OIDC_REDIRECT_URI: emptyIsUnset(z.url().optional()),
  PORTAL_OIDC_TENANT_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/u)
    .default("creditor_tenant"),
  PORTAL_OIDC_SCOPE: z.string().min(6).default("openid profile"),
  PRINT_OUTBOX_CONTAINER: z.string().min(3).optional(),
  /** Files debtors upload on Min side (dispute attachments, payment receipts); default "debtor-uploads". */
  DEBTOR_UPLOADS_CONTAINER: z.string().min(3).optional(),
  /** The creditors' own PDFs of their invoices (partner API, shown on Min side); default "invoice-documents". */
  INVOICE_DOCUMENTS_CONTAINER: z.string().min(3).optional(),
  PRINT_RECEIPTS_CONTAINER: z.string().min(3).optional(),
  PRINT_RECEIPTS_REJECTED_CONTAINER: z.string().min(3).optional(),
});
export type Settings = z.infer<typeof Settings>;

export class InvalidSettings extends Error {
  constructor(readonly problems: Array<{ setting: string; problem: string }>) {
    super(`Invalid settings: ${problems.map((p) => `${p.setting}: ${p.problem}`).join("; ")}`);
  }
}

/** Parses the settings; the error names each wrong setting (never its value: some are secrets). */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  const parsed = Settings.safeParse(env);
  if (!parsed.success) {
    throw new InvalidSettings(parsed.error.issues.map((i) => ({ setting: i.path.join("."), problem: i.message })));
  }
  return parsed.data;
}

let cached: Settings | undefined;
/** The process's settings, parsed on first use. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
