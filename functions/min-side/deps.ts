/** What Min side's functions are wired with (types only; the composition root builds it). */
import type { MinSideSessions } from "../../shared/application/min-side/sessions";
import type { ResolveMinSideSession } from "../../shared/application/min-side/subject";
import type { IntentClassifier } from "../../shared/application/assistant/intent-classifier";
import type { RequestRateLimiter } from "../../shared/http/rate-limit";
import type { PersonCases } from "../../shared/ports/case-store";
import type { IdentityProvider } from "../../shared/ports/identity-provider";
import type { PowerOfAttorneyStore } from "../../shared/ports/power-of-attorney-store";
import type { AppDeps } from "../deps";

export interface MinSideWiring {
  sessions: MinSideSessions;
  personCases: PersonCases;
  /** BankID through the OIDC broker; absent when MINSIDE_OIDC_* are not set (no BankID button). */
  identityProvider?: IdentityProvider;
  /** `MINSIDE_PIN_SECRET`; absent: no sign-in with case number + PIN. */
  pinSecret?: string;
  /** Wrong PINs per case number (`case`) and per client address (`client`), 15 minutes. */
  pinLimiter: RequestRateLimiter;
  /** Requests per client address per minute on every Min side page. */
  pageLimiter: RequestRateLimiter;
  /** Powers of attorney (`/min-side/fullmakter`): the store, and the secret the national ids are HMAC'd under. */
  powersOfAttorney?: { store: PowerOfAttorneyStore; secret: string };
}

export interface MinSideDeps extends AppDeps {
  /** The assistant's classifier: the process's one instance, trained once (shared with POST /api/v1/assistant/intents). */
  intentClassifier: IntentClassifier;
  /** Absent when MINSIDE_SESSION_SECRET is not set: Min side is closed. */
  minSide?: MinSideWiring;
  /** The session a request resolves to (for every Min side page and the debtor actions); absent as above. */
  resolveMinSideSession?: ResolveMinSideSession;
}
