import { createCookie } from "@remix-run/node";
import { cookiesAreSecure, type Env } from "./env.server";

export const SESSION_COOKIE_NAME = "clarion_session";

/**
 * The session cookie holds only a random 256-bit token; the server stores its hash. httpOnly so
 * scripts cannot read it, SameSite=Lax so other sites cannot post with it, Secure outside development.
 */
export function sessionCookie(env: Env) {
  return createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    secure: cookiesAreSecure(env),
    path: "/",
    maxAge: Math.round(env.SESSION_TTL_HOURS * 3600),
  });
}

export async function readSessionToken(request: Request, env: Env): Promise<string | null> {
  const value = await sessionCookie(env).parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function commitSessionToken(env: Env, token: string, expiresAt: Date): Promise<string> {
  return sessionCookie(env).serialize(token, { expires: expiresAt, maxAge: undefined });
}

export async function clearSessionCookie(env: Env): Promise<string> {
  return sessionCookie(env).serialize("", { maxAge: 0, expires: new Date(0) });
}
