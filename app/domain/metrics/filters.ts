import { z } from "zod";
import { SEVERITIES } from "~db/schema/enums";

/**
 * The filters of /metrics and its CSV export, from the query string: a period (`from` and `to`, whole UTC
 * days, both included), a region code and a severity. Empty values mean "any"; the period defaults to the
 * last 365 days. Bad values are refused with a message per field, never silently dropped: a CSV that
 * quietly ignored `severity=SEV9` would be a wrong answer.
 */

const DAY_MS = 86_400_000;
export const DEFAULT_PERIOD_DAYS = 365;
export const MAX_PERIOD_DAYS = 3 * 366;

const day = (field: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} must be a date written YYYY-MM-DD, e.g. 2026-11-02`)
    .refine(
      (v) =>
        !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
      {
        message: `${field} is not a real date`,
      },
    );

export const metricsFilterSchema = z
  .object({
    from: day("The start date").optional(),
    to: day("The end date").optional(),
    region: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9-]{1,16}$/, "A region is a code such as CA or NV")
      .optional(),
    severity: z.enum(SEVERITIES, { message: `Severity must be one of ${SEVERITIES.join(", ")}` }).optional(),
  })
  .strip();

export interface MetricsFilter {
  /** Inclusive start and exclusive end, ms (UTC midnights). */
  from: number;
  to: number;
  fromDay: string;
  toDay: string;
  region: string | null;
  severity: (typeof SEVERITIES)[number] | null;
}

export type FilterResult =
  | { ok: true; filter: MetricsFilter }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function parseMetricsFilter(params: URLSearchParams, now: number): FilterResult {
  const values: Record<string, string> = {};
  for (const key of ["from", "to", "region", "severity"]) {
    const v = params.get(key)?.trim();
    if (v) values[key] = v;
  }
  const parsed = metricsFilterSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "_form")] ??= issue.message;
    return { ok: false, errors, values };
  }
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const to = parsed.data.to ? Date.parse(`${parsed.data.to}T00:00:00Z`) + DAY_MS : today + DAY_MS;
  const from = parsed.data.from
    ? Date.parse(`${parsed.data.from}T00:00:00Z`)
    : to - DEFAULT_PERIOD_DAYS * DAY_MS;
  if (from >= to) {
    return { ok: false, errors: { from: "The start date must be on or before the end date" }, values };
  }
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) {
    return {
      ok: false,
      errors: { from: `Choose a period of at most ${MAX_PERIOD_DAYS} days` },
      values,
    };
  }
  return {
    ok: true,
    filter: {
      from,
      to,
      fromDay: isoDay(from),
      toDay: isoDay(to - DAY_MS),
      region: parsed.data.region ?? null,
      severity: parsed.data.severity ?? null,
    },
  };
}

/** The filter as query parameters (for links to the CSV export with the same filters). */
export function filterQuery(f: MetricsFilter): string {
  const p = new URLSearchParams({ from: f.fromDay, to: f.toDay });
  if (f.region) p.set("region", f.region);
  if (f.severity) p.set("severity", f.severity);
  return p.toString();
}
