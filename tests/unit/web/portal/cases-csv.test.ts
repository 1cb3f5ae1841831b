import { describe, expect, it } from "vitest";
import { csvAmount, csvHeader, csvId, csvRow, csvText } from "../../../../shared/web/portal/cases-csv";
import { aCaseRecord } from "../../../integration/adapters/cosmos/store-fixtures";

describe("the case list as CSV for Norwegian Excel", () => {
  it("neutralises cells a spreadsheet would take for a formula", () => {
    expect(csvText('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvText("+47 912")).toBe("'+47 912");
    expect(csvText("-1")).toBe("'-1");
    expect(csvText("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvText("\tx")).toBe("'\tx");
    expect(csvText("Kari = 1")).toBe("Kari = 1");
  });

  it("writes digits-only ids as text Excel keeps, and neutralises any other id", () => {
    expect(csvId("149170218036773783")).toBe('="149170218036773783"');
    expect(csvId("000123")).toBe('="000123"');
    expect(csvId("k-2")).toBe("k-2");
    expect(csvId("=1+1")).toBe("'=1+1");
    expect(csvId("123;=1")).toBe('"123;=1"');
  });

  it("quotes a cell with a separator, a quote or a line break", () => {
    expect(csvText("a;b")).toBe('"a;b"');
    expect(csvText('si "hei"')).toBe('"si ""hei"""');
    expect(csvText("to\nlinjer")).toBe('"to\nlinjer"');
  });

  it("writes amounts in kroner with a decimal comma", () => {
    expect(csvAmount(129_900)).toBe("1299,00");
    expect(csvAmount(5)).toBe("0,05");
    expect(csvAmount(1_000_000_00)).toBe("1000000,00");
    expect(csvAmount(-250)).toBe("-2,50");
  });

  it("starts with a byte-order mark and the header, and writes a case as one CRLF line with Oslo dates", () => {
    expect(csvHeader("nb")).toBe(
      "\uFEFFFakturanummer;KID;Kundenummer;Navn;Status;Steg;Forfallsdato;Skyldig (kr);Sist endret\r\n",
    );
    const record = { ...aCaseRecord("t_a", "INV-7", { kid: "12347" }), updatedAt: "2026-11-02T23:30:00.000Z" };
    // 23:30 UTC is 00:30 the next day in Oslo.
    expect(csvRow(record, "nb")).toBe(
      'INV-7;="12347";cust-1;Kari Nordmann;Åpen;Fakturert;2025-03-10;1000,00;2026-11-03\r\n',
    );
    expect(csvRow(record, "en")).toBe(
      'INV-7;="12347";cust-1;Kari Nordmann;Open;Invoiced;2025-03-10;1000,00;2026-11-03\r\n',
    );
  });
});
