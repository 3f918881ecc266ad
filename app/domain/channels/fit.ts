import { findUrls, graphemeEnds, type TextRange } from "./text";

/**
 * Cutting a text to fit a channel: at a sentence end when that keeps most of what fits, else after a
 * word, else between grapheme clusters; never inside a URL while a cut outside one fits. `fits` is the
 * channel's own measure, so URL weights, emoji and segment boundaries are all accounted for.
 */

export type Fits = (candidate: string) => boolean;

type CutKind = "sentence" | "word" | "grapheme";

/** Where a text may be cut, by kind, each ascending and computed only when first asked for. */
type Cuts = Record<CutKind, () => number[]>;

const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });
const wordSegmenter = new Intl.Segmenter("en", { granularity: "word" });

/** A sentence cut is taken when it keeps at least this share of what a word cut would keep. */
const SENTENCE_CUT_MIN_SHARE = 0.5;

// Scripts written without spaces between words: only there is the (slow) word segmenter needed.
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

function insideAny(position: number, ranges: TextRange[]): boolean {
  return ranges.some((r) => position > r.start && position < r.end);
}

function wordEnds(text: string): number[] {
  const ends: number[] = [];
  for (const run of text.matchAll(/\S+/g)) {
    if (UNSPACED_SCRIPT.test(run[0])) {
      for (const s of wordSegmenter.segment(run[0])) {
        if (s.isWordLike) ends.push(run.index + s.index + s.segment.length);
      }
    }
    ends.push(run.index + run[0].length);
  }
  return [...new Set(ends)].sort((a, b) => a - b);
}

function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= compute();
    return value;
  };
}

function cutsOf(text: string): Cuts {
  const urls = once(() => findUrls(text));
  const outsideUrls = (p: number) => !insideAny(p, urls());
  return {
    sentence: once(() =>
      Array.from(sentenceSegmenter.segment(text), (s) => s.index + s.segment.length).filter(outsideUrls),
    ),
    word: once(() => wordEnds(text).filter(outsideUrls)),
    grapheme: once(() => graphemeEnds(text)),
  };
}

/**
 * The last position (ascending) for which `fits` holds, measures being monotone in the prefix. Galloping
 * from the start keeps the cost to the size of the answer, not of the text: what fits a post is short.
 */
function lastFitting(positions: number[], fits: (position: number) => boolean): number | null {
  if (positions.length === 0 || !fits(positions[0])) return null;
  let good = 0;
  let step = 1;
  while (good + step < positions.length && fits(positions[good + step])) {
    good += step;
    step *= 2;
  }
  let bad = Math.min(good + step, positions.length);
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    if (fits(positions[middle])) good = middle;
    else bad = middle;
  }
  return positions[good];
}

export interface Cut {
  /** Where the kept text ends in the source (UTF-16 index). */
  end: number;
  kind: CutKind;
}

/**
 * The best place to end a piece of `text` that starts at `from`, given how a kept piece is dressed
 * (`dress(kept, kind)`: an ellipsis and a link, a thread number…) and whether the dressed piece fits.
 */
export function bestCut(
  text: string,
  from: number,
  dress: (kept: string, kind: CutKind) => string,
  fits: Fits,
  cuts: Cuts = cutsOf(text),
): Cut | null {
  const contentStart = from + (text.slice(from).length - text.slice(from).trimStart().length);
  const keep = (end: number) => text.slice(from, end).trim();
  const fitting = (kind: CutKind) => {
    const positions = cuts[kind]().filter((p) => p > contentStart);
    const end = lastFitting(positions, (p) => fits(dress(keep(p), kind)));
    return end === null ? null : { end, kind };
  };
  const sentence = fitting("sentence");
  const word = fitting("word");
  if (sentence && (!word || keep(sentence.end).length >= SENTENCE_CUT_MIN_SHARE * keep(word.end).length)) {
    return sentence;
  }
  return word ?? fitting("grapheme");
}

const TRAILING_JOINERS = /[\s,;:\-–—]+$/u;

/** Text cut after a word reads as unfinished: end it with an ellipsis, minus any dangling comma. */
export function withEllipsis(kept: string, kind: CutKind, ellipsis: string): string {
  return kind === "sentence" ? kept : kept.replace(TRAILING_JOINERS, "") + ellipsis;
}

export interface Shortened {
  text: string;
  shortened: boolean;
  ok: boolean;
}

/**
 * `body` followed by `link`, shortened to fit: the body is cut and the link always kept (added back if
 * the cut removed it from the body). When not even the link fits, the link alone is returned, not ok.
 */
export function shortenWithLink(
  body: string,
  link: string,
  fits: Fits,
  { ellipsis = "…", separator = "\n" } = {},
): Shortened {
  const trimmed = body.trim();
  const full = trimmed.includes(link) ? trimmed : [trimmed, link].filter(Boolean).join(separator);
  if (fits(full)) return { text: full, shortened: false, ok: true };
  const dress = (kept: string, kind: CutKind) => {
    const text = withEllipsis(kept, kind, ellipsis);
    return text.includes(link) ? text : `${text}${separator}${link}`;
  };
  const cut = bestCut(trimmed, 0, dress, fits);
  if (!cut) return { text: link, shortened: true, ok: fits(link) };
  return { text: dress(trimmed.slice(0, cut.end).trim(), cut.kind), shortened: true, ok: true };
}

export interface Split {
  parts: string[];
  ok: boolean;
}

/**
 * Splits `text` into pieces that each fit once `label(index, count)` is put before them (e.g. "2/3 "),
 * at sentence or word boundaries. The label depends on the count, so the split is redone until the count
 * it assumes is the count it produces.
 */
export function splitToFit(text: string, fits: Fits, label: (index: number, count: number) => string): Split {
  const trimmed = text.trim();
  if (fits(label(1, 1) + trimmed)) return { parts: [label(1, 1) + trimmed], ok: true };
  const cuts = cutsOf(trimmed);
  let assumed = 2;
  for (let attempt = 0; attempt < 6; attempt++) {
    const pieces: string[] = [];
    let from = 0;
    let ok = true;
    while (from < trimmed.length && trimmed.slice(from).trim() !== "") {
      const prefix = label(pieces.length + 1, assumed);
      const cut = bestCut(trimmed, from, (kept) => prefix + kept, fits, cuts);
      if (!cut) {
        ok = false;
        pieces.push(prefix + trimmed.slice(from).trim());
        break;
      }
      pieces.push(prefix + trimmed.slice(from, cut.end).trim());
      from = cut.end;
    }
    if (pieces.length === assumed || !ok) return { parts: pieces, ok };
    assumed = pieces.length;
  }
  throw new Error("splitToFit: the number of parts did not settle");
}

/** `text` cut at a word boundary (or a sentence end) and ended with an ellipsis, so that it fits. */
export function truncate(text: string, fits: Fits, ellipsis = "…"): { text: string; truncated: boolean } {
  const trimmed = text.trim();
  if (fits(trimmed)) return { text: trimmed, truncated: false };
  const dress = (kept: string, kind: CutKind) =>
    withEllipsis(kept, kind === "sentence" ? "word" : kind, ellipsis);
  const cut = bestCut(trimmed, 0, dress, fits);
  return { text: cut ? dress(trimmed.slice(0, cut.end).trim(), cut.kind) : "", truncated: true };
}
