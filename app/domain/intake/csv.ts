import { type CsvError, parse } from "csv-parse";
import type { ChunkSource } from "./chunks";

export type CsvItem = { line: number; value: Record<string, unknown> } | { line: number; error: string };

export interface CsvOptions {
  /** A record longer than this (in bytes) stops the parse: almost always an unclosed quote. */
  maxRecordBytes?: number;
}

export const DEFAULT_MAX_CSV_RECORD_BYTES = 1024 * 1024;

/**
 * Columns converted to numbers when the cell is a plain decimal number; any other text is kept as it
 * is, so that validation reports `lat must be a number` instead of the value silently vanishing.
 * Everything else stays a string (`externalId` "1900000000000000001" must not lose digits, `postalCode`
 * "02134" must keep its zero).
 */
export const CSV_NUMERIC_COLUMNS: ReadonlySet<string> = new Set(["lat", "lon", "author.followers"]);

/** The record contract's column names, matched case-insensitively (`CreatedAt`, `AUTHOR.HANDLE`). */
const KNOWN_COLUMNS = [
  "source",
  "externalId",
  "text",
  "createdAt",
  "author.handle",
  "author.name",
  "author.followers",
  "lat",
  "lon",
  "location",
  "postalCode",
  "url",
  "repostOf",
];
const KNOWN_BY_LOWER = new Map(KNOWN_COLUMNS.map((name) => [name.toLowerCase(), name]));
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Column = { index: number; name: string; path: string[] };

/**
 * CSV with a header row, streamed with csv-parse (RFC 4180: `,` separated, `"` quoted, `""` for a quote
 * inside quotes, fields may hold commas and newlines; LF or CRLF; a UTF-8 BOM is ignored).
 *
 * - The header names the columns: those of the record contract (`source`, `text`, `createdAt`, …),
 *   with the nested author as `author.handle`, `author.name`, `author.followers`. Any dotted name nests
 *   the same way (`meta.shift` → `{ meta: { shift } }`); unknown columns are kept. A column with an
 *   empty name is ignored. A duplicate or conflicting name (`author` beside `author.name`) stops the
 *   parse with an error on the header's line, since no row could be read unambiguously.
 * - An empty cell (or only spaces) is absent from the record; a row whose cells are all empty is
 *   skipped like a blank line. A row may have fewer cells than the header (the rest are absent); more
 *   non-empty cells than the header is an error for that row.
 * - `line` is the line of the file on which the record STARTS (header on line 1 → first row on line 2;
 *   a row whose quoted field spans lines 4–6 is line 4; the row after it is line 7).
 * - A stray quote inside a field is kept literally (`5" pipe` stays `5" pipe`). A quote that is never
 *   closed, or a record over `maxRecordBytes`, is reported on the line where that record starts and ends
 *   the parse (the rest of the file cannot be split into records reliably): the error says so.
 */
export async function* parseCsv(chunks: ChunkSource, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_CSV_RECORD_BYTES;
  const queue: CsvItem[] = [];
  let columns: Column[] | null = null;
  let stop = false;
  let lastRecordEnd = 0; // file line on which the last record (or header) ended
  let emptyLinesAtLastRecord = 0;

  const onRecord = (fields: string[], info: { lines: number; empty_lines: number }): null => {
    if (stop) return null;
    let newlines = 0;
    for (const field of fields)
      for (let i = field.indexOf("\n"); i !== -1; i = field.indexOf("\n", i + 1)) newlines++;
    const line = info.lines - newlines;
    lastRecordEnd = info.lines;
    emptyLinesAtLastRecord = info.empty_lines;
    if (fields.every((f) => f.trim() === "")) return null;
    if (!columns) {
      const result = readHeader(fields);
      if ("error" in result) {
        queue.push({ line, error: `header: ${result.error}` });
        stop = true;
      } else columns = result.columns;
      return null;
    }
    queue.push(toItem(fields, columns, line));
    return null;
  };

  const onSkip = (err: CsvError | undefined) => {
    if (stop || !err) return undefined;
    // The failing record starts after the last one read and the blank lines since.
    const emptySince = Number(err.empty_lines ?? emptyLinesAtLastRecord) - emptyLinesAtLastRecord;
    const line = lastRecordEnd + 1 + Math.max(0, emptySince);
    if (err.code === "CSV_QUOTE_NOT_CLOSED") {
      queue.push({ line, error: "a quoted field is never closed; the rest of the file could not be read" });
      stop = true;
    } else if (err.code === "CSV_MAX_RECORD_SIZE") {
      queue.push({
        line,
        error: `record is longer than ${maxRecordBytes} bytes (an unclosed quote?); the rest of the file was not read`,
      });
      stop = true;
    } else {
      queue.push({ line, error: `unreadable CSV row: ${err.message}` });
      lastRecordEnd = Number(err.lines ?? lastRecordEnd);
    }
    return undefined;
  };

  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordBytes,
    on_record: onRecord,
    on_skip: onSkip,
  });
  let failure: unknown = null;
  parser.on("error", (err) => {
    failure ??= err;
  });
  parser.resume(); // nothing is pushed (on_record returns null), but let the readable side end

  const write = (chunk: Uint8Array | string) =>
    new Promise<void>((resolve) => {
      parser.write(
        typeof chunk === "string" ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        () => resolve(),
      );
    });

  try {
    for await (const chunk of chunks) {
      await write(chunk);
      if (failure) throw failure;
      yield* queue.splice(0);
      if (stop) return;
    }
    await new Promise<void>((resolve) => parser.end(() => resolve()));
    if (failure) throw failure;
    yield* queue.splice(0);
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
}

function readHeader(fields: string[]): { columns: Column[] } | { error: string } {
  const columns: Column[] = [];
  const seen = new Map<string, string>();
  for (let index = 0; index < fields.length; index++) {
    const raw = fields[index].trim();
    if (raw === "") continue;
    const name = KNOWN_BY_LOWER.get(raw.toLowerCase()) ?? raw;
    const path = name.split(".");
    if (path.some((segment) => segment === "" || FORBIDDEN_SEGMENTS.has(segment))) {
      return { error: `column ${index + 1} has an unusable name ${JSON.stringify(raw)}` };
    }
    if (seen.has(name)) return { error: `column ${JSON.stringify(raw)} appears twice` };
    // `author` and `author.name` cannot both be columns: one is a value, the other needs an object.
    for (const other of seen.keys()) {
      if (other.startsWith(`${name}.`) || name.startsWith(`${other}.`)) {
        return { error: `columns ${JSON.stringify(seen.get(other))} and ${JSON.stringify(raw)} conflict` };
      }
    }
    seen.set(name, raw);
    columns.push({ index, name, path });
  }
  if (columns.length === 0) return { error: "the header row names no columns" };
  return { columns };
}

function toItem(fields: string[], columns: Column[], line: number): CsvItem {
  const width = columns[columns.length - 1].index + 1;
  for (let i = width; i < fields.length; i++) {
    if (fields[i].trim() !== "") {
      return { line, error: `row has ${fields.length} fields but the header has ${width} columns` };
    }
  }
  const value: Record<string, unknown> = {};
  for (const column of columns) {
    const cell = fields[column.index];
    if (cell === undefined || cell.trim() === "") continue;
    let v: unknown = cell;
    if (CSV_NUMERIC_COLUMNS.has(column.name) && NUMBER.test(cell.trim())) v = Number(cell.trim());
    setPath(value, column.path, v);
  }
  return { line, value };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const existing = node[path[i]];
    if (existing === undefined) {
      const child: Record<string, unknown> = {};
      node[path[i]] = child;
      node = child;
    } else node = existing as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
