import { z } from "zod";

/**
 * The complaint record (★ contract in DESIGN.md): API body item, NDJSON line, CSV row, or what a
 * webhook mapper produces. `source`, `text` and `createdAt` are required; unknown fields are allowed
 * and kept in the raw payload; a known field of the wrong type rejects the whole record.
 */
export const MAX_TEXT_LENGTH = 20_000;

const optionalText = (max: number) =>
  z
    .string({ message: "must be a string" })
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v == null || v.trim() === "" ? null : v.trim()));

export const complaintRecordSchema = z.looseObject({
  source: z
    .string({ message: 'is required (a string such as "x" or "zendesk")' })
    .trim()
    .min(1, "is required and must not be empty")
    .max(64, "must be at most 64 characters"),
  externalId: z
    .union([z.string(), z.number().int()], { message: "must be a string" })
    .nullish()
    .transform((v) => (v == null || String(v).trim() === "" ? null : String(v).trim()))
    .refine((v) => v == null || v.length <= 200, "must be at most 200 characters"),
  text: z
    .string({ message: "is required (the complaint's words)" })
    .trim()
    .min(1, "is required and must not be empty")
    .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
  createdAt: z.iso.datetime({
    offset: true,
    message: "must be an ISO 8601 date-time with a zone, e.g. 2026-11-02T14:05:00Z",
  }),
  author: z
    .looseObject({
      handle: optionalText(200),
      name: optionalText(200),
      followers: z
        .number({ message: "must be a number" })
        .int("must be a whole number")
        .min(0, "must not be negative")
        .nullish(),
    })
    .nullish(),
  lat: z
    .number({ message: "must be a number" })
    .min(-90, "must be between -90 and 90")
    .max(90, "must be between -90 and 90")
    .nullish(),
  lon: z
    .number({ message: "must be a number" })
    .min(-180, "must be between -180 and 180")
    .max(180, "must be between -180 and 180")
    .nullish(),
  location: optionalText(300),
  postalCode: z
    .union([z.string(), z.number().int()], { message: "must be a string" })
    .nullish()
    .transform((v) => (v == null || String(v).trim() === "" ? null : String(v).trim()))
    .refine((v) => v == null || v.length <= 20, "must be at most 20 characters"),
  url: optionalText(2000),
  /**
   * Amplification: the externalId (same source) of the post this one reposts or quotes — a retweet or
   * quote on X, a Mastodon reblog or quote, a Bluesky quote post (its at:// URI). Absent for originals.
   */
  repostOf: z
    .union([z.string(), z.number().int()], { message: "must be a string" })
    .nullish()
    .transform((v) => (v == null || String(v).trim() === "" ? null : String(v).trim()))
    .refine((v) => v == null || v.length <= 300, "must be at most 300 characters"),
});

export type ComplaintRecordInput = z.input<typeof complaintRecordSchema>;
export type ComplaintRecord = z.output<typeof complaintRecordSchema>;

export interface RecordRejection {
  /** 1-based line of the file (NDJSON, CSV) or 0-based array index (JSON array). */
  line?: number;
  index?: number;
  message: string;
}

/**
 * Validate one record; the message names the first bad field (`lat must be a number`).
 *
 * The zod schema above is the definition. A record that is plainly valid — every known field of the
 * expected type and within its limits — is checked and shaped by `fastParseComplaintRecord` instead, which builds the
 * same output without zod's machinery (~10× faster: at intake rates zod alone cost ~10 µs a record). Any
 * record `fastParseComplaintRecord` is not sure about goes to zod, which decides and words the error. `record.test.ts`
 * checks that both give identical output (values, keys and key order) on valid and invalid records.
 */
export function parseComplaintRecord(
  value: unknown,
): { ok: true; record: ComplaintRecord } | { ok: false; message: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "is not a JSON object" };
  }
  const fast = fastParseComplaintRecord(value as Record<string, unknown>);
  if (fast) return { ok: true, record: fast };
  const result = complaintRecordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  const messages = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path} ${issue.message}` : issue.message;
  });
  return { ok: false, message: messages.join("; ") };
}

// --- the fast path ---------------------------------------------------------------------------------

/** zod's own pattern for `createdAt` (so both paths accept exactly the same strings); null disables the fast path. */
const DATE_TIME: RegExp | null = (() => {
  const def = (complaintRecordSchema.shape.createdAt as unknown as { _zod?: { def?: { pattern?: unknown } } })
    ._zod?.def?.pattern;
  return def instanceof RegExp ? def : null;
})();

const KNOWN = new Set(Object.keys(complaintRecordSchema.shape));
const AUTHOR_KNOWN = new Set(["handle", "name", "followers"]);
/** Returned by a field check when the value is not plainly valid: zod must decide. */
const UNSURE = Symbol("unsure");

/** `optionalText(max)`: a string of at most `max` characters (before trimming) or nothing; blank → null. */
function optionalTextValue(v: unknown, max: number): string | null | typeof UNSURE {
  if (v == null) return null;
  if (typeof v !== "string" || v.length > max) return UNSURE;
  const t = v.trim();
  return t === "" ? null : t;
}

/** externalId / postalCode / repostOf: a string or a safe integer, trimmed, at most `max` characters. */
function idValue(v: unknown, max: number): string | null | typeof UNSURE {
  if (v == null) return null;
  if (typeof v !== "string" && !(typeof v === "number" && Number.isSafeInteger(v))) return UNSURE;
  const t = String(v).trim();
  if (t === "") return null;
  return t.length <= max ? t : UNSURE;
}

function requiredText(v: unknown, max: number): string | typeof UNSURE {
  if (typeof v !== "string") return UNSURE;
  const t = v.trim();
  return t.length >= 1 && t.length <= max ? t : UNSURE;
}

/** lat / lon: a finite number within ±limit, or nothing (kept as given: null or undefined). */
function coordinate(v: unknown, limit: number): number | null | undefined | typeof UNSURE {
  if (v == null) return v as null | undefined;
  return typeof v === "number" && Number.isFinite(v) && v >= -limit && v <= limit ? v : UNSURE;
}

function copyUnknown(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  known: Set<string>,
): boolean {
  for (const key of Object.keys(from)) {
    if (known.has(key)) continue;
    if (key === "__proto__") return false;
    to[key] = from[key];
  }
  return true;
}

/** The parsed record, shaped as zod shapes it, or null when zod must look at it (exported for its test). */
export function fastParseComplaintRecord(v: Record<string, unknown>): ComplaintRecord | null {
  if (!DATE_TIME) return null;
  const source = requiredText(v.source, 64);
  const externalId = idValue(v.externalId, 200);
  const text = requiredText(v.text, MAX_TEXT_LENGTH);
  const createdAt = v.createdAt;
  if (
    source === UNSURE ||
    externalId === UNSURE ||
    text === UNSURE ||
    typeof createdAt !== "string" ||
    !DATE_TIME.test(createdAt)
  ) {
    return null;
  }
  const out: Record<string, unknown> = { source, externalId, text, createdAt };
  if ("author" in v) {
    const a = v.author;
    if (a == null) out.author = a;
    else {
      if (typeof a !== "object" || Array.isArray(a)) return null;
      const author = a as Record<string, unknown>;
      const handle = optionalTextValue(author.handle, 200);
      const name = optionalTextValue(author.name, 200);
      if (handle === UNSURE || name === UNSURE) return null;
      const shaped: Record<string, unknown> = { handle, name };
      if ("followers" in author) {
        const f = author.followers;
        if (f != null && !(typeof f === "number" && Number.isSafeInteger(f) && f >= 0)) return null;
        shaped.followers = f;
      }
      if (!copyUnknown(author, shaped, AUTHOR_KNOWN)) return null;
      out.author = shaped;
    }
  }
  if ("lat" in v) {
    const lat = coordinate(v.lat, 90);
    if (lat === UNSURE) return null;
    out.lat = lat;
  }
  if ("lon" in v) {
    const lon = coordinate(v.lon, 180);
    if (lon === UNSURE) return null;
    out.lon = lon;
  }
  const location = optionalTextValue(v.location, 300);
  const postalCode = idValue(v.postalCode, 20);
  const url = optionalTextValue(v.url, 2000);
  const repostOf = idValue(v.repostOf, 300);
  if (location === UNSURE || postalCode === UNSURE || url === UNSURE || repostOf === UNSURE) return null;
  out.location = location;
  out.postalCode = postalCode;
  out.url = url;
  out.repostOf = repostOf;
  if (!copyUnknown(v, out, KNOWN)) return null;
  return out as ComplaintRecord;
}
