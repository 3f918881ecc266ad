import type { BlueskyPost } from "./facets";
import type { ComposeChannelKind, Severity, UpdateKind } from "./kinds";
import type { LengthUnit } from "./length";
import type { SlackBlock } from "./slack";
import type { SmsCount } from "./sms";
import type { TeamsMessage } from "./teams";
import type { StatusUpdateEvent } from "./webhook";

/** One status update as written once in the composer (placeholders already rendered). */
export interface StatusUpdateInput {
  kind: UpdateKind;
  title: string;
  body: string;
  /** The public status page URL of the incident. */
  incidentUrl: string;
  orgName: string;
  severity: Severity;
  /** Display names of the affected regions, most affected first. */
  regions: string[];
  /** When the next update is promised (ISO 8601). */
  nextUpdateAt?: string;
  updateNumber: number;
  /** Known once the update is stored or published; carried in the webhook event. */
  incidentId?: string;
  updateId?: string;
  publishedAt?: string;
}

export type LongTextMode = "shorten" | "thread";

/** What a person changed for one channel. An overridden text is sent as written or reported invalid. */
export interface VariantOverride {
  text?: string;
  /** For X, Mastodon and Bluesky: shorten into one post (default) or thread into numbered posts. */
  mode?: LongTextMode;
  /** For email. */
  subject?: string;
}

export interface ComposeLimits {
  /** The instance's `configuration.statuses.max_characters`. */
  mastodon?: { maxCharacters: number };
  /** How many segments one SMS may use before it is shortened (default 3). */
  sms?: { maxSegments: number };
}

export interface ComposeOptions {
  channels: ComposeChannelKind[];
  overrides?: Partial<Record<ComposeChannelKind, VariantOverride>>;
  limits?: ComposeLimits;
  /** IANA zone for times shown in messages ("Next update by 3:30 PM PST"); default UTC. */
  timeZone?: string;
  /** The current time (ISO 8601): lets a next-update time on a later day read "tomorrow". */
  now?: string;
}

/** How a variant measures against its channel's limit: what the composer shows as "271 / 280". */
export interface VariantReport {
  used: number;
  limit: number | null;
  unit: LengthUnit;
  ok: boolean;
  notes: string[];
}

export interface PostsVariant extends VariantReport {
  mode: LongTextMode;
  /** Whether the text was cut or threaded to fit (never when overridden). */
  adjusted: "none" | "shortened" | "threaded";
  overridden: boolean;
  parts: string[];
  /** Each part's length in `unit`; `used` is the longest. */
  partLengths: number[];
}

export interface BlueskyVariant extends PostsVariant {
  /** The parts as app.bsky.feed.post records' text and facets, in order. */
  posts: BlueskyPost[];
}

export interface FacebookVariant extends VariantReport {
  message: string;
  link: string;
}

export interface SmsVariant extends VariantReport {
  text: string;
  sms: SmsCount;
}

export interface SlackVariant extends VariantReport {
  /** Fallback text for notifications and clients without Block Kit. */
  text: string;
  blocks: SlackBlock[];
}

export interface TeamsVariant extends VariantReport {
  payload: TeamsMessage;
}

export interface EmailVariant extends VariantReport {
  subject: string;
  html: string;
  text: string;
}

export interface WebhookVariant extends VariantReport {
  event: StatusUpdateEvent;
}

export interface StatusPageVariant extends VariantReport {
  title: string;
  body: string;
}

export interface ChannelVariants {
  x: PostsVariant;
  mastodon: PostsVariant;
  bluesky: BlueskyVariant;
  facebook: FacebookVariant;
  sms: SmsVariant;
  slack: SlackVariant;
  teams: TeamsVariant;
  email: EmailVariant;
  webhook: WebhookVariant;
  status_page: StatusPageVariant;
  statuspage: StatusPageVariant;
}

export type ComposedVariants = { [K in ComposeChannelKind]?: ChannelVariants[K] };
