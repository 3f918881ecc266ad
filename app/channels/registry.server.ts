import type { ChannelKind } from "~db/schema/enums";
import { blueskyAdapter } from "./bluesky.server";
import { facebookAdapter } from "./facebook.server";
import { mastodonAdapter } from "./mastodon.server";
import { statusPageAdapter } from "./status-page.server";
import type { AnyChannelAdapter } from "./types";
import { xAdapter } from "./x.server";

/** Every outbound channel kind and its adapter: one line per channel. */
const ADAPTERS: Partial<Record<ChannelKind, AnyChannelAdapter>> = {
  status_page: statusPageAdapter,
  x: xAdapter,
  facebook: facebookAdapter,
  mastodon: mastodonAdapter,
  bluesky: blueskyAdapter,
};

export function adapterFor(kind: ChannelKind): AnyChannelAdapter | null {
  return ADAPTERS[kind] ?? null;
}

export function availableAdapters(): AnyChannelAdapter[] {
  return Object.values(ADAPTERS).filter((a): a is AnyChannelAdapter => Boolean(a));
}
