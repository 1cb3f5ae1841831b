/**
 * Kind pages instead of errors (the HTTP function picks the status: 404, 410, 429, 503): what happened and what the
 * person can do, always including paying from the bank with the KID. Never a stack trace or an internal detail.
 */
import { t } from "./i18n";
import { compileTemplate, renderLayout } from "./layout";
import type { Lang, NoticeKind } from "./pay-page-model";

export interface NoticeOptions {
  /** The creditor, when known (an expired link still knows whose it was). */
  creditorName?: string | undefined;
  /** From the rate limiter: how long to wait (rate-limited only). */
  retryAfterSeconds?: number | undefined;
}

/** The HTTP status each notice goes with. */
export const NOTICE_STATUS: Readonly<Record<NoticeKind, number>> = {
  "unknown-link": 404,
  "expired-link": 410,
  "rate-limited": 429,
  unavailable: 503,
};

const noticeTemplate = compileTemplate<{ title: string; paragraphs: string[] }>(`<h1><%= it.title %></h1>
<% for (const p of it.paragraphs) { %><p><%= p %></p>
<% } %>`);

function content(kind: NoticeKind, lang: Lang, options: NoticeOptions): { title: string; paragraphs: string[] } {
  const creditor = options.creditorName?.trim() || t(lang, "creditorFallback");
  switch (kind) {
    case "unknown-link":
      return {
        title: t(lang, "unknownTitle"),
        paragraphs: [t(lang, "unknownBody"), t(lang, "unknownHelp", { creditor })],
      };
    case "expired-link":
      return {
        title: t(lang, "expiredTitle"),
        paragraphs: [t(lang, "expiredBody"), t(lang, "expiredHelp"), t(lang, "expiredNewLink", { creditor })],
      };
    case "rate-limited": {
      const seconds = options.retryAfterSeconds;
      const known = seconds !== undefined && Number.isFinite(seconds) && seconds > 0;
      const wait = !known
        ? t(lang, "rateLimitedWait")
        : seconds < 60
          ? t(lang, "rateLimitedWaitSeconds", { seconds: String(Math.ceil(seconds)) })
          : seconds <= 90
            ? t(lang, "rateLimitedWait")
            : t(lang, "rateLimitedWaitMinutes", { minutes: String(Math.ceil(seconds / 60)) });
      return { title: t(lang, "rateLimitedTitle"), paragraphs: [t(lang, "rateLimitedBody"), wait] };
    }
    case "unavailable":
      return {
        title: t(lang, "unavailableTitle"),
        paragraphs: [t(lang, "unavailableBody"), t(lang, "unavailableHelp")],
      };
  }
}

export function renderNoticePage(kind: NoticeKind, lang: Lang, options: NoticeOptions = {}): string {
  const data = content(kind, lang, options);
  return renderLayout({
    lang,
    title: data.title,
    mainHtml: noticeTemplate(data),
    creditor: options.creditorName ? { name: options.creditorName } : undefined,
  });
}
