import { Feed } from "feed";
import { type MessageKey, t } from "~/locales";
import { escapeHtml, incidentUrl } from "./notifications";

/**
 * The status feeds (Atom 1.0, RSS 2.0, JSON Feed 1.1) from the same entries, with the `feed` package.
 * Entry ids are the stable incident-page URLs with the update's anchor, so a reader never sees an
 * update twice. The `feed` package writes JSON Feed 1.0; `toJsonFeed11` upgrades it (version, `authors`,
 * `language`), which 1.1 readers require.
 */

export type FeedEntry =
  | {
      type: "update";
      incidentId: number;
      number: number;
      kind: string;
      state: string;
      incidentTitle: string;
      title: string;
      body: string;
      at: Date;
    }
  | {
      type: "maintenance";
      id: number;
      title: string;
      description: string;
      state: string;
      startsAt: Date;
      endsAt: Date;
      at: Date;
    };

export interface FeedInput {
  org: string;
  publicUrl: string;
  entries: FeedEntry[];
  /** Used when there are no entries (feeds need an `updated` time). */
  now: Date;
}

function build(input: FeedInput): Feed {
  const base = input.publicUrl.replace(/\/$/, "");
  const feed = new Feed({
    id: `${base}/status`,
    title: t("feed.title", { org: input.org }),
    description: t("feed.description", { org: input.org }),
    link: `${base}/status`,
    language: "en",
    updated: input.entries[0]?.at ?? input.now,
    generator: "Clarion",
    copyright: input.org,
    author: { name: input.org, link: `${base}/status` },
    feedLinks: {
      atom: `${base}/status/feed.atom`,
      rss: `${base}/status/feed.rss`,
      json: `${base}/status/feed.json`,
    },
  });
  for (const e of input.entries) {
    if (e.type === "update") {
      const link = incidentUrl(base, e.incidentId, e.number);
      const heading = `${e.incidentTitle} — ${t(`update.kind.${e.kind}` as MessageKey)}${
        e.title && e.title !== e.incidentTitle ? `: ${e.title}` : ""
      }`;
      feed.addItem({
        id: link,
        guid: link,
        link,
        title: heading,
        description: e.body,
        content: `<p><strong>${escapeHtml(t(`state.${e.state}` as MessageKey))}</strong></p><p>${escapeHtml(e.body)}</p>`,
        date: e.at,
        published: e.at,
      });
    } else {
      const link = `${base}/status#maintenance-${e.id}`;
      const text = `${e.startsAt.toISOString()} – ${e.endsAt.toISOString()}${e.description ? `. ${e.description}` : ""}`;
      feed.addItem({
        id: link,
        guid: link,
        link,
        title: t("feed.maintenance", { title: e.title }),
        description: text,
        content: `<p>${escapeHtml(text)}</p>`,
        date: e.at,
        published: e.at,
      });
    }
  }
  return feed;
}

export function atomFeed(input: FeedInput): string {
  return build(input).atom1();
}

export function rssFeed(input: FeedInput): string {
  return build(input).rss2();
}

export function jsonFeed(input: FeedInput): string {
  return JSON.stringify(toJsonFeed11(JSON.parse(build(input).json1()) as Record<string, unknown>), null, 2);
}

export function toJsonFeed11(feed: Record<string, unknown>): Record<string, unknown> {
  const { author, items, ...rest } = feed as { author?: unknown; items?: Record<string, unknown>[] };
  return {
    ...rest,
    version: "https://jsonfeed.org/version/1.1",
    language: "en",
    ...(author ? { authors: [author] } : {}),
    items: (items ?? []).map(({ author: itemAuthor, ...item }) => ({
      ...item,
      ...(itemAuthor ? { authors: [itemAuthor] } : {}),
    })),
  };
}
