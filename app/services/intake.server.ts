import { and, eq, sql } from "drizzle-orm";
import { authorKey, hourStart, looksLikeRepost, textFingerprint } from "~/domain/counting/counting";
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
const YIELD_EVERY = 256;

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
  /** The stored (or earlier in this batch) complaint this one amplifies. */
  amplifies: number | null;
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
    // Give the event loop a turn now and then, so the previous batch's database round trips proceed
    // while this batch is validated and enriched (CPU work would otherwise hold them back).
    if (processed % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
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

/**
 * Write one batch in two round trips and no explicit transaction:
 * 1. a read: ids for the batch, which (source, externalId) pairs are already stored (duplicates, and the
 *    originals that reposts point at), and which amplification keys were seen before;
 * 2. one statement whose data-modifying CTEs claim authors, insert the complaints and add the counts,
 *    atomically. `on conflict do nothing` still guards against a concurrent batch storing the same record.
 */
async function writeBatch(
  ctx: IntakeContext,
  batch: BatchEntry[],
  options: IntakeOptions,
): Promise<{ inserted: number; duplicates: number }> {
  const { orgId, db } = ctx;
  const keyed = batch.map((entry) => {
    const { record } = entry;
    const repostOf = typeof record.repostOf === "string" ? record.repostOf : null;
    const social = SOCIAL_SOURCES.has(record.source.toLowerCase());
    const ampKey = repostOf
      ? `ref:${record.source}:${repostOf}`
      : social || looksLikeRepost(record.text)
        ? textFingerprint(record.text)
        : null;
    return { ...entry, createdMs: Date.parse(record.createdAt), repostOf, ampKey };
  });
  const lookupSources: string[] = [];
  const lookupIds: string[] = [];
  for (const k of keyed) {
    if (k.record.externalId) {
      lookupSources.push(k.record.source);
      lookupIds.push(k.record.externalId);
    }
    if (k.repostOf) {
      lookupSources.push(k.record.source);
      lookupIds.push(k.repostOf);
    }
  }
  const fingerprints = [...new Set(keyed.filter((k) => k.ampKey).map((k) => k.ampKey as string))];
  const known = await queryRows<{ kind: string; a: string | null; b: string | null; id: string | number }>(
    db,
    sql`select 'id' as kind, null::text as a, null::text as b, nextval((select pg_get_serial_sequence('complaints', 'id'))) as id
          from generate_series(1, ${keyed.length})
        union all
        select 'ext', u.s, u.e, c.id
          from unnest(${pgArray(lookupSources, "text")}, ${pgArray(lookupIds, "text")}) as u(s, e)
          cross join lateral (select c.id from complaints c
            where c.org_id = ${orgId} and c.source = u.s and c.external_id = u.e limit 1) c
        union all
        select 'amp', f.f, null, m.id
          from unnest(${pgArray(fingerprints, "text")}) as f(f)
          cross join lateral (select min(c.id) as id from complaints c
            where c.org_id = ${orgId} and c.fingerprint = f.f) m
          where m.id is not null`,
  );
  const ids: number[] = [];
  const stored = new Map<string, number>();
  const prior = new Map<string, number>();
  for (const row of known) {
    if (row.kind === "id") ids.push(Number(row.id));
    else if (row.kind === "ext") stored.set(`${row.a}\u0000${row.b}`, Number(row.id));
    else prior.set(row.a as string, Number(row.id));
  }

  // Amplification: a declared repost of a stored original, or a key seen before (stored or earlier here).
  const rows: PreparedRow[] = [];
  let duplicates = 0;
  const firstInBatch = new Map<string, number>();
  for (const [i, k] of keyed.entries()) {
    if (k.record.externalId && stored.has(`${k.record.source}\u0000${k.record.externalId}`)) {
      duplicates++;
      continue;
    }
    const id = ids[i];
    let amplifies: number | null = null;
    if (k.ampKey) {
      const original =
        (k.repostOf ? stored.get(`${k.record.source}\u0000${k.repostOf}`) : undefined) ??
        prior.get(k.ampKey) ??
        firstInBatch.get(k.ampKey);
      if (original !== undefined) amplifies = original;
      else firstInBatch.set(k.ampKey, id);
    }
    rows.push({
      id,
      record: k.record,
      raw: k.raw,
      enrichment: k.enrichment,
      createdMs: k.createdMs,
      ampKey: k.ampKey,
      amplifies,
      author: authorKey(k.record.source, k.record.author),
    });
  }
  if (rows.length === 0) return { inserted: 0, duplicates };

  // One count per author per region × topic per hour: the first of a key in this batch claims it (if no
  // earlier batch did); later ones in this batch do not count.
  const claimKeys = new Map<string, PreparedRow>();
  const claimOf = new Map<number, string>();
  const counted: boolean[] = [];
  for (const row of rows) {
    if (row.amplifies !== null) {
      counted.push(false);
      continue;
    }
    if (!row.author) {
      counted.push(true);
      continue;
    }
    const key = `${hourStart(row.createdMs)}|${row.enrichment.regionCode ?? UNKNOWN_REGION}|${row.enrichment.topicSlug}|${row.author}`;
    if (claimKeys.has(key)) {
      counted.push(false);
      continue;
    }
    claimKeys.set(key, row);
    claimOf.set(row.id, key);
    counted.push(true);
  }
  // Sorted, so concurrent batches take locks in the same order.
  const claims = [...claimKeys.keys()].sort();
  const claimParts = claims.map((k) => k.split("|"));

  const col = <T>(fn: (r: PreparedRow, i: number) => T) => rows.map(fn);
  const result = await queryRows<{ inserted: number; buckets: string[] | null }>(
    db,
    sql`with claims as (
          insert into counted_authors (org_id, hour_start, region_code, topic_slug, author_key)
          select ${orgId}, to_timestamp(u.h / 1000.0), u.r, u.t, u.a
          from unnest(${pgArray(
            claimParts.map((p) => p[0]),
            "bigint",
          )}, ${pgArray(
            claimParts.map((p) => p[1]),
            "text",
          )},
                      ${pgArray(
                        claimParts.map((p) => p[2]),
                        "text",
                      )}, ${pgArray(
                        claimParts.map((p) => p.slice(3).join("|")),
                        "text",
                      )})
               as u(h, r, t, a)
          on conflict do nothing
          returning (extract(epoch from hour_start) * 1000)::bigint || '|' || region_code || '|' || topic_slug || '|' || author_key as k
        ),
        ins as (
          insert into complaints (
            id, org_id, source, source_id, external_id, text, author_handle, author_name, author_followers,
            created_at, lat, lon, location, postal_code, url, region_code, region_method, region_confidence,
            topic_slug, topic_score, sentiment, fingerprint, amplifies_id, counted, raw)
          overriding system value
          select u.id, ${orgId}, u.source, ${options.sourceId ?? null}::int, u.external_id, u.text, u.author_handle,
            u.author_name, u.author_followers, u.created_at, u.lat, u.lon, u.location, u.postal_code, u.url,
            u.region_code, u.region_method, u.region_confidence, u.topic_slug, u.topic_score, u.sentiment,
            u.fingerprint, u.amplifies_id,
            u.counted and (u.claim is null or exists (select 1 from claims where claims.k = u.claim)),
            u.raw::jsonb
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
              col((r) => r.amplifies),
              "bigint",
            )},
            ${pgArray(
              col((_r, i) => counted[i]),
              "bool",
            )},
            ${pgArray(
              col((r) => claimOf.get(r.id) ?? null),
              "text",
            )},
            ${pgArray(
              col((r) => JSON.stringify(r.raw, withoutNul)),
              "text",
            )}
          ) as u(id, source, external_id, text, author_handle, author_name, author_followers, created_at, lat, lon,
                 location, postal_code, url, region_code, region_method, region_confidence, topic_slug, topic_score,
                 sentiment, fingerprint, amplifies_id, counted, claim, raw)
          on conflict (org_id, source, external_id) where external_id is not null do nothing
          returning region_code, topic_slug, created_at, counted
        ),
        cnt as (
          insert into complaint_counts (org_id, region_code, topic_slug, bucket_start, count, raw_count)
          select ${orgId}, coalesce(region_code, ${UNKNOWN_REGION}), topic_slug,
                 to_timestamp(floor(extract(epoch from created_at) / 300) * 300) as bucket,
                 count(*) filter (where counted), count(*)
          from ins
          group by 2, 3, 4
          order by 2, 3, 4
          on conflict (org_id, region_code, topic_slug, bucket_start)
          do update set count = complaint_counts.count + excluded.count,
                        raw_count = complaint_counts.raw_count + excluded.raw_count
          returning bucket_start
        )
        select (select count(*)::int from ins) as inserted,
               (select array_agg(distinct (extract(epoch from bucket_start) * 1000)::bigint::text) from cnt) as buckets`,
  );
  const inserted = result[0]?.inserted ?? 0;
  const buckets = (result[0]?.buckets ?? []).map(Number).sort((a, b) => a - b);
  if (options.onCommitted && inserted > 0) await options.onCommitted({ orgId, inserted, buckets });
  return { inserted, duplicates: duplicates + (rows.length - inserted) };
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
