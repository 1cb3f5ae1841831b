/** A cookie the sign-in use cases asked for, as the Functions host sets it: host-only, secure, HttpOnly, SameSite=Lax. */
import type { Cookie } from "@azure/functions";
import type { CookieToSet } from "../shared/application/min-side/sessions";

export function httpCookie(c: CookieToSet): Cookie {
  return {
    name: c.name,
    value: c.value,
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}),
  };
}
