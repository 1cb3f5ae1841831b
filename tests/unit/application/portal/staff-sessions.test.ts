import { describe, expect, it } from "vitest";
import { makeStaffSessions, PORTAL_COOKIE } from "../../../../shared/application/portal/staff-sessions";
import type { StaffSessionStore, StoredStaffDocument } from "../../../../shared/ports/staff-session-store";

const SECRET = "a-test-secret-for-staff-sessions-0123456789";

function world() {
  const docs = new Map<string, StoredStaffDocument>();
  const store: StaffSessionStore = {
    get: async (id) => docs.get(id),
    put: async (doc) => void docs.set(doc.id, structuredClone(doc)),
    delete: async (id) => void docs.delete(id),
  };
  let now = Date.parse("2026-12-07T09:00:00Z");
  let counter = 0;
  const sessions = makeStaffSessions(
    {
      sessions: store,
      clock: { now: () => new Date(now) },
      random: { bytes: (n) => new Uint8Array(n).fill(++counter % 256), fraction: () => 0.5 },
    },
    { secret: SECRET, idleSeconds: 30 * 60, absoluteSeconds: 10 * 3600 },
  );
  const request = (cookie?: string) => ({
    headers: { get: (name: string) => (name === "cookie" && cookie ? `${PORTAL_COOKIE}=${cookie}` : null) },
  });
  return { sessions, docs, request, advance: (ms: number) => (now += ms) };
}

const VIEWER = {
  subject: "sub-viewer",
  displayName: "Vera",
  roles: ["creditor.viewer" as const],
  creditorTenantId: "t_a",
};

describe("staff sessions", () => {
  it("resolves a signed-in staff user from the cookie, with her roles and tenant", async () => {
    const w = world();
    const { cookie } = await w.sessions.start(VIEWER, "nb");
    const session = await w.sessions.resolve(w.request(cookie.value));
    expect(session?.staff).toEqual(VIEWER);
  });

  it("ends a session after the idle timeout, but not while the user keeps working", async () => {
    const w = world();
    const { cookie } = await w.sessions.start(VIEWER, "nb");
    w.advance(29 * 60_000);
    expect(await w.sessions.resolve(w.request(cookie.value))).toBeDefined();
    w.advance(29 * 60_000);
    expect(await w.sessions.resolve(w.request(cookie.value))).toBeDefined();
    w.advance(31 * 60_000);
    expect(await w.sessions.resolve(w.request(cookie.value))).toBeUndefined();
  });

  it("knows nothing of a forged cookie, and nothing of a session after sign-out", async () => {
    const w = world();
    const { cookie } = await w.sessions.start(VIEWER, "nb");
    const [id] = cookie.value.split(".");
    expect(await w.sessions.resolve(w.request(`${id}.forged`))).toBeUndefined();
    await w.sessions.end(w.request(cookie.value));
    expect(await w.sessions.resolve(w.request(cookie.value))).toBeUndefined();
    expect(w.docs.size).toBe(0);
  });
});
