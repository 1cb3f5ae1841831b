import { describe, expect, it } from "vitest";
import { toCaseView } from "../../../../shared/application/get-case";
import { makeOwedToday, owedToday } from "../../../../shared/application/portal/owed-today";
import { balanceOf } from "../../../../shared/domain/case";
import { csvRow } from "../../../../shared/web/portal/cases-csv";
import { aCaseRecord, aTenant } from "../../../integration/adapters/cosmos/store-fixtures";

describe("what a case owes today, as the case list, CSV and console show it", () => {
  // 1000,00 kr due 2025-03-10, nothing written to the case since: a month later interest has run.
  const record = aCaseRecord("t_a", "INV-7", { kid: "12347" });
  const now = new Date("2025-04-09T10:00:00Z");

  it("is the case page's total with interest to today, not the balance at the last change", () => {
    const today = owedToday(record, now);
    expect(today).toEqual(toCaseView(record, aTenant("t_a").tenant, now).balance.total);
    expect(today.value).toBeGreaterThan(balanceOf(record.case).total.value);
    expect(balanceOf(record.case).total.value).toBe(1_000_00);
  });

  it("prices with the clock's instant, and the CSV row carries that amount", async () => {
    const owed = await makeOwedToday({ clock: { now: () => now } });
    expect(owed(record)).toEqual(owedToday(record, now));
    const kroner = `${String(Math.floor(owed(record).value / 100))},${String(owed(record).value % 100).padStart(2, "0")}`;
    expect(csvRow(record, "nb", owed(record).value)).toContain(`;2025-03-10;${kroner};`);
    expect(kroner).not.toBe("1000,00");
  });
});
