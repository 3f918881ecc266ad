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

/** Validate one record; the message names the first bad field (`lat must be a number`). */
export function parseComplaintRecord(
  value: unknown,
): { ok: true; record: ComplaintRecord } | { ok: false; message: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "is not a JSON object" };
  }
  const result = complaintRecordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  const messages = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path} ${issue.message}` : issue.message;
  });
  return { ok: false, message: messages.join("; ") };
}
