import {
  expandKeyword,
  isDictionaryWord,
  LEX_BOUNDARY,
  LEX_EMOJI,
  LEX_HASHTAG,
  LEX_MONEY,
  LEX_WORD,
  type LexKind,
  lex,
  normalizeWord,
  segmentHashtag,
  stem,
} from "./text";

/**
 * Topic classification of complaint text against an editable keyword taxonomy.
 *
 * ```ts
 * export interface TopicDefinition { slug: string; label: string; keywords: string[]; severityHint?; priority? }
 * export function buildClassifier(topics: TopicDefinition[], options?): TopicClassifier  // once per taxonomy version
 * export interface TopicResult { topic: string; score: number; matched: string[] }
 * classifier.classify(text: string): TopicResult
 * export function keywordProblem(keyword: string): string | null   // validate an edited keyword
 * ```
 *
 * How a keyword matches. Keywords are words, phrases, hashtags, emoji or "$" (any money amount), and may
 * hold alternatives: "(power|electricity) (out|off)" stands for the four phrases, "(|keeps) dropping" for
 * two (an empty alternative is optional). They are normalised exactly as complaint text is (see
 * ./text.ts), then matched token by token:
 * - on word boundaries and case-insensitively: "app" never matches "happy", "bill" never "Billy";
 * - on stems: "outage" matches "outages", "charged" matches "charge"/"charging", "log in" matches
 *   "logged in"; be/have forms are one word, so "power is out" also matches "power was out";
 * - across at most two filler words inside a phrase: "power out" matches "power's completely out",
 *   "internet down" matches "internet is down again";
 * - through contractions and typing habits: "can't log in" matches "cannot log in" and "cant log in";
 *   "sooo slowww" is "so slow"; "outtage", "internett", "techincian" are corrected to the nearest keyword
 *   word (one edit, keyword words of 5+ letters, and never when the typed word is itself an English word:
 *   "outrage" stays outrage); such matches weigh 0.8 of a clean one;
 * - inside hashtags: "#PowerOutage", "#poweroutage", "#nopower" are split into words first;
 * - emoji keywords ("🔌", "🕯") match the emoji and weigh half: a hint, not proof.
 *
 * Evidence. Each distinct keyword found counts once (by its best phrase), weighing 1 for one word, 1.5 for two, 2 for three
 * or more; a keyword made only of generic failure words ("down", "not working", "went out", "error")
 * weighs 0.5, so that a named subject decides: "the app isn't working" is app-login, "my internet
 * isn't working" is outage. Where one match lies inside a longer one ("line down" inside "power line
 * down") only the longer counts, and of two matches over the same words only one.
 *
 * Negation. A match right after "not" (with only words like "a", "the", "really", "about" between,
 * within the clause) is denied and does not count: "not an outage, just a billing question" → billing.
 * "not" after do/can/will/have ("can't log in", "didn't get my refund", "hasn't been restored") is a
 * failure, not a denial, and the match counts. "no"/"without" are never negations: "no power" is an
 * outage, and keywords say so.
 *
 * Counter-evidence. A keyword written with a leading "-" ("-power is back", "-has been restored") is
 * evidence *against* its topic and is subtracted; a denied counter-keyword ("not back yet") is ignored,
 * and so is one made hypothetical by "when", "will", "until", "if", "hope"... earlier in its clause
 * ("when will it be back?").
 *
 * Decision. Each topic's evidence is multiplied by its priority (default from its severity hint: SEV1
 * 2, SEV2 1.1, others 1), so a hazard mentioned beside an outage is classed as safety. The topic
 * with the most evidence wins if it has at least 0.5; otherwise the fallback topic ("other"). Ties go to
 * the higher priority, then to the earlier topic.
 *
 * Score (0..1): (1 − e^−s) · s / (s + r), where s is the winner's evidence and r the runner-up's: one
 * clean keyword alone gives 0.63, a phrase 0.78, two phrases 0.95; a close contest halves it. The
 * fallback scores 0 (nothing matched).
 *
 * Speed: tokens are resolved through a bounded per-classifier cache and matched against a trie of
 * keyword stems; a few µs for a tweet. Only the first 600 tokens and 128 matches of a text are used, so
 * that no text, however long or repetitive, costs more than about a millisecond.
 */

export interface TopicDefinition {
  slug: string;
  label: string;
  keywords: string[];
  /** SEV1..SEV4; sets the default priority. */
  severityHint?: string | null;
  /** Evidence multiplier; overrides the severity hint. */
  priority?: number;
}

export interface TopicResult {
  /** The winning topic's slug, or the fallback ("other"). */
  topic: string;
  /** Confidence 0..1; 0 for the fallback. */
  score: number;
  /** The winning topic's keyword phrases found in the text, as written in the taxonomy (for a keyword
   * with alternatives, the alternative that matched: "no power" for "(no|without) (power|service)"). */
  matched: string[];
}

export interface TopicEvidence {
  slug: string;
  /** Evidence after counter-evidence, before priority. */
  evidence: number;
  /** Evidence × priority: what the decision compares. */
  weighted: number;
  matched: string[];
  countered: string[];
  denied: string[];
}

export interface TopicClassifier {
  classify(text: string): TopicResult;
  /** Every topic's evidence, for explaining a decision (slower than `classify`). */
  explain(text: string): TopicEvidence[];
  /** The stems of all the taxonomy's keyword words (for leaving them out of emerging terms). */
  readonly keywordStems: ReadonlySet<string>;
}

export interface ClassifierOptions {
  /** Slug returned when nothing scores; default "other". */
  fallback?: string;
  /** Minimum weighted evidence for a topic to win; default 0.5. */
  minEvidence?: number;
}

// Token flags
const F_BOUNDARY = 1;
const F_FILLER = 2;
const F_NOT = 4;
const F_AUX = 8;
const F_NEGSKIP = 16;
const F_FUZZY = 32;
const F_MODAL = 64;

const MAX_GAP = 2;
const NEG_WINDOW = 4;
const FUZZY_WEIGHT = 0.8;
/** Work bounds per text: tokens read and matches kept (a long email states its grievance early). */
const MAX_TOKENS = 600;
const MAX_MATCHES = 128;

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** Words that may sit inside a phrase without breaking it ("power is completely out"). */
const FILLER_WORDS = words(`a an the my our your their his her its it this that these those be been is are was
  were am have has had just still all completely totally entirely fully literally again now so very really
  even ever also currently apparently constantly always already actually basically pretty super whole
  entire any some there s`);
/** Words that may sit between "not" and what it denies ("not really about the bill"). */
const NEGSKIP_WORDS = words(`a an the any my our your this that it its be is was are really just even only
  actually necessarily exactly about related to due because of an one another sure if so`);
const AUX_WORDS = words("do does did can could will would should might must may shall have has had");
/** Words that make a restoration hypothetical ("when will it be back?"), so counter-evidence is ignored. */
const MODAL_WORDS = words("when will would until if once hope hopefully expect expected eta estimate should");
/** A keyword made only of these (and fillers) is generic: it names a failure, not a subject. */
const GENERIC_WORDS = words(`down out off dead offline not no work working broken break fail failed failing
  failure stop stopped issue issues problem problems go gone went again still anymore nothing load loading
  error errors wrong`);

const STEM_FLAGS = new Map<string, number>();
const addFlag = (list: string[], flag: number) => {
  for (const w of list) {
    const s = stem(w);
    STEM_FLAGS.set(s, (STEM_FLAGS.get(s) ?? 0) | flag);
  }
};
addFlag(FILLER_WORDS, F_FILLER);
addFlag(NEGSKIP_WORDS, F_NEGSKIP);
addFlag(AUX_WORDS, F_AUX);
addFlag(MODAL_WORDS, F_MODAL);
STEM_FLAGS.set("not", (STEM_FLAGS.get("not") ?? 0) | F_NOT);
const GENERIC_STEMS = new Set(GENERIC_WORDS.map(stem));

const PRIORITY_BY_SEVERITY: Record<string, number> = { SEV1: 2, SEV2: 1.1, SEV3: 1, SEV4: 1 };

interface TrieNode {
  next: Map<number, TrieNode> | null;
  /** Keywords (indices) ending here, with the weight and text of the phrase that ends here. */
  ends: number[];
  weights: number[];
  phrases: string[];
}

interface Keyword {
  topic: number;
  text: string;
  counter: boolean;
}

/** Stems of a keyword or text, as the classifier sees them (boundaries dropped). */
function keywordStems(keyword: string): string[] {
  const out: string[] = [];
  lex(keyword, (kind, value) => {
    if (kind === LEX_WORD) for (const w of normalizeWord(value)) out.push(stem(w));
    else if (kind === LEX_HASHTAG)
      for (const w of segmentHashtag(value, () => false)) for (const n of normalizeWord(w)) out.push(stem(n));
    else if (kind === LEX_EMOJI || kind === LEX_MONEY) out.push(value);
  });
  return out;
}

function keywordWeight(stems: string[]): number {
  if (stems.every((s) => !/[a-z0-9$]/.test(s))) return 0.5; // emoji only
  const functionWord = (s: string) => ((STEM_FLAGS.get(s) ?? 0) & (F_FILLER | F_AUX)) !== 0;
  const content = stems.filter((s) => !functionWord(s) || GENERIC_STEMS.has(s));
  const counted = content.length > 0 ? content : stems;
  if (counted.every((s) => GENERIC_STEMS.has(s) || functionWord(s))) return 0.5;
  return counted.length === 1 ? 1 : counted.length === 2 ? 1.5 : 2;
}

/** Optimal-string-alignment distance, capped: returns 2 for anything over 1. */
function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (i === la && i === lb) return true;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Why a keyword cannot be used, or null if it can: for validating taxonomy edits and imports before
 * `buildClassifier` (which throws on the same keywords).
 */
export function keywordProblem(keyword: string): string | null {
  const body = keyword.trim().replace(/^-/, "").trim();
  if (body === "") return "is empty";
  let phrases: string[];
  try {
    phrases = expandKeyword(body);
  } catch (e) {
    return (e as Error).message;
  }
  if (phrases.every((p) => keywordStems(p).length === 0)) return `keyword "${keyword}" has no words to match`;
  return null;
}

export function buildClassifier(topics: TopicDefinition[], options: ClassifierOptions = {}): TopicClassifier {
  const fallback = options.fallback ?? "other";
  const minEvidence = options.minEvidence ?? 0.5;
  const vocab = new Map<string, number>();
  const vocabList: string[] = [];
  const idOf = (s: string) => {
    let id = vocab.get(s);
    if (id === undefined) {
      id = vocabList.length;
      vocab.set(s, id);
      vocabList.push(s);
    }
    return id;
  };
  const root = new Map<number, TrieNode>();
  const keywords: Keyword[] = [];
  const priorities = topics.map((t) => t.priority ?? PRIORITY_BY_SEVERITY[t.severityHint ?? ""] ?? 1);

  topics.forEach((topic, ti) => {
    const seen = new Set<string>();
    for (const raw of topic.keywords) {
      const trimmed = raw.trim();
      const counter = trimmed.startsWith("-");
      const body = counter ? trimmed.slice(1).trim() : trimmed;
      const k = keywords.length;
      let added = false;
      for (const phrase of expandKeyword(body)) {
        const stems = keywordStems(phrase);
        const key = `${counter ? "-" : ""}${stems.join(" ")}`;
        if (stems.length === 0 || seen.has(key)) continue;
        seen.add(key);
        added = true;
        let level = root;
        let node: TrieNode | undefined;
        for (const s of stems) {
          const id = idOf(s);
          node = level.get(id);
          if (!node) {
            node = { next: null, ends: [], weights: [], phrases: [] };
            level.set(id, node);
          }
          node.next ??= new Map();
          level = node.next;
        }
        node!.ends.push(k);
        node!.weights.push(keywordWeight(stems));
        node!.phrases.push(phrase);
      }
      if (added) keywords.push({ topic: ti, text: raw, counter });
    }
  });

  // Deletion index for one-edit typo correction of keyword words of 5+ letters.
  const deletions = new Map<string, number[]>();
  const addDeletion = (key: string, id: number) => {
    const list = deletions.get(key);
    if (!list) deletions.set(key, [id]);
    else if (!list.includes(id)) list.push(id);
  };
  vocabList.forEach((s, id) => {
    if (s.length < 5 || !/^[a-z]+$/.test(s)) return;
    addDeletion(s, id);
    for (let i = 0; i < s.length; i++) addDeletion(s.slice(0, i) + s.slice(i + 1), id);
  });
  const correct = (word: string, s: string): number => {
    if (s.length < 4 || s.length > 24 || !/^[a-z]+$/.test(s) || isDictionaryWord(word)) return -1;
    const candidates = new Set<number>();
    const probe = (key: string) => {
      for (const id of deletions.get(key) ?? []) candidates.add(id);
      const exact = vocab.get(key);
      if (exact !== undefined && key.length >= 5) candidates.add(exact);
    };
    probe(s);
    for (let i = 0; i < s.length; i++) probe(s.slice(0, i) + s.slice(i + 1));
    let best = -1;
    for (const id of candidates) {
      if (withinOneEdit(s, vocabList[id]) && (best < 0 || vocabList[id] < vocabList[best])) best = id;
    }
    return best;
  };

  const known = (w: string) => vocab.has(stem(w));

  // Resolved words: flattened [id, flags, id, flags, ...] per raw word, cached.
  const wordCache = new Map<string, number[]>();
  const resolveWords = (normalized: string[], extraFlags: number): number[] => {
    const out: number[] = [];
    for (const w of normalized) {
      const s = stem(w);
      let id = vocab.get(s) ?? -1;
      let flags = (STEM_FLAGS.get(s) ?? 0) | extraFlags;
      if (id < 0) {
        id = correct(w, s);
        if (id >= 0) flags |= F_FUZZY;
      }
      out.push(id, flags);
    }
    return out;
  };
  const resolveWord = (raw: string): number[] => {
    let r = wordCache.get(raw);
    if (!r) {
      r = resolveWords(normalizeWord(raw), 0);
      if (wordCache.size > 200_000) wordCache.clear();
      wordCache.set(raw, r);
    }
    return r;
  };
  const resolveHashtag = (body: string): number[] => {
    const key = `#${body}`;
    let r = wordCache.get(key);
    if (!r) {
      const parts: string[] = [];
      for (const w of segmentHashtag(body, known)) parts.push(...normalizeWord(w));
      r = resolveWords(parts, 0);
      wordCache.set(key, r);
    }
    return r;
  };
  const symbolId = (sym: string) => vocab.get(sym) ?? -1;

  // Per-call scratch (classification is synchronous, so one set of buffers per classifier).
  let ids = new Int32Array(256);
  let flags = new Int32Array(256);
  let n = 0;
  const push = (id: number, f: number) => {
    if (n >= MAX_TOKENS) return;
    if (n === ids.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      ids = grow(ids);
      flags = grow(flags);
    }
    ids[n] = id;
    flags[n] = f;
    n++;
  };
  const sink = (kind: LexKind, value: string) => {
    if (kind === LEX_WORD || kind === LEX_HASHTAG) {
      const r = kind === LEX_WORD ? resolveWord(value) : resolveHashtag(value);
      for (let i = 0; i < r.length; i += 2) push(r[i], r[i + 1]);
    } else if (kind === LEX_BOUNDARY) push(-1, F_BOUNDARY);
    else push(symbolId(value), 0);
  };

  const mKw: number[] = [];
  const mStart: number[] = [];
  const mEnd: number[] = [];
  const mWeight: number[] = [];
  const mPhrase: string[] = [];
  const addMatch = (k: number, weight: number, phrase: string, start: number, end: number) => {
    if (mKw.length >= MAX_MATCHES) return;
    for (let i = 0; i < mKw.length; i++) if (mKw[i] === k && mStart[i] === start && mEnd[i] === end) return;
    mKw.push(k);
    mStart.push(start);
    mEnd.push(end);
    mWeight.push(weight);
    mPhrase.push(phrase);
  };
  const walk = (node: TrieNode, start: number, end: number, j: number, gaps: number) => {
    for (let e = 0; e < node.ends.length; e++)
      addMatch(node.ends[e], node.weights[e], node.phrases[e], start, end);
    const next = node.next;
    if (next === null || next.size === 0 || j >= n || flags[j] & F_BOUNDARY) return;
    if (ids[j] >= 0) {
      const child = next.get(ids[j]);
      if (child) walk(child, start, j, j + 1, 0);
    }
    if (flags[j] & F_FILLER && gaps < MAX_GAP) walk(node, start, end, j + 1, gaps + 1);
  };

  const topicCount = topics.length;
  const pos = new Float64Array(topicCount);
  const neg = new Float64Array(topicCount);
  const kwBest = new Float64Array(keywords.length);
  const dropped: boolean[] = [];
  const denied: boolean[] = [];

  /** Tokenise, match, resolve overlaps and negation; fills pos/neg and the match arrays. */
  const analyse = (text: string) => {
    n = 0;
    lex(text, sink);
    mKw.length = 0;
    mStart.length = 0;
    mEnd.length = 0;
    mWeight.length = 0;
    mPhrase.length = 0;
    for (let i = 0; i < n; i++) {
      if (ids[i] < 0) continue;
      const node = root.get(ids[i]);
      if (node) walk(node, i, i, i + 1, 0);
    }
    const m = mKw.length;
    dropped.length = m;
    denied.length = m;
    for (let a = 0; a < m; a++) {
      dropped[a] = false;
      denied[a] = false;
      const lenA = mEnd[a] - mStart[a];
      for (let b = 0; b < m; b++) {
        if (b === a) continue;
        const lenB = mEnd[b] - mStart[b];
        // inside a longer match, or the same span as an earlier one ("power out" across a filler = "power is out")
        if (mStart[b] <= mStart[a] && mEnd[a] <= mEnd[b] && (lenB > lenA || (lenB === lenA && b < a))) {
          dropped[a] = true;
          break;
        }
      }
    }
    for (let a = 0; a < m; a++) {
      if (dropped[a]) continue;
      const counter = keywords[mKw[a]].counter;
      // a counter-keyword overlapping positive evidence of its own topic ("not working again") yields
      if (counter) {
        for (let b = 0; b < m; b++) {
          if (b === a || dropped[b]) continue;
          const kb = keywords[mKw[b]];
          if (
            !kb.counter &&
            kb.topic === keywords[mKw[a]].topic &&
            mStart[b] <= mEnd[a] &&
            mStart[a] <= mEnd[b]
          ) {
            dropped[a] = true;
            break;
          }
        }
        if (dropped[a]) continue;
      }
      if (counter) {
        for (
          let k = mStart[a] - 1, steps = 0;
          k >= 0 && steps < 6 && !(flags[k] & F_BOUNDARY);
          k--, steps++
        ) {
          if (flags[k] & F_MODAL) denied[a] = true;
        }
        if (denied[a]) continue;
      }
      let k = mStart[a] - 1;
      for (let steps = 0; k >= 0 && steps < NEG_WINDOW && !(flags[k] & F_BOUNDARY); steps++, k--) {
        if (flags[k] & F_NOT) {
          let insideOther = false;
          if (!counter) {
            for (let b = 0; b < m; b++) {
              if (b !== a && !dropped[b] && mStart[b] <= k && k <= mEnd[b]) insideOther = true;
            }
          }
          if (!insideOther && !(k > 0 && flags[k - 1] & F_AUX)) denied[a] = true;
          break;
        }
        if (!(flags[k] & F_NEGSKIP)) break;
      }
    }
    pos.fill(0);
    neg.fill(0);
    // each keyword counts once, by its best surviving match
    for (let a = 0; a < m; a++) {
      if (dropped[a] || denied[a]) continue;
      let fuzzy = false;
      for (let i = mStart[a]; i <= mEnd[a]; i++) if (flags[i] & F_FUZZY) fuzzy = true;
      const w = fuzzy ? mWeight[a] * FUZZY_WEIGHT : mWeight[a];
      if (w > kwBest[mKw[a]]) kwBest[mKw[a]] = w;
    }
    for (let a = 0; a < m; a++) {
      const k = mKw[a];
      const w = kwBest[k];
      if (w === 0) continue;
      kwBest[k] = 0;
      const kw = keywords[k];
      if (kw.counter) neg[kw.topic] += w;
      else pos[kw.topic] += w;
    }
  };

  const classify = (text: string): TopicResult => {
    analyse(text);
    let best = -1;
    let bestScore = 0;
    let second = 0;
    for (let t = 0; t < topicCount; t++) {
      const s = Math.max(0, pos[t] - neg[t]) * priorities[t];
      if (s <= 0) continue;
      if (
        best < 0 ||
        s > bestScore + 1e-9 ||
        (Math.abs(s - bestScore) <= 1e-9 && priorities[t] > priorities[best])
      ) {
        second = Math.max(second, bestScore);
        best = t;
        bestScore = s;
      } else second = Math.max(second, s);
    }
    if (best < 0 || bestScore < minEvidence) return { topic: fallback, score: 0, matched: [] };
    const matched: string[] = [];
    for (let a = 0; a < mKw.length; a++) {
      const kw = keywords[mKw[a]];
      if (kw.topic === best && !kw.counter && !dropped[a] && !denied[a] && !matched.includes(mPhrase[a]))
        matched.push(mPhrase[a]);
    }
    const score = (1 - Math.exp(-bestScore)) * (bestScore / (bestScore + second));
    return { topic: topics[best].slug, score: Math.round(score * 1000) / 1000, matched };
  };

  const explain = (text: string): TopicEvidence[] => {
    analyse(text);
    return topics.map((topic, t) => {
      const of = (pred: (a: number) => boolean) => {
        const list: string[] = [];
        for (let a = 0; a < mKw.length; a++) {
          const kw = keywords[mKw[a]];
          if (kw.topic === t && pred(a) && !list.includes(mPhrase[a])) list.push(mPhrase[a]);
        }
        return list;
      };
      const evidence = Math.max(0, pos[t] - neg[t]);
      return {
        slug: topic.slug,
        evidence,
        weighted: evidence * priorities[t],
        matched: of((a) => !keywords[mKw[a]].counter && !dropped[a] && !denied[a]),
        countered: of((a) => keywords[mKw[a]].counter && !dropped[a] && !denied[a]),
        denied: of((a) => denied[a]),
      };
    });
  };

  const stemsOfKeywords = new Set<string>();
  for (const s of vocabList) if (/[a-z]/.test(s)) stemsOfKeywords.add(s);

  return { classify, explain, keywordStems: stemsOfKeywords };
}
