/**
 * Channel text: one status update turned into each channel's exact message, with exact lengths.
 * Pure and browser-safe. See README.md for the limits and rules of each channel and their sources.
 */
export { composeVariants } from "./compose";
export { contextLine, KIND_LABELS } from "./context";
export { escapeHtml } from "./email";
export { type BlueskyFacet, type BlueskyPost, blueskyFacets, blueskyPost } from "./facets";
export type { ComposeChannelKind, SocialPostKind } from "./kinds";
export {
  blueskyLength,
  type Length,
  type LengthOptions,
  type LengthUnit,
  LIMITS,
  mastodonLength,
  measureText,
  xLength,
} from "./length";
export { threadLabel } from "./posts";
export { escapeSlack, type SlackBlock, slackLink } from "./slack";
export { isGsmCharacter, type SmsCount, type SmsEncoding, smsSegments } from "./sms";
export type { AdaptiveCard, TeamsMessage } from "./teams";
export type * from "./types";
export type { StatusUpdateEvent } from "./webhook";
