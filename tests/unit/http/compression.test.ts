import { describe, expect, it } from "vitest";
import { compressBody, negotiateEncoding } from "../../../shared/http/compression";

describe("response compression", () => {
  it("prefers brotli, then gzip, honours q=0 and the wildcard, and sends nothing compressed unasked", () => {
    expect(negotiateEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(negotiateEncoding("gzip")).toBe("gzip");
    expect(negotiateEncoding("br;q=0, gzip;q=0.8")).toBe("gzip");
    expect(negotiateEncoding("identity")).toBeUndefined();
    expect(negotiateEncoding("*")).toBe("br");
    expect(negotiateEncoding("*, br;q=0")).toBe("gzip");
    expect(negotiateEncoding(undefined)).toBeUndefined();
    expect(negotiateEncoding("")).toBeUndefined();
  });

  it("leaves bodies under 1 KB as they are (the headers would outweigh the saving)", () => {
    expect(compressBody("<p>kort</p>", "br")).toEqual({ body: "<p>kort</p>", headers: { vary: "accept-encoding" } });
    const big = compressBody("<p>Betal med Vipps</p>".repeat(100), "br");
    expect(big.headers).toEqual({ vary: "accept-encoding", "content-encoding": "br" });
  });
});
