/**
 * How complaints become the counts detection reads (pure).
 *
 * Every valid complaint is stored, but a count is an independent voice: a retweet, repost or quote of a
 * text already seen is amplification of the original, not a new complaint, and one author counts at most
 * once per region × topic per hour (as Downdetector counts one report per user).
 */

export const BUCKET_MS = 5 * 60_000;
export const HOUR_MS = 60 * 60_000;

export function bucketStart(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

const RETWEET_PREFIX = /^\s*(?:rt|qt|repost(?:ed)?|boost(?:ed)?)\s*:?\s*@[\w.@-]+\s*:?\s*/i;
const URL = /\bhttps?:\/\/\S+/gi;
const MENTION = /(^|\s)@[\w.@-]+/g;
const NON_WORD = /[^\p{L}\p{N}#]+/gu;

/** Whether the text announces itself as a repost of someone else's post ("RT @dana: …"). */
export function looksLikeRepost(text: string): boolean {
  return RETWEET_PREFIX.test(text);
}

/** The words that make a text itself: no repost prefix, links, mentions, case or punctuation. */
export function normaliseForFingerprint(text: string): string {
  return text
    .replace(RETWEET_PREFIX, "")
    .replace(URL, " ")
    .replace(MENTION, " ")
    .toLowerCase()
    .replace(NON_WORD, " ")
    .trim()
    .replace(/\s+/g, " ");
}

/**
 * Minimum length for identical text from different people to count as copies of one post. Short texts
 * ("power out", "no internet") are what many people independently write and must each count.
 */
export const MIN_FINGERPRINT_WORDS = 7;

/**
 * A stable hash of the normalised text, or null when the text is too short to be a copy signal.
 * FNV-1a 64-bit as hex: fast, no crypto needed (collisions only merge two long identical-looking posts).
 *
 * Computed without building the normalised string: the links, mentions and repost prefix are removed as
 * `normaliseForFingerprint` removes them (the same expressions, applied only when the text can hold
 * them), the rest is lower-cased as a whole, and the kept characters (letters, digits, `#`) are copied
 * into a buffer with one space between runs — exactly the string `normaliseForFingerprint` returns, at a
 * fraction of the cost (counting.test.ts compares the two on generated and simulated texts).
 */
export function textFingerprint(text: string): string | null {
  let t = text.replace(RETWEET_PREFIX, "");
  if (t.includes("://")) t = t.replace(URL, " ");
  if (t.includes("@")) t = t.replace(MENTION, " ");
  const lower = t.toLowerCase();
  if (scratch.length < lower.length * 2) scratch = new Uint16Array(lower.length * 2);
  const out = scratch;
  let length = 0;
  let words = 1;
  let gap = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    let units = 1;
    let keep: boolean;
    if (c < 0x80) keep = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 35 || (c >= 65 && c <= 90);
    else {
      const cp = lower.codePointAt(i) as number;
      if (cp > 0xffff) units = 2;
      keep = isLetterOrNumber(cp);
    }
    if (keep) {
      if (gap && length > 0) {
        out[length++] = 32;
        words++;
      }
      gap = false;
      out[length++] = c;
      if (units === 2) out[length++] = lower.charCodeAt(i + 1);
    } else gap = true;
    i += units - 1;
  }
  if (words < MIN_FINGERPRINT_WORDS) return null;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ length;
  for (let i = 0; i < length; i++) {
    const c = out[i];
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

let scratch = new Uint16Array(1024);
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const letterOrNumber = new Map<number, boolean>();

/** Whether a (non-ASCII) code point is a letter or a number, as NON_WORD's classes see it. Cached. */
function isLetterOrNumber(cp: number): boolean {
  let known = letterOrNumber.get(cp);
  if (known === undefined) {
    known = LETTER_OR_NUMBER.test(String.fromCodePoint(cp));
    if (letterOrNumber.size < 50_000) letterOrNumber.set(cp, known);
  }
  return known;
}

/** Who is speaking, for one-report-per-author counting; null when the record names nobody. */
export function authorKey(
  source: string,
  author: { handle?: string | null; name?: string | null } | null | undefined,
): string | null {
  const handle = author?.handle?.trim().toLowerCase().replace(/^@/, "");
  if (handle) return `${source}:${handle}`;
  return null;
}
