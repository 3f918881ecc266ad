import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { data } from "@remix-run/node";
import { sha256 } from "./crypto.server";

/**
 * Conditional GETs for the public pages and feeds. An ETag is derived from the data version (one cheap
 * query) and the build, so a revalidation costs that query and a 304, never a page build. Browsers
 * revalidate every time (max-age=0: a published update shows at once); shared caches in front may keep
 * a page 15 seconds; and when the console is down, a cache may keep serving the last page for a day.
 */
export const PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=15, stale-if-error=86400";

/** Changes with each build of the app (its markup changes with it). */
const BUILD_ID = (() => {
  try {
    const stat = statSync(fileURLToPath(import.meta.url));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "dev";
  }
})();

export function weakEtag(...parts: string[]): string {
  return `W/"${sha256([BUILD_ID, ...parts].join("\u0000")).slice(0, 32)}"`;
}

/** Does the request's If-None-Match name this ETag (weak comparison, RFC 9110 §13.1.2)? */
export function matchesEtag(request: Request, etag: string): boolean {
  const header = request.headers.get("If-None-Match");
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === bare;
  });
}

export function publicCacheHeaders(etag: string, extra: Record<string, string> = {}): Record<string, string> {
  return { "Cache-Control": PUBLIC_CACHE_CONTROL, ETag: etag, ...extra };
}

/** For loaders: stop with a 304 when the client already has this version. */
export function throwIfNotModified(request: Request, etag: string): void {
  if (matchesEtag(request, etag)) throw data(null, { status: 304, headers: publicCacheHeaders(etag) });
}

/** Route `headers` export for cached public pages: the loader's headers, or the 304's. */
export function cachedPageHeaders({
  loaderHeaders,
  errorHeaders,
}: {
  loaderHeaders: Headers;
  errorHeaders?: Headers;
}): Headers {
  return errorHeaders?.get("ETag") ? errorHeaders : loaderHeaders;
}

/** Route `headers` export for public forms: an action's headers (Retry-After on a 429) reach the page. */
export function formPageHeaders({ actionHeaders }: { actionHeaders: Headers }): Headers {
  const out = new Headers({ "Cache-Control": "no-store" });
  for (const [key, value] of actionHeaders) out.set(key, value);
  return out;
}
