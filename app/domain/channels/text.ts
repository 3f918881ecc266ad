/**
 * Unicode helpers shared by the counters and the formatters. Browser-safe: Intl.Segmenter and
 * TextEncoder only, no Node built-ins, so the composer runs the same code as the server.
 */

const graphemeSegmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const utf8 = new TextEncoder();

export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

export function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of graphemeSegmenter.segment(text)) count++;
  return count;
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
