import { openCase, type Case, type OpenCaseInput } from "../../../shared/domain/case";

export const nok = (ore: number) => ({ value: ore, currency: "NOK" as const });

/** A Norwegian consumer invoice of NOK 1 000 due 2025-03-10 (a Monday). */
export function aCase(overrides: Partial<OpenCaseInput> = {}): Case {
  return openCase({
    id: "case-1",
    tenantId: "tenant-1",
    creditorId: "creditor-1",
    invoiceNumber: "INV-1001",
    country: "NO",
    currency: "NOK",
    debtor: { ref: "debtor-1", kind: "consumer" },
    lines: [{ description: "Broadband March", amount: nok(1_000_00) }],
    issueDate: "2025-02-24",
    dueDate: "2025-03-10",
    services: [],
    ...overrides,
  });
}
