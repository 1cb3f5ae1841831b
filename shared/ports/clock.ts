/** The one source of "now" for use cases and adapters (the system clock in production; tests pass a fixed one). */
export interface Clock {
  now(): Date;
}
