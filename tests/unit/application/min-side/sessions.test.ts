import { describe, expect, it } from "vitest";
import { MemoryMinSideSessionStore } from "../../../../shared/adapters/memory/min-side-session-store.memory";
import {
  makeMinSideSessions,
  MINSIDE_COOKIE,
  MINSIDE_LOGIN_COOKIE,
  signCookieValue,
  verifyCookieValue,
} from "../../../../shared/application/min-side/sessions";
import { csrfMatches } from "../../../../shared/application/min-side/subject";
import { seededRandom } from "../../../support/random";

const SECRET = "a-session-secret-of-at-least-32-characters";
const PERSON = { kind: "person" as const, nationalId: "31129956715" };

function world() {
  let now = new Date("2026-11-02T10:00:00Z");
  const clock = { now: () => new Date(now) };
  const store = new MemoryMinSideSessionStore();
  const sessions = makeMinSideSessions(
    { sessions: store, clock, random: seededRandom(7) },
    { secret: SECRET, idleSeconds: 15 * 60, absoluteSeconds: 4 * 3600 },
  );
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  return { sessions, store, advance };
}

const request = (cookie?: string) => ({
  headers: { get: (name: string) => (name === "cookie" && cookie !== undefined ? cookie : null) },
});

describe("Min side sessions", () => {
  it("resolves the cookie it set to the person signed in, with a CSRF token, and stores no cookie value", async () => {
    const { sessions, store } = world();
    const { cookie } = await sessions.start(PERSON, "nb");
    expect(cookie.name).toBe(MINSIDE_COOKIE);
    expect(cookie.value).not.toContain(PERSON.nationalId);
    const session = await sessions.resolve(request(`other=1; ${MINSIDE_COOKIE}=${cookie.value}`));
    expect(session?.subject).toEqual(PERSON);
    expect(session!.csrfToken.length).toBeGreaterThanOrEqual(32);
    const stored = JSON.stringify([...store.docs.values()]);
    expect(stored).not.toContain(cookie.value.split(".")[0]);
  });

  it("sends a forged, tampered or unknown cookie to sign-in", async () => {
    const { sessions } = world();
    const { cookie } = await sessions.start(PERSON, "nb");
    const [id] = cookie.value.split(".");
    expect(await sessions.resolve(request())).toBeUndefined();
    expect(await sessions.resolve(request(`${MINSIDE_COOKIE}=${id}.forged`))).toBeUndefined();
    expect(
      await sessions.resolve(
        request(`${MINSIDE_COOKIE}=${signCookieValue(id!, "another-secret-32-characters-long!!")}`),
      ),
    ).toBeUndefined();
    const unknownId = "A".repeat(43);
    expect(await sessions.resolve(request(`${MINSIDE_COOKIE}=${signCookieValue(unknownId, SECRET)}`))).toBeUndefined();
    expect(verifyCookieValue(cookie.value, SECRET)).toBe(id);
  });

  it("ends a session idle for 15 minutes, but not one in use, and every session after its absolute lifetime", async () => {
    const { sessions, advance } = world();
    const idle = await sessions.start(PERSON, "nb");
    const busy = await sessions.start(PERSON, "en");
    for (let i = 0; i < 3; i++) {
      advance(10 * 60_000);
      expect(await sessions.resolve(request(`${MINSIDE_COOKIE}=${busy.cookie.value}`))).toBeDefined();
    }
    expect(await sessions.resolve(request(`${MINSIDE_COOKIE}=${idle.cookie.value}`))).toBeUndefined();
    for (let i = 0; i < 21; i++) {
      advance(10 * 60_000);
      await sessions.resolve(request(`${MINSIDE_COOKIE}=${busy.cookie.value}`));
    }
    expect(await sessions.resolve(request(`${MINSIDE_COOKIE}=${busy.cookie.value}`))).toBeUndefined();
  });

  it("signing out deletes the session: the same cookie no longer works", async () => {
    const { sessions } = world();
    const { cookie } = await sessions.start(PERSON, "nb");
    const cleared = await sessions.end(request(`${MINSIDE_COOKIE}=${cookie.value}`));
    expect(cleared).toEqual({ name: MINSIDE_COOKIE, value: "", maxAge: 0 });
    expect(await sessions.resolve(request(`${MINSIDE_COOKIE}=${cookie.value}`))).toBeUndefined();
  });

  it("gives each sign-in a new session id and CSRF token", async () => {
    const { sessions } = world();
    const a = await sessions.start(PERSON, "nb");
    const b = await sessions.start(PERSON, "nb");
    expect(a.cookie.value).not.toBe(b.cookie.value);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
  });

  it("checks the CSRF token of a form exactly", async () => {
    const { sessions } = world();
    const { session } = await sessions.start(PERSON, "nb");
    expect(csrfMatches(session, session.csrfToken)).toBe(true);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, "")).toBe(false);
    expect(csrfMatches(session, `${session.csrfToken}x`)).toBe(false);
    expect(csrfMatches(session, session.csrfToken.replace(/.$/u, "A"))).toBe(session.csrfToken.endsWith("A"));
  });

  it("keeps a BankID sign-in under way for one callback only, and not past 10 minutes", async () => {
    const { sessions, advance } = world();
    const transaction = { state: "s".repeat(43), nonce: "n".repeat(43), codeVerifier: "v".repeat(43) };
    const first = await sessions.beginLogin(transaction, "nb");
    expect(first.name).toBe(MINSIDE_LOGIN_COOKIE);
    const cookie = `${MINSIDE_LOGIN_COOKIE}=${first.value}`;
    expect(await sessions.takeLogin(request(cookie))).toMatchObject(transaction);
    expect(await sessions.takeLogin(request(cookie))).toBeUndefined();
    const late = await sessions.beginLogin(transaction, "nb");
    advance(11 * 60_000);
    expect(await sessions.takeLogin(request(`${MINSIDE_LOGIN_COOKIE}=${late.value}`))).toBeUndefined();
  });
});
