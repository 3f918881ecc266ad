import twitterText from "twitter-text";
import type { ComposeChannelKind } from "./kinds";
import { smsSegments } from "./sms";
import { codePointCount, graphemeCount, utf8ByteLength } from "./text";

export type LengthUnit = "weighted" | "characters" | "graphemes" | "segments" | "bytes";

export interface Length {
  used: number;
  /** null where the channel has no practical limit. */
  limit: number | null;
  unit: LengthUnit;
}

/** Every limit in one place; README.md cites the source of each. */
export const LIMITS = {
  x: 280,
  mastodonDefault: 500,
  /** Mastodon counts every URL as this many characters, whatever its length. */
  mastodonUrlWeight: 23,
  bluesky: 300,
  facebook: 63_206,
  slackText: 40_000,
  slackSectionText: 3_000,
  slackHeaderText: 150,
  slackBlocks: 50,
  smsMaxSegmentsDefault: 3,
  emailSubject: 78,
  /** Teams rejects messages (the whole JSON payload) over 28 KB. */
  teamsPayloadBytes: 28 * 1024,
} as const;

/** X: twitter-text's weighted length (URLs 23, CJK and emoji 2, text NFC-normalised first). */
export function xLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

// Mastodon's Account::MENTION_RE: a local username, optionally followed by @domain.
const MASTODON_MENTION =
  /(?<![=/\p{L}\p{M}\p{N}\p{Pc}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{M}\p{N}\p{Pc}]+(?:[.-]+[\p{L}\p{M}\p{N}\p{Pc}]+)*)?/giu;

/**
 * Mastodon's StatusLengthValidator: http(s) URLs become 23 placeholder characters, `@user@domain`
 * becomes `@user`, then grapheme clusters are counted. A content warning counts too.
 */
export function mastodonLength(text: string, spoilerText = ""): number {
  type Entity = { start: number; end: number; replacement: string };
  const urls: Entity[] = twitterText
    .extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })
    .map(({ indices: [start, end] }) => ({ start, end, replacement: "x".repeat(LIMITS.mastodonUrlWeight) }));
  const mentions: Entity[] = Array.from(text.matchAll(MASTODON_MENTION), (m) => ({
    start: m.index,
    end: m.index + m[0].length,
    replacement: `@${m[1]}`,
  }));
  let countable = "";
  let position = 0;
  for (const entity of [...urls, ...mentions].sort((a, b) => a.start - b.start)) {
    if (entity.start < position) continue; // overlapping entities: the earlier one wins
    countable += text.slice(position, entity.start) + entity.replacement;
    position = entity.end;
  }
  countable += text.slice(position);
  return graphemeCount(spoilerText + countable);
}

/** Bluesky: app.bsky.feed.post `text` has maxGraphemes 300 (and maxLength 3000 UTF-8 bytes). */
export function blueskyLength(text: string): number {
  return graphemeCount(text);
}

export interface LengthOptions {
  mastodonMaxCharacters?: number;
  smsMaxSegments?: number;
}

/** The length of one text on one channel, in that channel's unit, against its limit. */
export function measureText(kind: ComposeChannelKind, text: string, options: LengthOptions = {}): Length {
  switch (kind) {
    case "x":
      return { used: xLength(text), limit: LIMITS.x, unit: "weighted" };
    case "mastodon":
      return {
        used: mastodonLength(text),
        limit: options.mastodonMaxCharacters ?? LIMITS.mastodonDefault,
        unit: "characters",
      };
    case "bluesky":
      return { used: blueskyLength(text), limit: LIMITS.bluesky, unit: "graphemes" };
    case "sms":
      return {
        used: smsSegments(text).segments,
        limit: options.smsMaxSegments ?? LIMITS.smsMaxSegmentsDefault,
        unit: "segments",
      };
    case "facebook":
      return { used: codePointCount(text), limit: LIMITS.facebook, unit: "characters" };
    case "slack":
      return { used: codePointCount(text), limit: LIMITS.slackText, unit: "characters" };
    case "email":
      return { used: codePointCount(text), limit: LIMITS.emailSubject, unit: "characters" };
    case "teams":
      return { used: utf8ByteLength(text), limit: LIMITS.teamsPayloadBytes, unit: "bytes" };
    case "webhook":
      return { used: utf8ByteLength(text), limit: null, unit: "bytes" };
    case "status_page":
    case "statuspage":
      return { used: codePointCount(text), limit: null, unit: "characters" };
  }
}
