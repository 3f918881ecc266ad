import { findUrls, utf8Offset } from "./text";

/**
 * Bluesky rich-text facets (lexicon app.bsky.richtext.facet): ranges in UTF-8 byte offsets, byteEnd
 * exclusive. Links and hashtags are detected the way the AT Protocol reference client does; mentions are
 * left out because a mention facet needs the account's DID, which only the network can resolve.
 */

export interface LinkFeature {
  $type: "app.bsky.richtext.facet#link";
  uri: string;
}

export interface TagFeature {
  $type: "app.bsky.richtext.facet#tag";
  /** Without the leading '#'. */
  tag: string;
}

export interface BlueskyFacet {
  index: { byteStart: number; byteEnd: number };
  features: Array<LinkFeature | TagFeature>;
}

export interface BlueskyPost {
  text: string;
  facets: BlueskyFacet[];
}

// The reference client's TAG_REGEX: '#' or full-width '＃' after a space, not a keycap emoji, and at least
// one character that is neither a digit nor punctuation; zero-width characters end a tag.
const ZERO_WIDTH = "\\u00AD\\u2060\\u200A\\u200B\\u200C\\u200D\\u20e2";
const TAG = new RegExp(
  `(^|\\s)[#＃]((?!\\ufe0f)[^\\s${ZERO_WIDTH}]*[^\\d\\s\\p{P}${ZERO_WIDTH}]+[^\\s${ZERO_WIDTH}]*)?`,
  "gu",
);
const MAX_TAG_LENGTH = 64;

function byteRange(text: string, start: number, end: number): BlueskyFacet["index"] {
  return { byteStart: utf8Offset(text, start), byteEnd: utf8Offset(text, end) };
}

export function blueskyFacets(text: string): BlueskyFacet[] {
  const facets: BlueskyFacet[] = findUrls(text).map(({ start, end, url }) => ({
    index: byteRange(text, start, end),
    features: [{ $type: "app.bsky.richtext.facet#link", uri: url }],
  }));
  for (const match of text.matchAll(TAG)) {
    const tag = match[2]?.trim().replace(/\p{P}+$/u, "");
    if (!tag || tag.length > MAX_TAG_LENGTH) continue;
    const start = match.index + match[1].length;
    facets.push({
      index: byteRange(text, start, start + 1 + tag.length),
      features: [{ $type: "app.bsky.richtext.facet#tag", tag }],
    });
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart);
}

export function blueskyPost(text: string): BlueskyPost {
  return { text, facets: blueskyFacets(text) };
}
