/** Helpers for reading untrusted webhook JSON without trusting any of its shapes. */

export type Json = Record<string, unknown>;

export interface MapContext {
  /** The configured source name: every record gets it as `source`. */
  source: string;
  /** Bluesky: the repo DID and record key of a bare `app.bsky.feed.post` record. */
  did?: string;
  rkey?: string;
  /** Zendesk: ids of the custom ticket fields that hold a postal code and a place. */
  zendesk?: { postalCodeFieldId?: string | number; locationFieldId?: string | number };
}

/** What mappers report to; `index` is the item's ordinal in the payload (see MapResult). */
export interface MapSink {
  record(index: number, record: Json): void;
  error(index: number, message: string): void;
  /** `count` events (default 1) that are not complaints: deletes, likes, other event types. */
  ignore(count?: number): void;
}

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A non-empty trimmed string, from a string or a finite number; undefined otherwise. */
export function text(v: unknown): string | undefined {
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? undefined : t;
  }
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/** An id: a non-empty string, or a safe integer written as a string. Unsafe integers are refused. */
export function id(v: unknown): string | undefined {
  if (typeof v === "string") return text(v);
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

export function finiteNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * A timestamp as ISO 8601. Unix times (number or digits) are read as seconds, milliseconds or
 * microseconds by magnitude; `+0000`-style offsets (the Graph API's) get their colon; any other string
 * is passed through for record validation to judge.
 */
export function isoDate(v: unknown): string | undefined {
  if (typeof v === "number" || (typeof v === "string" && /^\d{9,17}(\.\d+)?$/.test(v.trim()))) {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n / 1000;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  const offset = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-])(\d{2})(\d{2})$/.exec(s);
  if (offset) return `${offset[1]}${offset[2]}${offset[3]}:${offset[4]}`;
  return s === "" ? undefined : s;
}

/** Drops undefined values (and an author with nothing in it) so records stay small and readable. */
export function compact(record: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (isObject(value)) {
      const inner = compact(value);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = value;
  }
  return out;
}

/** What a value is, for error messages: `null`, `an array`, `string "abc"`. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
