import { describe, expect, it } from "vitest";
import { NOTICE_STATUS, renderNoticePage } from "../../../shared/web/notice-page";
import type { NoticeKind } from "../../../shared/web/pay-page-model";
import { byTag, parseHtml, readable } from "./html";

const read = (html: string) => {
  const doc = parseHtml(html);
  return {
    lang: byTag(doc, "html")[0]?.attrs.lang,
    h1: readable(byTag(doc, "h1")[0]?.text ?? ""),
    text: readable(doc.text),
  };
};

describe("notice pages", () => {
  it("tells a person with an unknown link to check it, or pay with the KID from the bank", () => {
    const page = read(renderNoticePage("unknown-link", "nb"));
    expect(page.lang).toBe("nb");
    expect(page.h1).toBe("Vi finner ikke denne lenken");
    expect(page.text).toContain("hele lenken");
    expect(page.text).toContain("nettbanken med KID-en");
    expect(page.text).toContain("den som sendte deg fakturaen");
  });

  it("tells a person with an expired link they can still pay from the bank or ask the creditor for a new link", () => {
    const page = read(renderNoticePage("expired-link", "en", { creditorName: "Fjordkraft Strøm AS" }));
    expect(page.lang).toBe("en");
    expect(page.h1).toBe("This link has expired");
    expect(page.text).toContain(
      "You can still pay from your online bank with the KID and account number on the letter or invoice.",
    );
    expect(page.text).toContain("ask Fjordkraft Strøm AS for a new link");
  });

  it("asks to wait when rate limited, naming the seconds when known", () => {
    expect(read(renderNoticePage("rate-limited", "nb")).text).toContain("Vent et minutt, og prøv igjen.");
    expect(read(renderNoticePage("rate-limited", "nb", { retryAfterSeconds: 30 })).text).toContain("Vent 30 sekunder");
    expect(read(renderNoticePage("rate-limited", "en", { retryAfterSeconds: 300 })).text).toContain("wait 5 minutes");
  });

  it("says the page is unavailable for a while, without any technical detail", () => {
    const html = renderNoticePage("unavailable", "nb");
    expect(read(html).h1).toBe("Siden er ikke tilgjengelig akkurat nå");
    expect(html).not.toMatch(/error|exception|stack|\bat \w+ \(/iu);
  });

  it("pairs each notice with its HTTP status and escapes the creditor name", () => {
    expect(NOTICE_STATUS).toEqual({ "unknown-link": 404, "expired-link": 410, "rate-limited": 429, unavailable: 503 });
    const kinds: NoticeKind[] = ["unknown-link", "expired-link", "rate-limited", "unavailable"];
    for (const kind of kinds) {
      const html = renderNoticePage(kind, "nb", { creditorName: "<script>alert(1)</script>" });
      expect(html).not.toContain("<script>");
      expect(byTag(parseHtml(html), "h1")).toHaveLength(1);
    }
  });
});
