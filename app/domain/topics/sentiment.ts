import { createRequire } from "node:module";
import Sentiment from "sentiment";

/**
 * Sentiment of one complaint, -1 (angry) .. 1 (happy): `sentimentScore(text)`.
 *
 * Library: `sentiment` (MIT) — the AFINN-165 word list (3,382 words rated -5..+5) plus the Emoji
 * Sentiment Ranking, summed over the words of the text. Chosen over `vader-sentiment` (Apache-2.0; better
 * on social media nuance, but ~22k texts/s here, which alone would eat the whole intake budget of 20k
 * complaints/s) and `wink-sentiment` (MIT, ~150k/s, but it flipped "not an outage, just a billing
 * question" to positive); `sentiment` runs ~400k+/s.
 *
 * On top of the library:
 * - the text is prepared the way people write complaints: curly apostrophes straightened, emoji split
 *   from words, elongations shortened ("sooo baaad" → "soo baad", "goood" → "good");
 * - negation looks back up to three words (the library looks at one), and flips *and dampens* the
 *   word's score by VADER's factor −0.74 ("not good" is less negative than "bad");
 * - a few AFINN ratings are wrong for complaints and are overridden (COMPLAINT_LABELS below);
 * - the AFINN sum s is squashed to -1..1 with VADER's normalisation s / √(s² + 15): one mildly negative
 *   word (−2) gives −0.46, "ridiculous" + "worst" (−6) gives −0.84.
 */

const require = createRequire(import.meta.url);
const AFINN = require("sentiment/languages/en/labels.json") as Record<string, number>;
const EMOJI_LABELS = require("sentiment/build/emoji.json") as Record<string, number>;

/** AFINN ratings overridden for complaint text, each for a reason. */
const COMPLAINT_LABELS: Record<string, number> = {
  // pleas and politeness, not positive feelings: "please help, no power for 3 days"
  help: 0,
  please: 0,
  // fillers: "for like 6 hours", "pretty bad"
  like: 0,
  pretty: 0,
  // names of things: "customer support", "customer care", "support team"
  support: 0,
  care: 0,
  // mostly sarcastic in complaints: "lol 3rd outage this week"
  lol: 0,
  // "customer service is a joke"
  joke: -2,
  // billing words, negative but not criminal charges (AFINN rates "charged" −3)
  charged: -1,
  charges: -1,
  // domain words AFINN lacks
  slow: -1,
  slowest: -2,
  sluggish: -2,
  laggy: -1,
  buffering: -1,
  unusable: -2,
  crashing: -2,
  crashes: -2,
  crashed: -2,
  overcharged: -2,
  smh: -2,
  fixed: 1,
  resolved: 2,
  // so that "not working" / "doesn't work" (AFINN's "not working" entry is unreachable by its tokenizer)
  // read as negative and "working again" as positive
  working: 1,
  works: 1,
};

const NEGATORS = new Set([
  "not",
  "no",
  "never",
  "cannot",
  "can't",
  "cant",
  "don't",
  "dont",
  "doesn't",
  "doesnt",
  "didn't",
  "didnt",
  "isn't",
  "isnt",
  "wasn't",
  "wasnt",
  "aren't",
  "arent",
  "won't",
  "wont",
  "wouldn't",
  "couldn't",
  "shouldn't",
  "haven't",
  "hasn't",
  "hadn't",
  "ain't",
  "without",
  "nothing",
  "nobody",
]);
const NEGATION_SCALAR = -0.74;
const NORMALISATION_ALPHA = 15;

const LABELS: Record<string, number> = { ...AFINN, ...COMPLAINT_LABELS };
const LANGUAGE = "en-complaints";
const analyzer = new Sentiment();
analyzer.registerLanguage(LANGUAGE, {
  labels: { ...LABELS },
  scoringStrategy: {
    apply(tokens, cursor, tokenScore) {
      for (let k = cursor - 1; k >= 0 && k >= cursor - 3; k--) {
        if (NEGATORS.has(tokens[k])) return tokenScore * NEGATION_SCALAR;
      }
      return tokenScore;
    },
  },
});
const options = { language: LANGUAGE };

const EMOJI = /(\p{Extended_Pictographic})\uFE0F?/gu;
const WORD = /\p{L}+/gu;
const RUN = /(\p{L})\1{2,}/gu;

/** "goood" → "good", "baaad" → "bad", "sooo" → "so": runs cut to two letters, or to one if that is a word. */
function shorten(word: string): string {
  const two = word.replace(RUN, "$1$1");
  if (LABELS[two.toLowerCase()] !== undefined) return two;
  const one = word.replace(RUN, "$1");
  return LABELS[one.toLowerCase()] !== undefined ? one : two;
}

/** Whether `text` has a character three times in a row (cheaper than running ELONGATED on every text). */
function hasRun(text: string): boolean {
  for (let i = 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === text.charCodeAt(i - 1) && c === text.charCodeAt(i - 2) && c > 64) return true;
  }
  return false;
}

/** Whether `text` may hold an emoji or a curly apostrophe (any char above U+2018). */
function hasWide(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x2018) return true;
  return false;
}

/** The text as prepared for scoring: apostrophes straightened, emoji spaced, elongations shortened. */
function prepare(text: string): string {
  let prepared = text;
  if (hasWide(prepared)) prepared = prepared.replace(/’/g, "'").replace(EMOJI, " $1 ");
  if (hasRun(prepared)) prepared = prepared.replace(WORD, (w) => (hasRun(w) ? shorten(w) : w));
  return prepared;
}

function normalise(score: number): number {
  if (score === 0) return 0;
  return Math.round((score / Math.sqrt(score * score + NORMALISATION_ALPHA)) * 1000) / 1000;
}

/** Sentiment of `text` in -1..1 (0 when no rated word or emoji is present). */
export function sentimentScore(text: string): number {
  return normalise(scoreTokens(prepare(text)));
}

/**
 * The same score through the `sentiment` library's own tokenizer and loop: the definition that
 * `sentimentScore` reproduces faster (sentiment.test.ts compares the two).
 */
export function sentimentScoreByLibrary(text: string): number {
  return normalise(analyzer.analyze(prepare(text), options).score);
}

// --- the library's analysis, without its intermediate strings and arrays ----------------------------

/** Every label the library scores with: AFINN with our overrides, plus its emoji (as it merges them). */
const SCORES = new Map<string, number>(Object.entries({ ...LABELS, ...EMOJI_LABELS }));

/** The library's punctuation class, replaced by spaces before splitting: [.,/#!?$%^&*;:{}=_`"~()] and \n. */
const PUNCTUATION = new Uint8Array(128);
for (const c of '.,/#!?$%^&*;:{}=_`"~()\n') PUNCTUATION[c.charCodeAt(0)] = 1;

/** JavaScript's \s (and String.prototype.trim's whitespace). */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const tokens: string[] = [];

/**
 * The library's tokenize — lower-case; \n and its punctuation become spaces; runs of two or more
 * whitespace characters become one space; trim; split on " " — in one pass: a run of separators between
 * two tokens splits them when it is two or more characters long or is one space (or one punctuation
 * mark); a lone tab or no-break space stays inside the token, as the library leaves it. Then its loop:
 * from the last token back, each rated token adds its score, flipped and dampened when one of the three
 * tokens before it is a negator.
 */
function scoreTokens(prepared: string): number {
  const s = prepared.toLowerCase();
  const n = s.length;
  tokens.length = 0;
  let start = -1; // start of the current token
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    const separator = (c < 128 && PUNCTUATION[c] === 1) || isSpace(c);
    if (!separator) {
      if (start < 0) start = i;
      i++;
      continue;
    }
    // A run of separators from i.
    let j = i + 1;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (!((d < 128 && PUNCTUATION[d] === 1) || isSpace(d))) break;
      j++;
    }
    const splits = j - i >= 2 || c === 32 || (c < 128 && PUNCTUATION[c] === 1);
    if (start >= 0 && j < n && !splits) {
      // One tab / no-break space between two words: part of the token.
      i = j;
      continue;
    }
    if (start >= 0) tokens.push(s.slice(start, i));
    start = -1;
    i = j;
  }
  if (start >= 0) tokens.push(s.slice(start, n));
  let score = 0;
  for (let t = tokens.length - 1; t >= 0; t--) {
    const value = SCORES.get(tokens[t]);
    if (value === undefined) continue;
    let tokenScore = value;
    for (let k = t - 1; k >= 0 && k >= t - 3; k--) {
      if (NEGATORS.has(tokens[k])) {
        tokenScore = value * NEGATION_SCALAR;
        break;
      }
    }
    score += tokenScore;
  }
  return score;
}
