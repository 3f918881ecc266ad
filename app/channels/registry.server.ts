import type { ChannelKind } from "~db/schema/enums";
import { emailAdapter } from "./email.server";
import { slackAdapter } from "./slack.server";
import { smsAdapter } from "./sms.server";
import { statusPageAdapter } from "./status-page.server";
import { statuspageAdapter } from "./statuspage.server";
import { teamsAdapter } from "./teams.server";
import type { AnyChannelAdapter } from "./types";
import { webhookAdapter } from "./webhook.server";

/** Every outbound channel kind and its adapter: one line per channel. */
const ADAPTERS: Partial<Record<ChannelKind, AnyChannelAdapter>> = {
  status_page: statusPageAdapter,
  email: emailAdapter,
  sms: smsAdapter,
  slack: slackAdapter,
  teams: teamsAdapter,
  webhook: webhookAdapter,
  statuspage: statuspageAdapter,
};

export function adapterFor(kind: ChannelKind): AnyChannelAdapter | null {
  return ADAPTERS[kind] ?? null;
}

export function availableAdapters(): AnyChannelAdapter[] {
  return Object.values(ADAPTERS).filter((a): a is AnyChannelAdapter => Boolean(a));
}
