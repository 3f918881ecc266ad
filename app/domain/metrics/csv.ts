import type { ChannelReliability } from "./summaries";
import type { IncidentLine, TrendRow, WorkloadRow } from "./trends";

/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted when it holds a
 * comma, a double quote, a CR or an LF, and a double quote inside a quoted field written twice. Text that
 * a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a CR: an incident titled
 * "=HYPERLINK(…)") is prefixed with an apostrophe (OWASP's CSV injection advice); numbers are written as
 * they are, so a negative number stays a number.
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

// ——— The /metrics tables as CSV ———

export const CSV_TABLES = ["incidents", "trends", "channels", "workload"] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One of /metrics' tables as CSV: units in the column names, times in ISO 8601 UTC, shares 0–1. */
export function metricsCsv(
  table: CsvTable,
  o: {
    incidents: readonly IncidentLine[];
    trends: readonly TrendRow[];
    channels: readonly ChannelReliability[];
    workload: readonly WorkloadRow[];
  },
): string {
  switch (table) {
    case "incidents":
      return toCsv(
        [
          "incident_id",
          "title",
          "severity",
          "state",
          "started_at",
          "resolved_at",
          "updates_published",
          "time_to_first_update_min",
          "promises_judged",
          "promises_kept",
          "cadence_kept_share",
          "complaints",
          "answered",
          "coverage_share",
          "median_first_reply_min",
        ],
        o.incidents.map((l) => [
          l.id,
          l.title,
          l.severity,
          l.state,
          iso(l.startedAt),
          iso(l.resolvedAt),
          l.updates,
          l.timeToFirstUpdateMinutes,
          l.promisesJudged,
          l.promisesKept,
          l.cadenceKept,
          l.complaints,
          l.answered,
          l.coverage,
          l.medianFirstReplyMinutes,
        ]),
      );
    case "trends":
      return toCsv(
        [
          "month",
          "severity",
          "incidents",
          "median_time_to_first_update_min",
          "incidents_without_update",
          "promises_judged",
          "cadence_kept_share",
          "complaints",
          "coverage_share",
        ],
        o.trends.map((r) => [
          r.month,
          r.severity,
          r.incidents,
          r.medianTimeToFirstUpdateMinutes,
          r.withoutUpdate,
          r.promisesJudged,
          r.cadenceKept,
          r.complaints,
          r.coverage,
        ]),
      );
    case "channels":
      return toCsv(
        [
          "purpose",
          "channel",
          "sent",
          "failed",
          "unknown",
          "pending",
          "cancelled",
          "success_share",
          "median_seconds_to_send",
        ],
        o.channels.map((c) => [
          c.purpose,
          c.channel,
          c.sent,
          c.failed,
          c.unknown,
          c.pending,
          c.cancelled,
          c.successRate,
          c.medianLatencySeconds,
        ]),
      );
    case "workload":
      return toCsv(
        [
          "user_id",
          "name",
          "replies",
          "sends",
          "incidents_replied_in",
          "median_reply_min",
          "updates_written",
          "updates_approved",
        ],
        o.workload.map((w) => [
          w.userId,
          w.name,
          w.replies,
          w.sends,
          w.incidents,
          w.medianReplyMinutes,
          w.updatesAuthored,
          w.updatesApproved,
        ]),
      );
  }
}
