/**
 * Base class for every error the domain throws on purpose.
 *
 * Each subclass carries a stable, machine-readable `code` (e.g. "CURRENCY_MISMATCH") that the HTTP edge maps to
 * an RFC 9457 problem+json in one place; `details` holds structured context (never secrets or personal data
 * beyond what the caller already has).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    if (details !== undefined) this.details = details;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
