import { and, eq, sql } from "drizzle-orm";
import {
  authorKey,
  bucketStart,
  hourStart,
  looksLikeRepost,
  textFingerprint,
} from "~/domain/counting/counting";
import { type ComplaintRecord, parseComplaintRecord } from "~/domain/intake/record";
import type { Db } from "~db/client.server";
import { queryRows } from "~db/client.server";
import { sources } from "~db/schema";
import { UNKNOWN_REGION } from "~db/schema/enums";
import type { Enricher, Enrichment } from "./enrichment.server";

/**
 * The one intake path. Every source (API, webhooks, CLI import, the report form, the demo feed) hands
 * parsed items here: each is validated, deduplicated by (source, externalId), enriched with region, topic
 * and sentiment, and written with the 5-minute counts in batches, one transaction per batch.
 */

/** A parsed item from any reader: a value to validate, or a parse error, with where it came from. */
export interface IntakeItem {
  line?: number;
  index?: number;
  value?: unknown;
  error?: string;
}

export interface ImportError {
  line?: number;
  index?: number;
  message: string;
}

export interface ImportSummary {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: ImportError[];
}

export interface IntakeOptions {
  /** The configured inbound source (webhooks), for its counters. */
  sourceId?: number | null;
  /** Override the record's `source` (CLI `--source`, a webhook source's name). */
  sourceName?: string;
  batchSize?: number;
  /** Error details kept in the summary (all rejections are still counted). */
  maxErrors?: number;
  onProgress?: (progress: {
    processed: number;
    accepted: number;
    duplicates: number;
    rejected: number;
  }) => void;
  /** Called after each committed batch (live updates, detection). */
  onCommitted?: (batch: CommittedBatch) => void | Promise<void>;
}

export interface CommittedBatch {
  orgId: number;
  inserted: number;
  /** Bucket starts (ms) whose counts changed. */
  buckets: number[];
}

export interface IntakeContext {
  db: Db;
  orgId: number;
  enricher: Enricher;
}

export const DEFAULT_BATCH_SIZE = 2000;
export const DEFAULT_MAX_ERRORS = 1000;

/** Networks where identical long texts from different accounts are copies of one post. */
const SOCIAL_SOURCES = new Set([
  "x",
  "twitter",
  "facebook",
  "mastodon",
  "bluesky",
  "threads",
  "instagram",
  "reddit",
  "tiktok",
]);

interface PreparedRow {
  id: number;
  record: ComplaintRecord;
  /** The record as received (what `export` gives back), with the source override applied. */
  raw: Record<string, unknown>;
  enrichment: Enrichment;
  createdMs: number;
  /** Amplification key: `ref:<source>:<id>` for declared reposts, the text fingerprint for social copies. */
  ampKey: string | null;
  author: string | null;
}

export async function ingest(
  ctx: IntakeContext,
  items: AsyncIterable<IntakeItem> | Iterable<IntakeItem>,
  options: IntakeOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const summary: ImportSummary = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  let processed = 0;
  let pending: Promise<void> | null = null;
  let batch: BatchEntry[] = [];
  const seenInBatch = new Set<string>();

  const reject = (item: IntakeItem, message: string) => {
    summary.rejected++;
    if (summary.errors.length < maxErrors) {
      summary.errors.push(
        item.line !== undefined ? { line: item.line, message } : { index: item.index, message },
      );
    }
  };

  // Validation and enrichment of the next batch overlap with the database writing the previous one.
  const flush = async () => {
    if (pending) await pending;
    pending = null;
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    seenInBatch.clear();
    pending = writeBatch(ctx, rows, options).then((result) => {
      summary.accepted += result.inserted;
      summary.duplicates += result.duplicates;
      options.onProgress?.({ processed, ...counts(summary) });
    });
  };

  for await (const item of items) {
    processed++;
    if (item.error !== undefined) {
      reject(item, item.error);
      continue;
    }
    const value =
      options.sourceName && item.value && typeof item.value === "object" && !Array.isArray(item.value)
        ? { ...(item.value as Record<string, unknown>), source: options.sourceName }
        : item.value;
    const parsed = parseComplaintRecord(value);
    if (!parsed.ok) {
      reject(item, parsed.message);
      continue;
    }
    const record = parsed.record;
    if (record.externalId) {
      const key = `${record.source}\u0000${record.externalId}`;
      if (seenInBatch.has(key)) {
        summary.duplicates++;
        continue;
      }
      seenInBatch.add(key);
    }
    batch.push({ record, raw: value as Record<string, unknown>, enrichment: ctx.enricher.enrich(record) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (pending) await pending;
  options.onProgress?.({ processed, ...counts(summary) });
  if (options.sourceId) await recordSourceStats(ctx, options.sourceId, summary);
  return summary;
}

function counts(s: ImportSummary) {
  return { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected };
}

interface BatchEntry {
  record: ComplaintRecord;
  raw: Record<string, unknown>;
  enrichment: Enrichment;
}

async function writeBatch(
  ctx: IntakeContext,
  batch: BatchEntry[],
  options: IntakeOptions,
): Promise<{ inserted: number; duplicates: number }> {
  const { orgId } = ctx;
  const result = await ctx.db.transaction(async (tx) => {
    // Ids are drawn first so RETURNING maps inserted rows back to records exactly.
    const ids = await queryRows<{ id: number }>(
      tx,
      sql`select nextval(pg_get_serial_sequence('complaints', 'id'))::bigint as id from generate_series(1, ${batch.length})`,
    );
    const rows: PreparedRow[] = batch.map(({ record, raw, enrichment }, i) => {
      const createdMs = Date.parse(record.createdAt);
      const repostOf = typeof record.repostOf === "string" ? record.repostOf : null;
      const social = SOCIAL_SOURCES.has(record.source.toLowerCase());
      const ampKey = repostOf
        ? `ref:${record.source}:${repostOf}`
        : social || looksLikeRepost(record.text)
          ? textFingerprint(record.text)
          : null;
      return {
        id: Number(ids[i].id),
        record,
        raw,
        enrichment,
        createdMs,
        ampKey,
        author: authorKey(record.source, record.author),
      };
    });

    const amplifies = await findAmplified(tx, orgId, rows);
    const inserted = await insertComplaints(tx, orgId, rows, amplifies, options.sourceId ?? null);
    const insertedRows = rows.filter((r) => inserted.has(r.id));
    const repeatAuthors = await claimAuthors(
      tx,
      orgId,
      insertedRows.filter((r) => !amplifies.has(r.id)),
    );
    if (repeatAuthors.length > 0) {
      await tx.execute(
        sql`update complaints set counted = false where id = any(${pgArray(repeatAuthors, "bigint")})`,
      );
    }
    const buckets = await addCounts(tx, orgId, insertedRows, amplifies, new Set(repeatAuthors));
    return { inserted: insertedRows.length, duplicates: rows.length - insertedRows.length, buckets };
  });
  if (options.onCommitted && result.inserted > 0) {
    await options.onCommitted({ orgId, inserted: result.inserted, buckets: result.buckets });
  }
  return { inserted: result.inserted, duplicates: result.duplicates };
}

/** Rows that amplify something already stored (or earlier in this batch): id → the original's id (or 0). */
async function findAmplified(tx: Db, orgId: number, rows: PreparedRow[]): Promise<Map<number, number>> {
  const amplifies = new Map<number, number>();
  const keyed = rows.filter((r) => r.ampKey);
  if (keyed.length === 0) return amplifies;
  const keys = [...new Set(keyed.map((r) => r.ampKey!))];
  const refs = keyed.filter((r) => r.ampKey!.startsWith("ref:"));
  const prior = new Map<string, number>();
  for (const row of await queryRows<{ fingerprint: string; id: number }>(
    tx,
    sql`select fingerprint, min(id)::bigint as id from complaints
        where org_id = ${orgId} and fingerprint = any(${pgArray(keys, "text")}) group by fingerprint`,
  )) {
    prior.set(row.fingerprint, Number(row.id));
  }
  if (refs.length > 0) {
    const refSources = refs.map((r) => r.record.source);
    const refIds = refs.map((r) => r.record.repostOf as string);
    for (const row of await queryRows<{ source: string; external_id: string; id: number }>(
      tx,
      sql`select c.source, c.external_id, c.id from complaints c
          join unnest(${pgArray(refSources, "text")}, ${pgArray(refIds, "text")}) as u(s, e)
            on c.source = u.s and c.external_id = u.e
          where c.org_id = ${orgId}`,
    )) {
      prior.set(`ref:${row.source}:${row.external_id}`, Number(row.id));
    }
  }
  const firstInBatch = new Map<string, number>();
  for (const row of keyed) {
    const key = row.ampKey!;
    const original = prior.get(key) ?? firstInBatch.get(key);
    if (original !== undefined) amplifies.set(row.id, original);
    else firstInBatch.set(key, row.id);
  }
  return amplifies;
}

async function insertComplaints(
  tx: Db,
  orgId: number,
  rows: PreparedRow[],
  amplifies: Map<number, number>,
  sourceId: number | null,
): Promise<Set<number>> {
  const col = <T>(fn: (r: PreparedRow) => T) => rows.map(fn);
  const inserted = await queryRows<{ id: number }>(
    tx,
    sql`insert into complaints (
          id, org_id, source, source_id, external_id, text, author_handle, author_name, author_followers,
          created_at, lat, lon, location, postal_code, url, region_code, region_method, region_confidence,
          topic_slug, topic_score, sentiment, fingerprint, amplifies_id, counted, raw)
        overriding system value
        select u.id, ${orgId}, u.source, ${sourceId}::int, u.external_id, u.text, u.author_handle, u.author_name,
          u.author_followers, u.created_at, u.lat, u.lon, u.location, u.postal_code, u.url, u.region_code,
          u.region_method, u.region_confidence, u.topic_slug, u.topic_score, u.sentiment, u.fingerprint,
          nullif(u.amplifies_id, 0), u.counted, u.raw::jsonb
        from unnest(
          ${pgArray(
            col((r) => r.id),
            "bigint",
          )},
          ${pgArray(
            col((r) => r.record.source),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.externalId),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.text),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.author?.handle ?? null),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.author?.name ?? null),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.author?.followers ?? null),
            "int",
          )},
          ${pgArray(
            col((r) => new Date(r.createdMs).toISOString()),
            "timestamptz",
          )},
          ${pgArray(
            col((r) => r.record.lat ?? null),
            "float8",
          )},
          ${pgArray(
            col((r) => r.record.lon ?? null),
            "float8",
          )},
          ${pgArray(
            col((r) => r.record.location),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.postalCode),
            "text",
          )},
          ${pgArray(
            col((r) => r.record.url),
            "text",
          )},
          ${pgArray(
            col((r) => r.enrichment.regionCode),
            "text",
          )},
          ${pgArray(
            col((r) => r.enrichment.regionMethod),
            "text",
          )},
          ${pgArray(
            col((r) => r.enrichment.regionConfidence),
            "float4",
          )},
          ${pgArray(
            col((r) => r.enrichment.topicSlug),
            "text",
          )},
          ${pgArray(
            col((r) => r.enrichment.topicScore),
            "float4",
          )},
          ${pgArray(
            col((r) => r.enrichment.sentiment),
            "float4",
          )},
          ${pgArray(
            col((r) => r.ampKey),
            "text",
          )},
          ${pgArray(
            col((r) => amplifies.get(r.id) ?? null),
            "bigint",
          )},
          ${pgArray(
            col((r) => !amplifies.has(r.id)),
            "bool",
          )},
          ${pgArray(
            col((r) => JSON.stringify(r.raw, withoutNul)),
            "text",
          )}
        ) as u(id, source, external_id, text, author_handle, author_name, author_followers, created_at, lat, lon,
               location, postal_code, url, region_code, region_method, region_confidence, topic_slug, topic_score,
               sentiment, fingerprint, amplifies_id, counted, raw)
        on conflict (org_id, source, external_id) where external_id is not null do nothing
        returning id`,
  );
  return new Set(inserted.map((r) => Number(r.id)));
}

/** One count per author per region × topic per hour: returns ids of rows whose author already counted. */
async function claimAuthors(tx: Db, orgId: number, rows: PreparedRow[]): Promise<number[]> {
  const claims = new Map<string, { row: PreparedRow; hour: number; region: string; topic: string }>();
  const repeats: number[] = [];
  for (const row of rows) {
    if (!row.author) continue;
    const hour = hourStart(row.createdMs);
    const region = row.enrichment.regionCode ?? UNKNOWN_REGION;
    const key = `${hour}|${region}|${row.enrichment.topicSlug}|${row.author}`;
    if (claims.has(key)) repeats.push(row.id);
    else claims.set(key, { row, hour, region, topic: row.enrichment.topicSlug });
  }
  if (claims.size === 0) return repeats;
  // Sorted, so concurrent batches take row locks in the same order.
  const entries = [...claims.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const won = await queryRows<{ k: string }>(
    tx,
    sql`insert into counted_authors (org_id, hour_start, region_code, topic_slug, author_key)
        select ${orgId}, u.h, u.r, u.t, u.a
        from unnest(${pgArray(
          entries.map(([, c]) => new Date(c.hour).toISOString()),
          "timestamptz",
        )},
                    ${pgArray(
                      entries.map(([, c]) => c.region),
                      "text",
                    )},
                    ${pgArray(
                      entries.map(([, c]) => c.topic),
                      "text",
                    )},
                    ${pgArray(
                      entries.map(([, c]) => c.row.author),
                      "text",
                    )}) as u(h, r, t, a)
        on conflict do nothing
        returning (extract(epoch from hour_start) * 1000)::bigint || '|' || region_code || '|' || topic_slug || '|' || author_key as k`,
  );
  const wonKeys = new Set(won.map((w) => w.k));
  for (const [key, claim] of entries) if (!wonKeys.has(key)) repeats.push(claim.row.id);
  return repeats;
}

async function addCounts(
  tx: Db,
  orgId: number,
  rows: PreparedRow[],
  amplifies: Map<number, number>,
  repeats: Set<number>,
): Promise<number[]> {
  const cells = new Map<
    string,
    { region: string; topic: string; bucket: number; count: number; raw: number }
  >();
  for (const row of rows) {
    const region = row.enrichment.regionCode ?? UNKNOWN_REGION;
    const bucket = bucketStart(row.createdMs);
    const key = `${region}|${row.enrichment.topicSlug}|${bucket}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { region, topic: row.enrichment.topicSlug, bucket, count: 0, raw: 0 };
      cells.set(key, cell);
    }
    cell.raw++;
    if (!amplifies.has(row.id) && !repeats.has(row.id)) cell.count++;
  }
  if (cells.size === 0) return [];
  const list = [...cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  await tx.execute(
    sql`insert into complaint_counts (org_id, region_code, topic_slug, bucket_start, count, raw_count)
        select ${orgId}, u.r, u.t, u.b, u.c, u.raw
        from unnest(${pgArray(
          list.map((c) => c.region),
          "text",
        )},
                    ${pgArray(
                      list.map((c) => c.topic),
                      "text",
                    )},
                    ${pgArray(
                      list.map((c) => new Date(c.bucket).toISOString()),
                      "timestamptz",
                    )},
                    ${pgArray(
                      list.map((c) => c.count),
                      "int",
                    )},
                    ${pgArray(
                      list.map((c) => c.raw),
                      "int",
                    )}) as u(r, t, b, c, raw)
        on conflict (org_id, region_code, topic_slug, bucket_start)
        do update set count = complaint_counts.count + excluded.count,
                      raw_count = complaint_counts.raw_count + excluded.raw_count`,
  );
  return [...new Set(list.map((c) => c.bucket))].sort((a, b) => a - b);
}

async function recordSourceStats(ctx: IntakeContext, sourceId: number, summary: ImportSummary) {
  const lastError = summary.errors.at(-1);
  await ctx.db
    .update(sources)
    .set({
      acceptedCount: sql`${sources.acceptedCount} + ${summary.accepted}`,
      duplicateCount: sql`${sources.duplicateCount} + ${summary.duplicates}`,
      rejectedCount: sql`${sources.rejectedCount} + ${summary.rejected}`,
      lastReceivedAt: new Date(),
      ...(lastError
        ? {
            lastError: `${lastError.line !== undefined ? `line ${lastError.line}` : `item ${lastError.index}`}: ${lastError.message}`,
            lastErrorAt: new Date(),
          }
        : {}),
    })
    .where(and(eq(sources.id, sourceId), eq(sources.orgId, ctx.orgId)));
}

/** jsonb cannot hold U+0000; a NUL in someone's text is dropped rather than losing the record. */
function withoutNul(_key: string, value: unknown) {
  return typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "") : value;
}

type PgArrayType = "text" | "int" | "bigint" | "float4" | "float8" | "bool" | "timestamptz";

/**
 * One array parameter, sent as a Postgres array literal and cast, so a batch of thousands of rows is a
 * handful of parameters (unnest) on both drivers.
 */
export function pgArray(values: readonly unknown[], type: PgArrayType) {
  const items = values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (type === "text" || type === "timestamptz") {
      return `"${String(v).replaceAll("\u0000", "").replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    }
    if (type === "bool") return v ? "t" : "f";
    return String(v);
  });
  return sql`${`{${items.join(",")}}`}::${sql.raw(type)}[]`;
}
