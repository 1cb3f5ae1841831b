/**
 * The text of a value from untyped metadata: binding metadata (`route`, `connection`, `schedule`, …), AMQP properties
 * and ids, thrown values. Strings as they are; numbers, booleans, bigints, null, undefined and errors as `String` writes
 * them; any other object as JSON (where `String` would write "[object Object]").
 */
export function asString(value: unknown): string {
  if (typeof value === "string") return value;
  if (
    typeof value === "number" ||
    typeof value === "boolean" ||
    typeof value === "bigint" ||
    value === undefined ||
    value === null ||
    value instanceof Error
  )
    return String(value);
  return JSON.stringify(value) ?? `[${typeof value}]`;
}
