/** Test helpers: feed parsers the way real streams do, in arbitrary chunks. */

const encoder = new TextEncoder();

/** The bytes of `input` cut into chunks of `size` bytes (cutting through multi-byte characters). */
export function chunked(input: string | Uint8Array, size: number): Uint8Array[] {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

/** Every chunking of interest: whole, one byte at a time, and a few awkward sizes. */
export const CHUNK_SIZES = [1, 2, 3, 5, 7, 64, 1 << 20] as const;

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Collects until the iteration throws; returns what arrived and the error (or null). */
export async function collectUntilError<T>(items: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const out: T[] = [];
  try {
    for await (const item of items) out.push(item);
  } catch (error) {
    return { items: out, error };
  }
  return { items: out, error: null };
}

/** An async source, as a request body or file stream is. */
export async function* asyncSource<T>(chunks: Iterable<T>): AsyncGenerator<T> {
  for (const chunk of chunks) yield chunk;
}
