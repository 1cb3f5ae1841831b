/**
 * What only the renderers decide: the page language, the kind notice pages and the cover choices the form offers.
 * The views themselves (PayPageView, ReceiptView, …) are the application's: shared/application/payments/pay-page-model.ts.
 */
import type { AllocationPart } from "../domain/allocation";

/** Norwegian (bokmål) by default, English on request (`?lang=en` or Accept-Language). */
export type Lang = "nb" | "en";

/** Kind pages instead of errors: what happened and what to do. */
export type NoticeKind = "unknown-link" | "expired-link" | "rate-limited" | "unavailable";

/** Parts a debtor may ask a partial payment to cover first (dekningsrekkefølge). */
export const COVER_CHOICES: readonly AllocationPart[] = ["principal", "interest", "fees"];
