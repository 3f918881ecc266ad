import { findUrls, type TextRange } from "./text";

/**
 * Cutting a text to fit a channel: at a sentence end when that keeps most of what fits, else after a
 * word, else between grapheme clusters; never inside a URL while a cut outside one fits. `fits` is the
 * channel's own measure, so URL weights, emoji and segment boundaries are all accounted for.
 */

export type Fits = (candidate: string) => boolean;

type CutKind = "sentence" | "word" | "grapheme";

interface Cuts {
  sentence: number[];
  word: number[];
  grapheme: number[];
}

const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });
const wordSegmenter = new Intl.Segmenter("en", { granularity: "word" });
const graphemeSegmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** A sentence cut is taken when it keeps at least this share of what a word cut would keep. */
const SENTENCE_CUT_MIN_SHARE = 0.5;

function insideAny(position: number, ranges: TextRange[]): boolean {
  return ranges.some((r) => position > r.start && position < r.end);
}

function segmentEnds(text: string, segmenter: Intl.Segmenter, wordLikeOnly = false): number[] {
  const ends: number[] = [];
  for (const s of segmenter.segment(text)) {
    if (wordLikeOnly && !s.isWordLike) continue;
    ends.push(s.index + s.segment.length);
  }
  return ends;
}

function cutsOf(text: string): Cuts {
  const urls = findUrls(text);
  const outsideUrls = (p: number) => !insideAny(p, urls);
  return {
    sentence: segmentEnds(text, sentenceSegmenter).filter(outsideUrls),
    // Word ends, plus URL ends: the URL's own last "word" may sit inside it.
    word: [...new Set([...segmentEnds(text, wordSegmenter, true), ...urls.map((u) => u.end)])]
      .filter(outsideUrls)
      .sort((a, b) => a - b),
    grapheme: segmentEnds(text, graphemeSegmenter),
  };
}

/** The last cut in `positions` (ascending) for which `fits` holds; measures are monotone in the prefix. */
function lastFitting(positions: number[], fits: (position: number) => boolean): number | null {
  let low = 0;
  let high = positions.length - 1;
  let best: number | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (fits(positions[middle])) {
      best = positions[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
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
  const keep = (end: number) => text.slice(from, end).trim();
  const fitting = (kind: CutKind) => {
    const positions = cuts[kind].filter((p) => p > from && keep(p) !== "");
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
      const rest = trimmed.slice(from).trim();
      if (fits(prefix + rest)) {
        pieces.push(prefix + rest);
        break;
      }
      const cut = bestCut(trimmed, from, (kept) => prefix + kept, fits, cuts);
      if (!cut) {
        ok = false;
        pieces.push(prefix + rest);
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
