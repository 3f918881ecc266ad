import type { AppLoadContext } from "@remix-run/node";
import { type FeedFormat, statusFeed, statusVersion } from "~/services/status-feeds.server";
import { matchesEtag, publicCacheHeaders, weakEtag } from "./http-cache.server";
import { publicBaseUrl } from "./public-url.server";
import { servicesOf } from "./request.server";

/** The three feed routes: parse nothing, check the ETag, build the feed, answer. */
export async function feedResponse(request: Request, context: AppLoadContext, format: FeedFormat) {
  const { db, orgId, env } = servicesOf(context);
  const base = publicBaseUrl(env, request);
  const etag = weakEtag("feed", format, base, await statusVersion(db, orgId));
  if (matchesEtag(request, etag))
    return new Response(null, { status: 304, headers: publicCacheHeaders(etag) });
  const feed = await statusFeed(db, orgId, format, base);
  return new Response(feed.body, {
    headers: publicCacheHeaders(etag, { "Content-Type": feed.contentType }),
  });
}
