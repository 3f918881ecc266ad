import type { ChannelKind, Severity, UpdateKind } from "~db/schema/enums";

/**
 * Every outbound channel kind the composer formats for: the stored `CHANNEL_KINDS` plus Atlassian
 * Statuspage (`statuspage`, being added to the enum), written so the union stays right once it is there.
 */
export type ComposeChannelKind = ChannelKind | "statuspage";

export const SOCIAL_POST_KINDS = ["x", "mastodon", "bluesky"] as const;
export type SocialPostKind = (typeof SOCIAL_POST_KINDS)[number];

export type { Severity, UpdateKind };
