/** Lawful letters (purring, inkassovarsel, betalingsoppfordring, varsel om stenging) rendered as PDF. */
export * from "./letter-model";
export * from "./lawful-content";
export * from "./letter-text";
export * from "./letter-metadata";
export * from "./letter-format";
export * from "./printable-text";
export * from "./render-letter";
export * from "./letter-email";
export * from "./render-receipt";
