import { Tokenizer, TokenParser, TokenType } from "@streamparser/json";
import { type ChunkSource, toBytes } from "./chunks";

export type JsonArrayItem = { index: number; value: unknown };

/**
 * The body is not valid JSON. `position` is the 0-based byte offset of the offending character in the
 * body (equal to the character offset when the body is ASCII); `line` and `column` are 1-based, the
 * column counted in characters. The route answers 400 with `message`.
 */
export class MalformedJsonError extends Error {
  override readonly name = "MalformedJsonError";
  constructor(
    readonly position: number,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`malformed JSON at position ${position} (line ${line}, column ${column}): ${detail}`);
  }
}

/**
 * A JSON body, streamed with @streamparser/json: each element of a top-level array is yielded as soon as
 * it is complete, and forgotten once yielded, so memory stays flat however long the array.
 *
 * A body whose top-level value is an object is accepted as ONE record (`index: 0`): clients that send
 * a single complaint should not have to wrap it in an array. Any other top-level value (a string, a
 * number) is yielded as it is, for record validation to reject as "is not a JSON object".
 *
 * Malformed JSON — including an empty body and anything but whitespace after the top-level value —
 * throws MalformedJsonError from the iteration after the elements before the error were yielded.
 */
export async function* parseJsonArray(chunks: ChunkSource): AsyncGenerator<JsonArrayItem> {
  const parser = new StreamingJson();
  let index = 0;
  for await (const chunk of chunks) {
    for (const value of parser.write(toBytes(chunk))) yield { index: index++, value };
    parser.throwIfFailed();
  }
  for (const value of parser.end()) yield { index: index++, value };
  parser.throwIfFailed();
}

/**
 * Where `text` (one JSON document) goes wrong, by the same parser, or null if it finds nothing wrong.
 * Used to give NDJSON line errors a column when V8's message has none.
 */
export function locateJsonError(text: string): { position: number; line: number; column: number } | null {
  const parser = new StreamingJson({ emitValues: false });
  try {
    parser.write(new TextEncoder().encode(text));
    parser.throwIfFailed();
    parser.end();
    parser.throwIfFailed();
    return null;
  } catch (err) {
    if (err instanceof MalformedJsonError)
      return { position: err.position, line: err.line, column: err.column };
    throw err;
  }
}

type Failure = { position: number; detail: string };

const LEFT_BRACKET: TokenType = TokenType.LEFT_BRACKET;
const AFTER_END =
  "unexpected content after the end of the JSON value (for one record per line, send Content-Type: application/x-ndjson)";
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const isWhitespace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Tokenizer + token parser wired by hand (rather than the library's JSONParser) so that every token's
 * byte offset is seen: the token parser's errors carry no position of their own. The tokenizer is left
 * running after the top-level value ends, so trailing garbage is caught with its position.
 */
class StreamingJson {
  private readonly tokenizer: Tokenizer;
  private tokenParser: TokenParser | null = null;
  private readonly emitValues: boolean;
  private out: unknown[] = [];
  private failure: Failure | null = null;
  private started = false; // a byte other than whitespace or the BOM has been seen
  private ended = false; // the top-level value is complete
  private ending = false; // end() was called: a complaint now means the input stopped too early
  private offset = 0; // bytes written so far
  private readonly lines = new LineTracker();
  private currentTokenOffset = 0;

  constructor(opts: { emitValues?: boolean } = {}) {
    this.emitValues = opts.emitValues ?? true;
    // byte buffers for strings and numbers: ~20% faster than growing JS strings
    this.tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024, numberBufferSize: 64 });
    this.tokenizer.onToken = (token) => {
      this.currentTokenOffset = token.offset;
      if (!this.tokenParser) this.tokenParser = this.createTokenParser(token.token);
      this.tokenParser.write(token);
    };
    this.tokenizer.onError = (err) => {
      if (this.failure) return;
      if (this.ending) {
        this.failure = { position: this.offset, detail: "unexpected end of input" };
        return;
      }
      const position = Number(/absolute position "(\d+)"/.exec(err.message)?.[1] ?? this.offset);
      const char = /^Unexpected "(.*)" at chunk position/s.exec(err.message)?.[1];
      this.failure = {
        position,
        detail: this.ended
          ? AFTER_END
          : char !== undefined
            ? `unexpected character ${JSON.stringify(char)}`
            : describeLibraryError(err.message),
      };
    };
  }

  private createTokenParser(first: TokenType): TokenParser {
    // `[` at the top: emit each element as it completes. Anything else: emit the top-level value.
    const isArray = first === LEFT_BRACKET;
    const parser = new TokenParser({ paths: [isArray ? "$.*" : "$"], keepStack: false });
    parser.onValue = ({ value }) => {
      if (this.emitValues) this.out.push(value);
    };
    parser.onError = (err) => {
      if (!this.failure) {
        const token = /\("(.*)"\) in state/s.exec(err.message)?.[1];
        this.failure = this.ending
          ? { position: this.offset, detail: "unexpected end of input" }
          : {
              position: this.currentTokenOffset,
              detail: this.ended
                ? AFTER_END
                : token !== undefined
                  ? `unexpected ${JSON.stringify(token)}`
                  : describeLibraryError(err.message),
            };
      }
      this.tokenizer.error(err);
    };
    parser.onEnd = () => {
      this.ended = true;
    };
    return parser;
  }

  write(bytes: Uint8Array): unknown[] {
    if (this.failure) return [];
    this.lines.push(bytes, this.offset);
    if (!this.started) {
      for (let i = 0; i < bytes.byteLength && !this.started; i++) {
        const b = bytes[i];
        const at = this.offset + i;
        this.started = !isWhitespace(b) && !(at < 3 && b === UTF8_BOM[at]);
      }
    }
    this.tokenizer.write(bytes);
    this.offset += bytes.byteLength;
    return this.drain();
  }

  end(): unknown[] {
    if (!this.failure && !this.ended) {
      this.ending = true;
      if (!this.started) this.failure = { position: this.offset, detail: "the body is empty" };
      else {
        this.tokenizer.end();
        if (!this.failure && !this.ended) this.tokenParser?.end();
        if (!this.failure && !this.ended)
          this.failure = { position: this.offset, detail: "unexpected end of input" };
      }
    } else if (!this.failure) {
      this.ending = true;
      this.tokenizer.end();
    }
    return this.drain();
  }

  /** The values completed by the last write or end, in order (those before an error included). */
  private drain(): unknown[] {
    const values = this.out;
    this.out = [];
    return values;
  }

  throwIfFailed() {
    if (!this.failure) return;
    const { line, column } = this.lines.locate(this.failure.position);
    throw new MalformedJsonError(this.failure.position, line, column, this.failure.detail);
  }
}

function describeLibraryError(message: string): string {
  if (/ended in (the middle|mid-parsing)/.test(message)) return "unexpected end of input";
  return message.replace(/\s+/g, " ").slice(0, 200);
}

const KEEP_BYTES = 256 * 1024;
const KEEP_CHUNKS = 4096;

/**
 * Maps a byte offset to line and column. It keeps the line/column at the start of each recent chunk
 * and the bytes of the recent chunks (at least the last 256 KiB, and at most 4096 chunks), which is
 * where an error position points: at the current token. The start of a token longer than that (a
 * record's text is at most 20,000 characters) is placed at the start of the oldest chunk kept.
 */
class LineTracker {
  private chunks: { start: number; bytes: Uint8Array; line: number; column: number }[] = [];
  private kept = 0;
  private line = 1;
  private column = 1;

  push(bytes: Uint8Array, start: number) {
    this.chunks.push({ start, bytes, line: this.line, column: this.column });
    this.kept += bytes.byteLength;
    for (let i = 0; i < bytes.byteLength; i++) {
      const b = bytes[i];
      if (b === 0x0a) {
        this.line++;
        this.column = 1;
      } else if (start + i < 3 && b === UTF8_BOM[start + i]) {
        // a BOM is not a column an editor shows
      } else if ((b & 0xc0) !== 0x80) this.column++; // count characters, not continuation bytes
    }
    while (
      this.chunks.length > 2 &&
      (this.kept - this.chunks[0].bytes.byteLength >= KEEP_BYTES || this.chunks.length > KEEP_CHUNKS)
    ) {
      this.kept -= this.chunks[0].bytes.byteLength;
      this.chunks.shift();
    }
  }

  locate(position: number): { line: number; column: number } {
    let chunk = this.chunks[0];
    for (const c of this.chunks) if (c.start <= position) chunk = c;
    if (!chunk) return { line: 1, column: 1 };
    let { line, column } = chunk;
    const end = Math.min(position - chunk.start, chunk.bytes.byteLength);
    for (let i = 0; i < end; i++) {
      const b = chunk.bytes[i];
      const at = chunk.start + i;
      if (b === 0x0a) {
        line++;
        column = 1;
      } else if (at < 3 && b === UTF8_BOM[at]) {
        // not a column
      } else if ((b & 0xc0) !== 0x80) column++;
    }
    if (position > chunk.start + chunk.bytes.byteLength) {
      // past the end of everything written: the error is "unexpected end"
      return { line: this.line, column: this.column };
    }
    return { line, column };
  }
}
