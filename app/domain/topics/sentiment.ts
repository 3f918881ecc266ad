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

/** Sentiment of `text` in -1..1 (0 when no rated word or emoji is present). */
export function sentimentScore(text: string): number {
  let prepared = text;
  if (hasWide(prepared)) prepared = prepared.replace(/’/g, "'").replace(EMOJI, " $1 ");
  if (hasRun(prepared)) prepared = prepared.replace(WORD, (w) => (hasRun(w) ? shorten(w) : w));
  const { score } = analyzer.analyze(prepared, options);
  if (score === 0) return 0;
  return Math.round((score / Math.sqrt(score * score + NORMALISATION_ALPHA)) * 1000) / 1000;
}
