/**
 * Unicode helpers shared by the counters and the formatters. Browser-safe: Intl.Segmenter and
 * TextEncoder only, no Node built-ins, so the composer runs the same code as the server.
 */

const graphemeSegmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const utf8 = new TextEncoder();

// Between two printable ASCII characters there is always a grapheme boundary (none of them is CR, LF,
// Prepend, Extend, ZWJ or a regional indicator), so the inside of such a run needs no segmenter: walking
// Intl.Segmenter over every character costs about 10 µs each, too slow to run on every keystroke.
const PRINTABLE_ASCII_RUN = /[\x20-\x7e]{3,}/g;

function segmentInto(out: string[], text: string): void {
  for (const s of graphemeSegmenter.segment(text)) out.push(s.segment);
}

/** The grapheme clusters of `text` (UAX #29 extended grapheme clusters, as Intl.Segmenter finds them). */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const run of text.matchAll(PRINTABLE_ASCII_RUN)) {
    const innerStart = run.index + 1;
    const innerEnd = run.index + run[0].length - 1;
    segmentInto(out, text.slice(from, innerStart));
    for (let i = innerStart; i < innerEnd; i++) out.push(text[i]);
    from = innerEnd;
  }
  segmentInto(out, text.slice(from));
  return out;
}

export function graphemeCount(text: string): number {
  return graphemes(text).length;
}

/** UTF-16 indices at which a grapheme cluster ends, in order. */
export function graphemeEnds(text: string): number[] {
  const ends: number[] = [];
  let position = 0;
  for (const g of graphemes(text)) {
    position += g.length;
    ends.push(position);
  }
  return ends;
}

/** Unicode code points (what most "characters" limits count when they do not say otherwise). */
export function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function utf8ByteLength(text: string): number {
  return utf8.encode(text).length;
}

/** The UTF-8 byte offset of a UTF-16 index into `text`. */
export function utf8Offset(text: string, utf16Index: number): number {
  return utf8ByteLength(text.slice(0, utf16Index));
}

export interface TextRange {
  start: number;
  end: number;
}

/**
 * http(s) URLs as the AT Protocol reference client links them: a run of non-space characters after the
 * scheme, less one trailing sentence punctuation mark and a closing parenthesis that opens nowhere in it.
 */
export function findUrls(text: string): Array<TextRange & { url: string }> {
  const found: Array<TextRange & { url: string }> = [];
  for (const match of text.matchAll(/(^|[\s(])(https?:\/\/\S+)/gi)) {
    let url = match[2];
    const start = match.index + match[1].length;
    if (/[.,;:!?]$/.test(url)) url = url.slice(0, -1);
    if (url.endsWith(")") && !url.includes("(")) url = url.slice(0, -1);
    found.push({ start, end: start + url.length, url });
  }
  return found;
}
