import type { ComplaintRecordInput } from "~/domain/intake/record";

/** A region the simulator spreads traffic over: complaints are proportional to `population`. */
export interface SimRegion {
  code: string;
  name: string;
  population: number;
  /** IANA zone whose local clock drives the day and week rhythm (`America/Los_Angeles`). */
  timeZone: string;
}

export const SOURCES = ["x", "facebook", "mastodon", "bluesky", "zendesk", "callcentre", "form"] as const;
export type SourceName = (typeof SOURCES)[number];

/** The default taxonomy's slugs (db/reference/taxonomy.ts), the topics the simulator can phrase. */
export const TOPICS = [
  "outage",
  "degraded",
  "billing",
  "app-login",
  "install",
  "support",
  "safety",
  "other",
] as const;
export type TopicSlug = (typeof TOPICS)[number];

/** The organisation being complained about, as each channel names it. */
export interface CompanyProfile {
  /** Full name: "Kestrel Power & Fiber". */
  name: string;
  /** What people call it: "Kestrel". */
  short: string;
  /** Handles people @mention, per platform. */
  xHandle: string;
  blueskyHandle: string;
  mastodonHandle: string;
  /** The Facebook page whose posts people comment on. */
  facebookPageId: string;
  /** `<subdomain>.zendesk.com`. */
  zendeskSubdomain: string;
}

export const DEFAULT_COMPANY: CompanyProfile = {
  name: "Kestrel Power & Fiber",
  short: "Kestrel",
  xHandle: "@KestrelCares",
  blueskyHandle: "@kestrelpower.bsky.social",
  mastodonHandle: "@kestrel@mastodon.social",
  facebookPageId: "104857392847561",
  zendeskSubdomain: "kestrelpower",
};

/**
 * Ground-truth label carried by every simulated record in `_truth` (an unknown field to intake, so it is
 * kept in the raw payload unless the caller strips it): the topic it was written about, the region its
 * author is really in, the incident script that produced it (null for background traffic), and whether it
 * is amplification (the original post of a repost storm, or one of its reposts / quotes).
 */
export interface TruthLabel {
  topic: string;
  region: string;
  incidentId: string | null;
  amplification: boolean;
}

/** A complaint record (valid for `parseComplaintRecord`) plus the simulator's extra fields. */
export type SimRecord = ComplaintRecordInput & {
  /** On reposts / quotes: the `externalId` of the post they amplify. */
  repostOf?: string;
  _truth?: TruthLabel;
};
