import { type ChunkSource, toBytes } from "./chunks";
import { locateJsonError } from "./json-array";

export type NdjsonItem = { line: number; value: unknown } | { line: number; error: string };

export interface NdjsonOptions {
  /** A line longer than this is reported as an error and skipped without being held in memory. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Newline-delimited JSON, streamed. Lines end with LF or CRLF and are numbered from 1 counting every
 * line of the input (blank ones included), so `line` is what an editor shows. Blank or whitespace-only
 * lines are skipped. A UTF-8 BOM before line 1 is ignored. A line that is not valid UTF-8 or not valid
 * JSON becomes an error item and parsing goes on with the next line. The last line needs no newline.
 *
 * Splitting happens on bytes (0x0A never occurs inside a multi-byte UTF-8 sequence), so a character
 * split across chunks is reassembled before its line is decoded. Memory is bounded by the longest line.
 */
export async function* parseNdjson(
  chunks: ChunkSource,
  options: NdjsonOptions = {},
): AsyncGenerator<NdjsonItem> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  // The start of the current line when it began in an earlier chunk (copied: a caller may reuse its
  // buffer once asked for the next chunk). Kept as parts and joined once, so a line arriving in many
  // small chunks costs linear time.
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let line = 1;
  let oversized = false; // the current line went past maxLineBytes: its bytes are being dropped

  const finish = (tail: Uint8Array): NdjsonItem | null => {
    const tooLong = oversized || partBytes + tail.byteLength > maxLineBytes;
    const bytes =
      tooLong || parts.length === 0 ? tail : joinParts([...parts, tail], partBytes + tail.byteLength);
    parts = [];
    partBytes = 0;
    oversized = false;
    if (tooLong) return { line, error: `line is longer than ${maxLineBytes} bytes` };
    return parseLine(bytes, line, decoder);
  };

  for await (const chunk of chunks) {
    const bytes = toBytes(chunk);
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(NEWLINE, start);
      if (nl === -1) break;
      const item = finish(bytes.subarray(start, nl));
      if (item) yield item;
      line++;
      start = nl + 1;
    }
    if (start < bytes.byteLength && !oversized) {
      const rest = bytes.subarray(start);
      if (partBytes + rest.byteLength > maxLineBytes) {
        oversized = true;
        parts = [];
        partBytes = 0;
      } else {
        parts.push(rest.slice());
        partBytes += rest.byteLength;
      }
    }
  }
  if (partBytes > 0 || oversized) {
    const item = finish(new Uint8Array(0));
    if (item) yield item;
  }
}

function joinParts(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function parseLine(bytes: Uint8Array, line: number, decoder: TextDecoder): NdjsonItem | null {
  let end = bytes.byteLength;
  if (end > 0 && bytes[end - 1] === CR) end--;
  let text: string;
  try {
    text = decoder.decode(end === bytes.byteLength ? bytes : bytes.subarray(0, end));
  } catch {
    return { line, error: "line is not valid UTF-8 text" };
  }
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (isBlank(text)) return null;
  try {
    return { line, value: JSON.parse(text) };
  } catch (err) {
    return { line, error: describeJsonError(text, err) };
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/**
 * `malformed JSON at column 8: Expected double-quoted property name`. V8's own message is kept (minus
 * its position and its echo of the input); the column (1-based, in characters) comes from locating the
 * error with the streaming parser, since V8 does not give a position for every kind of error.
 */
export function describeJsonError(text: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const reason = raw
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/, ".*" is not valid JSON$/s, "")
    .replace(/ is not valid JSON$/s, "")
    .slice(0, 200);
  const where = locateJsonError(text);
  return where ? `malformed JSON at column ${where.column}: ${reason}` : `malformed JSON: ${reason}`;
}
