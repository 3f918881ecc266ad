import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import { REPORT_LIMITS, reportSchema } from "~/domain/status/inputs";
import { t } from "~/locales";
import { sha256 } from "~/utils/crypto.server";
import { fieldErrors, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { topics } from "~db/schema";
import { intakeContext } from "./enrichment.server";
import { type CommittedBatch, ingest } from "./intake.server";
import { enforceRateLimits } from "./rate-limit.server";

/**
 * "Report a problem" on the status page: an anonymous complaint with source `form`, through the one
 * intake path (validated, enriched, counted like every other complaint), so detection and the incident
 * rooms see it. Nothing identifying is stored: no IP address (rate-limit keys hold a hash of it), no
 * name; a shared location is rounded to about a kilometre.
 */

export interface ReportContext {
  db: Db;
  orgId: number;
  onCommitted?: (batch: CommittedBatch) => void | Promise<void>;
}

/** The problem types offered: the organisation's active topics, in taxonomy order. */
export async function reportTopics(db: Db, orgId: number) {
  return db
    .select({ slug: topics.slug, label: topics.label })
    .from(topics)
    .where(and(eq(topics.orgId, orgId), isNull(topics.archivedAt)))
    .orderBy(asc(topics.position));
}

export interface ReportResult {
  stored: boolean;
}

/**
 * Validate and store one report. A filled honeypot (`website`) is answered as a success and stores
 * nothing. Throws ValidationError (400, with field messages) or RateLimitedError (429, Retry-After).
 */
export async function submitReport(
  ctx: ReportContext,
  input: Record<string, unknown>,
  meta: { ip: string | null; now?: Date },
): Promise<ReportResult> {
  const now = meta.now ?? new Date();
  if (typeof input.website === "string" && input.website.trim() !== "") return { stored: false };
  const parsed = reportSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(t("report.invalid"), fieldErrors(parsed.error.issues));
  const report = parsed.data;
  const offered = await reportTopics(ctx.db, ctx.orgId);
  const topic = offered.find((o) => o.slug === report.topic);
  if (!topic)
    throw new ValidationError(t("report.invalid"), { topic: "Choose what the problem is from the list" });

  const area = report.postalCode
    ? `postal:${report.postalCode}`
    : `cell:${Math.round((report.lat ?? 0) * 10)}:${Math.round((report.lon ?? 0) * 10)}`;
  await enforceRateLimits(
    ctx.db,
    [
      { key: `report:ip:${sha256(meta.ip ?? "unknown").slice(0, 24)}`, limit: REPORT_LIMITS.perIp },
      { key: `report:area:${area}`, limit: REPORT_LIMITS.perPostalCode },
    ],
    REPORT_LIMITS.windowSeconds,
    (seconds) => t("report.tooMany", { minutes: Math.ceil(seconds / 60) }),
    now,
  );

  const intake = await intakeContext({ db: ctx.db, orgId: ctx.orgId });
  const record = {
    source: "form",
    externalId: `form-${randomUUID()}`,
    text: report.details ?? t("report.text", { problem: topic.label }),
    createdAt: now.toISOString(),
    ...(report.postalCode ? { postalCode: report.postalCode } : {}),
    ...(report.lat !== null && report.lon !== null ? { lat: report.lat, lon: report.lon } : {}),
  };
  const summary = await ingest(intake, [{ index: 0, value: record, topic: topic.slug }], {
    onCommitted: ctx.onCommitted,
  });
  if (summary.accepted !== 1) {
    throw new ValidationError(t("report.invalid"), {
      details: summary.errors[0]?.message ?? t("report.invalid"),
    });
  }
  return { stored: true };
}
