import { createRequire } from "node:module";
import type { TopicDefinition } from "./classifier";
import { logNegBinomialUpperTail } from "./stats";
import {
  expandKeyword,
  LEX_BOUNDARY,
  LEX_HASHTAG,
  LEX_WORD,
  lex,
  normalizeWord,
  segmentHashtag,
  stem,
} from "./text";

/**
 * Emerging terms: candidate new topics, from words whose frequency bursts against their own history.
 *
 * 1. `extractTerms(text, exclusion?)` → the distinct terms of one complaint: words and two-word phrases
 *    (lower case, contractions expanded, elongations undone, plurals made singular), without stop-words
 *    (the `stopwords-iso` English list plus chat fillers), numbers, URLs or mentions; hashtags are kept
 *    whole ("#ps5down"). With `termExclusion(taxonomy)`, the taxonomy's own keywords are left out too:
 *    a word that appears in any keyword ("outage", "power"), a pair that appears in a keyword phrase
 *    ("power line"), a pair of two one-word keywords, a hashtag made only of keyword words ("#poweroutage").
 *    The caller counts complaints per term per hour (each term once per complaint).
 *
 * 2. `emergingTerms({ current, baseline, historyHours })` scores each term of the last hour against its
 *    own history with a Gamma–Poisson model:
 *    - history: S occurrences over H hours (a `{ mean, hours }` summary, or per-hour counts); a term
 *      absent from the baseline has S = 0 over `historyHours`;
 *    - the term's hourly rate has posterior Gamma(S + a, H + b) (prior a = 0.5 occurrences over b = 1
 *      hour), so expected = (S + a) / (H + b), times `volumeRatio` when overall volume moved;
 *    - the next hour's count then follows the posterior predictive, a negative binomial with that mean
 *      and shape S + a, the shape capped at `maxShape` (default 20) so that even a long-known common
 *      word keeps day-to-day overdispersion (variance ≥ mean + mean²/20);
 *    - score = −log10 P(X ≥ count) under that distribution (9 ⇔ one-in-a-billion);
 *    - a term is listed when count ≥ `minCount` (default 10: one-off words never surface),
 *      count / expected ≥ `minRatio` (default 3) and score ≥ `minScore` (default log10(terms tested) + 2,
 *      a Bonferroni correction at 1% for testing every term every hour).
 *    Sorted by score, then count. A term seen 40 times this hour and never in a week of history scores
 *    ~100; a common word at 45 against a mean of 40 scores < 1.
 */

const require = createRequire(import.meta.url);
const STOPWORDS_ISO = (require("stopwords-iso") as Record<string, string[]>).en;

const CHAT_FILLERS = `lol lmao omg smh wtf af rn pls plz thx ty ur u im ive dont cant wont isnt doesnt didnt gonna
  wanna gotta yall ya yeah yep nope ok okay hey hi hello guys anyone everyone someone today tonight morning
  yesterday tomorrow hour minute day week month year time am pm amp rt via etc`;

const STOP = new Set<string>([...STOPWORDS_ISO, ...CHAT_FILLERS.split(/\s+/).filter(Boolean)]);

/** Singular of a lower-case word ("outages" → "outage", "batteries" → "battery"); others unchanged. */
function singular(w: string): string {
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith("s") && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

export interface TermExclusion {
  /** Stems of every word that appears in a keyword. */
  words: ReadonlySet<string>;
  /** "stem stem" pairs adjacent in a keyword phrase, and pairs of one-word keywords. */
  pairs: ReadonlySet<string>;
  /** Stems of one-word keywords. */
  single: ReadonlySet<string>;
}

const keywordWordStems = (keyword: string): string[] => {
  const out: string[] = [];
  lex(keyword.replace(/^\s*-/, ""), (kind, value) => {
    if (kind === LEX_WORD) for (const w of normalizeWord(value)) out.push(stem(w));
    else if (kind === LEX_HASHTAG)
      for (const part of segmentHashtag(value, () => false))
        for (const w of normalizeWord(part)) out.push(stem(w));
  });
  return out;
};

/** What `extractTerms` leaves out for a taxonomy: its own keywords. Build once per taxonomy version. */
export function termExclusion(topics: Pick<TopicDefinition, "keywords">[]): TermExclusion {
  const words = new Set<string>();
  const pairs = new Set<string>();
  const single = new Set<string>();
  for (const topic of topics) {
    for (const keyword of topic.keywords) {
      for (const phrase of expandKeyword(keyword.trim().replace(/^-/, ""))) {
        const stems = keywordWordStems(phrase);
        for (const s of stems) words.add(s);
        for (let i = 1; i < stems.length; i++) pairs.add(`${stems[i - 1]} ${stems[i]}`);
        if (stems.length === 1) single.add(stems[0]);
      }
    }
  }
  return { words, pairs, single };
}

const NO_EXCLUSION: TermExclusion = { words: new Set(), pairs: new Set(), single: new Set() };

/** Hashtag → its term, or null when it is made only of keyword words; cached per exclusion. */
const hashtagCaches = new WeakMap<TermExclusion, Map<string, string | null>>();
function hashtagTerm(value: string, exclusion: TermExclusion): string | null {
  let cache = hashtagCaches.get(exclusion);
  if (!cache) {
    cache = new Map();
    hashtagCaches.set(exclusion, cache);
  }
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const body = value.toLowerCase();
  let term: string | null = null;
  if (body.length >= 2 && !/^\d+$/.test(body)) {
    const knownWord = (w: string) => exclusion.words.has(stem(w));
    const parts = segmentHashtag(value, knownWord).flatMap((p) => normalizeWord(p));
    const allKeywords = parts.length > 0 && parts.every((p) => exclusion.words.has(stem(p)) || STOP.has(p));
    term = allKeywords ? null : `#${body}`;
  }
  if (cache.size > 50_000) cache.clear();
  cache.set(value, term);
  return term;
}

interface TermWord {
  /** Display form (singular), or null for a stop-word, number or scrap (breaks two-word phrases). */
  w: string | null;
  s: string;
}
const wordCache = new Map<string, TermWord[]>();
function termWords(raw: string): TermWord[] {
  let hit = wordCache.get(raw);
  if (!hit) {
    hit = normalizeWord(raw).map((n) => {
      const w = singular(n);
      const skip = w.length < 2 || STOP.has(n) || STOP.has(w) || /^\d+$/.test(w) || !/\p{L}/u.test(w);
      return { w: skip ? null : w, s: stem(n) };
    });
    if (wordCache.size > 100_000) wordCache.clear();
    wordCache.set(raw, hit);
  }
  return hit;
}

/** The distinct terms (words, two-word phrases, hashtags) of one complaint, in order of appearance. */
export function extractTerms(text: string, exclusion: TermExclusion = NO_EXCLUSION): string[] {
  const out = new Set<string>();
  let prev: string | null = null;
  let prevStem = "";
  lex(text, (kind, value) => {
    if (kind === LEX_WORD) {
      for (const { w, s } of termWords(value)) {
        if (w === null) {
          prev = null;
          continue;
        }
        if (!exclusion.words.has(s)) out.add(w);
        if (prev !== null) {
          const pair = `${prevStem} ${s}`;
          const bothSingles = exclusion.single.has(prevStem) && exclusion.single.has(s);
          if (
            !exclusion.pairs.has(pair) &&
            !bothSingles &&
            !(exclusion.words.has(prevStem) && exclusion.words.has(s))
          )
            out.add(`${prev} ${w}`);
        }
        prev = w;
        prevStem = s;
      }
      return;
    }
    prev = null;
    if (kind === LEX_HASHTAG) {
      const term = hashtagTerm(value, exclusion);
      if (term !== null) out.add(term);
    } else if (kind === LEX_BOUNDARY) prev = null;
  });
  return [...out];
}

// ---------------------------------------------------------------------------------------------------

export interface TermBaseline {
  /** Mean occurrences per hour over `hours`. */
  mean: number;
  hours: number;
}

export interface EmergingTermsInput {
  /** Complaints per term in the last hour. */
  current: ReadonlyMap<string, number>;
  /** Per-term history: `{ mean, hours }`, or per-hour counts (oldest first; missing hours are 0). */
  baseline: ReadonlyMap<string, TermBaseline | readonly number[]>;
  /** Hours of history behind the baseline, for terms absent from it (default: the longest in it, else 0). */
  historyHours?: number;
  /** Multiply expectations by this (current total volume / usual volume); default 1. */
  volumeRatio?: number;
  /** Minimum count in the last hour; default 10. */
  minCount?: number;
  /** Minimum count / expected; default 3. */
  minRatio?: number;
  /** Minimum score (−log10 p); default log10(number of terms tested) + 2. */
  minScore?: number;
  /** Cap on the predictive's shape (overdispersion floor); default 20. */
  maxShape?: number;
  /** Prior pseudo-occurrences and pseudo-hours; defaults 0.5 and 1. */
  priorCount?: number;
  priorHours?: number;
  /** Most terms returned; default 50. */
  limit?: number;
}

export interface EmergingTerm {
  term: string;
  count: number;
  /** Expected count for the hour (posterior mean rate × volumeRatio). */
  expected: number;
  ratio: number;
  /** −log10 of the upper-tail probability of `count`. */
  score: number;
}

const summarise = (b: TermBaseline | readonly number[]): { total: number; hours: number } => {
  if (Array.isArray(b)) {
    let total = 0;
    for (const c of b as readonly number[]) total += c;
    return { total, hours: b.length };
  }
  const s = b as TermBaseline;
  return { total: s.mean * s.hours, hours: s.hours };
};

/** Terms of the last hour that burst against their own history, most surprising first (see above). */
export function emergingTerms(input: EmergingTermsInput): EmergingTerm[] {
  const minCount = input.minCount ?? 10;
  const minRatio = input.minRatio ?? 3;
  const maxShape = input.maxShape ?? 20;
  const a = input.priorCount ?? 0.5;
  const b = input.priorHours ?? 1;
  const volume = input.volumeRatio ?? 1;
  const minScore = input.minScore ?? Math.log10(Math.max(1, input.current.size)) + 2;
  let historyHours = input.historyHours;
  if (historyHours === undefined) {
    historyHours = 0;
    for (const v of input.baseline.values()) historyHours = Math.max(historyHours, summarise(v).hours);
  }
  const out: EmergingTerm[] = [];
  for (const [term, count] of input.current) {
    if (count < minCount) continue;
    const known = input.baseline.get(term);
    const { total, hours } = known ? summarise(known) : { total: 0, hours: historyHours };
    const shape = total + a;
    const expected = (shape / (hours + b)) * volume;
    const ratio = count / expected;
    if (ratio < minRatio) continue;
    const score = -logNegBinomialUpperTail(count, Math.min(shape, maxShape), expected) / Math.LN10;
    if (score < minScore) continue;
    out.push({
      term,
      count,
      expected: Math.round(expected * 1000) / 1000,
      ratio: Math.round(ratio * 10) / 10,
      score: Math.round(score * 100) / 100,
    });
  }
  out.sort((x, y) => y.score - x.score || y.count - x.count || (x.term < y.term ? -1 : 1));
  return out.slice(0, input.limit ?? 50);
}
