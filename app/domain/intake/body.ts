import { type ChunkSource, peekFirstNonWhitespace } from "./chunks";
import { parseJsonArray } from "./json-array";
import { API_BODY_LIMITS, limitBytes, limitRecords } from "./limits";
import { parseNdjson } from "./ndjson";

export type BodyFormat = "json-array" | "ndjson";

const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonl",
  "application/jsonlines",
  "application/x-jsonlines",
  "text/x-ndjson",
  "text/ndjson",
  "text/jsonl",
]);

/**
 * How to read a `POST /api/v1/complaints` body:
 * 1. an NDJSON media type (`application/x-ndjson`, `application/jsonl`, …) → "ndjson", whatever the body;
 * 2. a body starting with `[` → "json-array";
 * 3. a JSON media type (`application/json`, `*+json`) → "json-array" (a lone object is one record);
 * 4. otherwise (no type, `text/plain`, …) → "ndjson": a body starting with `{` is one record per line,
 *    and a one-line body is the same record either way.
 * `firstNonWhitespaceChar` is the body's first character after whitespace and any BOM (see
 * `peekFirstNonWhitespace`); undefined or "" for an empty body.
 */
export function detectBodyFormat(
  contentType: string | null | undefined,
  firstNonWhitespaceChar: string | null | undefined,
): BodyFormat {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (NDJSON_TYPES.has(mediaType)) return "ndjson";
  if (firstNonWhitespaceChar === "[") return "json-array";
  if (mediaType === "application/json" || mediaType.endsWith("+json")) return "json-array";
  return "ndjson";
}

/** One record of a body: `line` for NDJSON (1-based), `index` for a JSON array (0-based). */
export type BodyItem =
  | { line: number; index?: undefined; value: unknown }
  | { line: number; index?: undefined; error: string }
  | { index: number; line?: undefined; value: unknown };

/**
 * The whole body pipeline for `POST /api/v1/complaints`: byte limit → format detection → parser →
 * record limit. Throws IntakeLimitError (→ 413) or MalformedJsonError (→ 400) from the iteration;
 * items before the failure have already been yielded, so a route that must be all-or-nothing on those
 * errors should validate everything before it writes.
 */
export async function* parseIntakeBody(
  chunks: ChunkSource,
  opts: { contentType?: string | null; maxRecords?: number; maxBytes?: number } = {},
): AsyncGenerator<BodyItem> {
  const limited = limitBytes(chunks, opts.maxBytes ?? API_BODY_LIMITS.maxBytes);
  const { first, chunks: body } = await peekFirstNonWhitespace(limited);
  const format = detectBodyFormat(opts.contentType, first);
  const items: AsyncIterable<BodyItem> = format === "json-array" ? parseJsonArray(body) : parseNdjson(body);
  yield* limitRecords(items, opts.maxRecords ?? API_BODY_LIMITS.maxRecords);
}
