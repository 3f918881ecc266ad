import { type ByteChunk, byteLength, type ChunkSource } from "./chunks";

/** `POST /api/v1/complaints` limits (DESIGN.md): more than either is answered with 413. */
export const API_BODY_LIMITS = { maxRecords: 50_000, maxBytes: 10 * 1024 * 1024 } as const;

/**
 * Thrown (from the iteration) as soon as a body goes past a limit; the route maps it to 413. Items
 * already yielded before it are within the limit; the one that crossed it is never yielded.
 */
export class IntakeLimitError extends Error {
  override readonly name = "IntakeLimitError";
  constructor(
    readonly limit: "records" | "bytes",
    readonly max: number,
  ) {
    super(
      limit === "records"
        ? `too many records: at most ${max.toLocaleString("en-US")} are accepted in one request`
        : `body too large: at most ${max.toLocaleString("en-US")} bytes are accepted in one request`,
    );
  }
}

/** Passes chunks through, throwing IntakeLimitError("bytes") once more than `maxBytes` have arrived. */
export async function* limitBytes(chunks: ChunkSource, maxBytes: number): AsyncGenerator<ByteChunk> {
  let total = 0;
  for await (const chunk of chunks) {
    total += byteLength(chunk);
    if (total > maxBytes) throw new IntakeLimitError("bytes", maxBytes);
    yield chunk;
  }
}

/**
 * Passes parsed items through (records and per-line errors alike: each is a record someone sent),
 * throwing IntakeLimitError("records") when item number `maxRecords + 1` arrives. Blank NDJSON lines
 * are not items, so they do not count.
 */
export async function* limitRecords<T>(items: AsyncIterable<T>, maxRecords: number): AsyncGenerator<T> {
  let count = 0;
  for await (const item of items) {
    count++;
    if (count > maxRecords) throw new IntakeLimitError("records", maxRecords);
    yield item;
  }
}
