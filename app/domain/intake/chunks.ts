/**
 * Byte-stream plumbing shared by the intake parsers. A body or file arrives as an (async) iterable of
 * chunks — Node `Buffer`s from a request or file stream, `Uint8Array`s from a web `ReadableStream`, or
 * strings in tests. Parsers work on bytes so that positions are byte offsets whatever the chunking.
 */

export type ByteChunk = Uint8Array | string;
export type ChunkSource = AsyncIterable<ByteChunk> | Iterable<ByteChunk>;

const encoder = new TextEncoder();

/** The chunk as bytes (strings are UTF-8 encoded; byte chunks are returned as they are). */
export function toBytes(chunk: ByteChunk): Uint8Array {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

/** UTF-8 length of a chunk without encoding it (lone surrogates count as the 3 bytes of U+FFFD). */
export function byteLength(chunk: ByteChunk): number {
  if (typeof chunk !== "string") return chunk.byteLength;
  let bytes = 0;
  for (let i = 0; i < chunk.length; i++) {
    const code = chunk.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < chunk.length) {
      const next = chunk.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const isJsonWhitespace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Reads just far enough to find the first character that is not whitespace (a leading UTF-8 BOM is
 * skipped too) and hands back a source that replays everything read, so nothing is lost.
 * `first` is undefined for an empty or all-whitespace body.
 */
export async function peekFirstNonWhitespace(
  chunks: ChunkSource,
): Promise<{ first: string | undefined; chunks: AsyncIterable<Uint8Array> }> {
  const iterator = toAsyncIterator(chunks);
  const seen: Uint8Array[] = [];
  let first: string | undefined;
  let offset = 0;
  let done = false;
  while (first === undefined) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const bytes = toBytes(next.value);
    seen.push(bytes);
    for (let i = 0; i < bytes.byteLength; i++, offset++) {
      const byte = bytes[i];
      if (isJsonWhitespace(byte)) continue;
      // U+FEFF as the first three bytes of the stream
      if (offset < 3 && byte === UTF8_BOM[offset]) continue;
      first = byte < 0x80 ? String.fromCharCode(byte) : "\ufffd";
      break;
    }
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* seen;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield toBytes(next.value);
    }
  }
  return { first, chunks: replay() };
}

function toAsyncIterator(chunks: ChunkSource): AsyncIterator<ByteChunk> | Iterator<ByteChunk> {
  if (Symbol.asyncIterator in chunks) return chunks[Symbol.asyncIterator]();
  return chunks[Symbol.iterator]();
}
