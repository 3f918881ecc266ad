import { atomFeed, type FeedInput, jsonFeed, rssFeed } from "~/domain/status/feeds";
import type { Db } from "~db/client.server";
import { feedEntries, statusVersion } from "./status-page.server";

export type FeedFormat = "atom" | "rss" | "json";

const CONTENT_TYPES: Record<FeedFormat, string> = {
  atom: "application/atom+xml; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

const RENDER: Record<FeedFormat, (input: FeedInput) => string> = {
  atom: atomFeed,
  rss: rssFeed,
  json: jsonFeed,
};

/** The feed body for the current version (built only when the caller has no fresh copy). */
export async function statusFeed(
  db: Db,
  orgId: number,
  format: FeedFormat,
  publicUrl: string,
  now = new Date(),
) {
  const { org, entries } = await feedEntries(db, orgId, now);
  return { body: RENDER[format]({ org, publicUrl, entries, now }), contentType: CONTENT_TYPES[format] };
}

export { statusVersion };
