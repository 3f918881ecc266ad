import type { ChannelKind } from "~db/schema/enums";
import { blueskyAdapter } from "./bluesky.server";
import { emailAdapter } from "./email.server";
import { facebookAdapter } from "./facebook.server";
import { mastodonAdapter } from "./mastodon.server";
import { slackAdapter } from "./slack.server";
import { smsAdapter } from "./sms.server";
import { statusPageAdapter } from "./status-page.server";
import { statuspageAdapter } from "./statuspage.server";
import { teamsAdapter } from "./teams.server";
import type { AnyChannelAdapter } from "./types";
import { webhookAdapter } from "./webhook.server";
import { xAdapter } from "./x.server";

/** Every outbound channel kind and its adapter: one line per channel. */
const ADAPTERS: Record<ChannelKind, AnyChannelAdapter> = {
  status_page: statusPageAdapter,
  email: emailAdapter,
  sms: smsAdapter,
  slack: slackAdapter,
  teams: teamsAdapter,
  webhook: webhookAdapter,
  x: xAdapter,
  facebook: facebookAdapter,
  mastodon: mastodonAdapter,
  bluesky: blueskyAdapter,
  statuspage: statuspageAdapter,
};

export function adapterFor(kind: ChannelKind): AnyChannelAdapter | null {
  return ADAPTERS[kind] ?? null;
}

export function availableAdapters(): AnyChannelAdapter[] {
  return Object.values(ADAPTERS);
}
