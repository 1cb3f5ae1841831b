/**
 * Base class for every error the domain throws on purpose.
 *
 * Each subclass carries a stable, machine-readable `code` (e.g. "CURRENCY_MISMATCH") that the HTTP edge maps to
 * an RFC 9457 problem+json in one place (`shared/http/problem.ts`: the status follows from the code's naming);
 * `details` holds structured context (never secrets or personal data beyond what the caller already has).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details?: Record<string, unknown>;
  /**
   * A short summary of this KIND of error, the same for every instance (the problem's `title`). Without one the
   * title of the code's status rule is used.
   */
  declare readonly title?: string;
  /** What the problem document says besides code, message and `details` (see `DomainProblemDetails`). */
  declare readonly problemDetails?: DomainProblemDetails;

  constructor(message: string, details?: Record<string, unknown>, problemDetails?: DomainProblemDetails) {
    super(message);
    this.name = new.target.name;
    if (details !== undefined) this.details = details;
    if (problemDetails !== undefined) this.problemDetails = problemDetails;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * The parts of a problem document (RFC 9457) a domain error may fill in itself. Everything here is returned to the
 * caller as is: never secrets or personal data beyond what the caller already has.
 */
export interface DomainProblemDetails {
  /** The inputs at fault, as `errors[]` (pointer convention: `shared/http/problem.ts`). */
  readonly errors?: ReadonlyArray<{ readonly pointer: string; readonly detail: string; readonly code: string }>;
  /** Extension members, e.g. `{ providerStatus: 400 }`; they never replace a standard member. */
  readonly members?: Readonly<Record<string, unknown>>;
}
