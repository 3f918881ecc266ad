import type { Env } from "./env.server";

/**
 * The absolute base of public links (feeds, messages): CLARION_PUBLIC_URL, else the request's own origin.
 * The request's Host is only trusted for the answer to that request (and it is part of the cache key).
 */
export function publicBaseUrl(env: Pick<Env, "CLARION_PUBLIC_URL">, request: Request): string {
  return (env.CLARION_PUBLIC_URL ?? new URL(request.url).origin).replace(/\/$/, "");
}
