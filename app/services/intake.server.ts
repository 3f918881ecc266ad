import { and, eq, type SQL, sql } from "drizzle-orm";
import { authorKey, hourStart } from "~/domain/counting/counting";
import {
  type EnrichedBatch,
  type Enricher,
  emptyBatch,
  enrichBatch,
  FINGERPRINT_ALWAYS,
  FINGERPRINT_IF_REPOST,
  FINGERPRINT_NONE,
  recordTimeZone,
} from "~/domain/enrichment";
import { type ComplaintRecord, parseComplaintRecord } from "~/domain/intake/record";
import type { Db } from "~db/client.server";
import { queryRows } from "~db/client.server";
import { sources } from "~db/schema";
import { UNKNOWN_REGION } from "~db/schema/enums";
import type { EnrichmentPool } from "./enrichment-pool.server";
import { placeAmbiguous } from "./region-context.server";

/**
 * The one intake path. Every source (API, webhooks, CLI import, the report form, the demo feed) hands
 * parsed items here: each is validated, deduplicated by (source, externalId), enriched with region, topic
 * and sentiment, and written with the 5-minute counts in batches, one atomic statement per batch.
 *
 * A pipeline (docs/decisions/016-intake-enrichment-worker-pool.md): this thread validates and batches;
 * a full batch goes to the enrichment pool at once (worker threads; inline when small) and is written
 * when the batch before it is written — so batch N+1 is enriched while batch N is in the database, and
 * batches are written strictly in order. At most MAX_IN_FLIGHT batches are between the two.
 */

/** A parsed item from any reader: a value to validate, or a parse error, with where it came from. */
export interface IntakeItem {
  line?: number;
  index?: number;
  value?: unknown;
  error?: string;
  /**
   * A topic the sender chose (the report form's problem type), already checked against the taxonomy by
   * trusted server code: it replaces the classifier's. Readers of bodies and files never set it.
   */
  topic?: string;
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
  /** Where large batches are enriched; absent: on this thread. */
  pool?: EnrichmentPool | null;
}

export const DEFAULT_BATCH_SIZE = 2000;
export const DEFAULT_MAX_ERRORS = 1000;
const YIELD_EVERY = 256;
/** Batches enriched or being enriched ahead of the database, beyond the one being written. */
const MAX_IN_FLIGHT = 3;

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

export async function ingest(
  ctx: IntakeContext,
  items: AsyncIterable<IntakeItem> | Iterable<IntakeItem>,
  options: IntakeOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const summary: ImportSummary = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  let processed = 0;
  let batch: BatchEntry[] = [];
  const seenInBatch = new Set<string>();
  // Written in order: each write waits for the one before it. `inFlight` holds them, oldest first.
  let lastWrite: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  let failed = false;

  const reject = (item: IntakeItem, message: string) => {
    summary.rejected++;
    if (summary.errors.length < maxErrors) {
      summary.errors.push(
        item.line !== undefined ? { line: item.line, message } : { index: item.index, message },
      );
    }
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    seenInBatch.clear();
    const enriched = enrichEntries(ctx, entries);
    const write = lastWrite.then(async () => {
      const result = await writeBatch(ctx, entries, await enriched, options);
      summary.accepted += result.inserted;
      summary.duplicates += result.duplicates;
      options.onProgress?.({ processed, ...counts(summary) });
    });
    // A failed batch stops the import: the writes chained after it do not run, reading stops, and the
    // error is thrown below (these handlers only keep the rejections from going unobserved meanwhile).
    enriched.catch(() => {});
    write.catch(() => {
      failed = true;
    });
    lastWrite = write;
    inFlight.push(write);
    while (inFlight.length > MAX_IN_FLIGHT) await inFlight.shift();
  };

  for await (const item of items) {
    processed++;
    // Give the event loop a turn now and then, so database round trips and results from the worker
    // threads are taken in while this thread validates.
    if (processed % YIELD_EVERY === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (failed) break;
    }
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
    batch.push({ record, raw: value as Record<string, unknown>, topic: item.topic });
    if (batch.length >= batchSize) await flush();
  }
  if (!failed) await flush();
  for (const write of inFlight) await write;
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
  topic?: string;
}

/** Networks where identical long texts from different accounts are copies of one post. */
function isSocial(source: string): boolean {
  return SOCIAL_SOURCES.has(source.toLowerCase());
}

function declaredRepost(record: ComplaintRecord): string | null {
  return typeof record.repostOf === "string" ? record.repostOf : null;
}

/** The batch's enrichment (and text fingerprints), in the pool or on this thread. */
function enrichEntries(ctx: IntakeContext, entries: BatchEntry[]): Promise<EnrichedBatch> {
  const batch = emptyBatch(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const r = entries[i].record;
    batch.text[i] = r.text;
    batch.location[i] = r.location ?? null;
    batch.postalCode[i] = r.postalCode ?? null;
    batch.timeZone[i] = recordTimeZone(r);
    batch.createdAt[i] = r.createdAt;
    batch.lat[i] = r.lat ?? Number.NaN;
    batch.lon[i] = r.lon ?? Number.NaN;
    // Amplification key (see writeBatch): a declared repost needs no fingerprint; on social networks
    // every text is fingerprinted; elsewhere only texts announcing themselves as reposts ("RT @x: …").
    batch.fingerprint[i] = declaredRepost(r)
      ? FINGERPRINT_NONE
      : isSocial(r.source)
        ? FINGERPRINT_ALWAYS
        : FINGERPRINT_IF_REPOST;
  }
  if (ctx.pool) return ctx.pool.enrich(ctx.enricher, batch);
  try {
    return Promise.resolve(enrichBatch(ctx.enricher, batch));
  } catch (error) {
    return Promise.reject(error);
  }
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
  enriched: EnrichedBatch,
  options: IntakeOptions,
): Promise<{ inserted: number; duplicates: number }> {
  const { orgId, db } = ctx;
  const n = batch.length;
  for (let i = 0; i < n; i++) {
    const chosen = batch[i].topic;
    if (chosen) {
      enriched.topicSlug[i] = chosen;
      enriched.topicScore[i] = 1;
    }
  }
  // Written in order, so the counts of every earlier batch are there to place ambiguous names by.
  await placeAmbiguous(
    db,
    orgId,
    batch.map((b) => b.record),
    enriched,
  );
  const repostOf: (string | null)[] = new Array(n);
  const ampKeys: (string | null)[] = new Array(n);
  const lookupSources: string[] = [];
  const lookupIds: string[] = [];
  const fingerprintSet = new Set<string>();
  for (let i = 0; i < n; i++) {
    const record = batch[i].record;
    const repost = declaredRepost(record);
    repostOf[i] = repost;
    const ampKey = repost ? `ref:${record.source}:${repost}` : enriched.fingerprint[i];
    ampKeys[i] = ampKey;
    if (ampKey) fingerprintSet.add(ampKey);
    if (record.externalId) {
      lookupSources.push(record.source);
      lookupIds.push(record.externalId);
    }
    if (repost) {
      lookupSources.push(record.source);
      lookupIds.push(repost);
    }
  }
  const fingerprints = [...fingerprintSet];
  // Probes by index, one per key (LATERAL ... LIMIT 1 / min): a join here would let the planner scan the
  // whole table whenever its statistics lag behind a growing import (PGlite never analyzes at all).
  const known = await queryRows<{ kind: string; a: string | null; b: string | null; id: string | number }>(
    db,
    sql`select 'id' as kind, null::text as a, null::text as b, nextval((select pg_get_serial_sequence('complaints', 'id'))) as id
          from generate_series(1, ${n})
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
  // Then one count per author per region × topic per hour: the first of a key in this batch claims it (if
  // no earlier batch did); later ones in this batch do not count.
  const firstInBatch = new Map<string, number>();
  const claimKeys = new Set<string>();
  const rowJson: string[] = [];
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const { record, raw } = batch[i];
    if (record.externalId && stored.has(`${record.source}\u0000${record.externalId}`)) {
      duplicates++;
      continue;
    }
    const id = ids[i];
    const ampKey = ampKeys[i];
    let amplifies: number | null = null;
    if (ampKey) {
      const repost = repostOf[i];
      const original =
        (repost ? stored.get(`${record.source}\u0000${repost}`) : undefined) ??
        prior.get(ampKey) ??
        firstInBatch.get(ampKey);
      if (original !== undefined) amplifies = original;
      else firstInBatch.set(ampKey, id);
    }
    const createdMs = Date.parse(record.createdAt);
    const regionCode = enriched.regionCode[i];
    const topicSlug = enriched.topicSlug[i];
    let counted = true;
    let claim: string | null = null;
    if (amplifies !== null) counted = false;
    else {
      const author = authorKey(record.source, record.author);
      if (author) {
        const key = `${hourStart(createdMs)}|${regionCode ?? UNKNOWN_REGION}|${topicSlug}|${author}`;
        if (claimKeys.has(key)) counted = false;
        else {
          claimKeys.add(key);
          claim = key;
        }
      }
    }
    // One JSON array per row, in the column order of the insert below; the raw payload goes in as JSON.
    const row = JSON.stringify([
      id,
      text(record.source),
      text(record.externalId),
      text(record.text),
      text(record.author?.handle),
      text(record.author?.name),
      record.author?.followers ?? null,
      new Date(createdMs).toISOString(),
      record.lat ?? null,
      record.lon ?? null,
      text(record.location),
      text(record.postalCode),
      text(record.url),
      regionCode,
      enriched.regionMethod[i],
      enriched.regionConfidence[i],
      topicSlug,
      enriched.topicScore[i],
      enriched.sentiment[i],
      text(ampKey),
      amplifies,
      counted,
      text(claim),
    ]);
    rowJson.push(`${row.slice(0, -1)},${rawJson(raw)}]`);
  }
  if (rowJson.length === 0) return { inserted: 0, duplicates };

  // Sorted, so concurrent batches take locks in the same order.
  const claims = [...claimKeys].sort();
  const claimParts = claims.map((k) => k.split("|"));

  const write = (onConflict: SQL) =>
    queryRows<{ inserted: number; buckets: string[] | null }>(
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
          select (u->>0)::bigint, ${orgId}, u->>1, ${options.sourceId ?? null}::int, u->>2, u->>3, u->>4,
            u->>5, (u->>6)::int, (u->>7)::timestamptz, (u->>8)::float8, (u->>9)::float8, u->>10, u->>11,
            u->>12, u->>13, u->>14, (u->>15)::float4, u->>16, (u->>17)::float4, (u->>18)::float4,
            u->>19, (u->>20)::bigint,
            (u->>21)::bool and (u->>22 is null or exists (select 1 from claims where claims.k = u->>22)),
            u->23
          from jsonb_array_elements(${`[${rowJson.join(",")}]`}::text::jsonb) as u
          ${onConflict}
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
  // The lookup above found the stored duplicates, so the insert can skip ON CONFLICT (speculative
  // insertion costs Postgres ~3 µs a row). Should a record be stored meanwhile by another writer (or two
  // of this batch be the same once stored — "a\u0000" and "a"), the statement fails as a whole and runs
  // again with ON CONFLICT DO NOTHING: the same outcome as always running it that way.
  let result: { inserted: number; buckets: string[] | null }[];
  try {
    result = await write(sql``);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    result = await write(
      sql`on conflict (org_id, source, external_id) where external_id is not null do nothing`,
    );
  }
  const inserted = result[0]?.inserted ?? 0;
  const buckets = (result[0]?.buckets ?? []).map(Number).sort((a, b) => a - b);
  if (options.onCommitted && inserted > 0) await options.onCommitted({ orgId, inserted, buckets });
  return { inserted, duplicates: duplicates + (rowJson.length - inserted) };
}

/**
 * A text column's value as Postgres can store it: a NUL is dropped (text cannot hold U+0000), and a lone
 * UTF-16 surrogate becomes U+FFFD (what encoding the text as UTF-8 does).
 */
function text(value: string | null | undefined): string | null {
  if (value == null) return null;
  let s = value;
  if (s.includes("\u0000")) s = s.replaceAll("\u0000", "");
  return s.isWellFormed() ? s : s.toWellFormed();
}

/**
 * The raw payload as JSON for jsonb: as received, except what jsonb cannot hold — a NUL in a string is
 * dropped, and a lone UTF-16 surrogate becomes U+FFFD (as in the text columns) — rather than losing the
 * record, or with it the batch. JSON.stringify writes both as \u escapes, so the replacer (slow) runs only
 * when one may be present.
 */
function rawJson(raw: Record<string, unknown>): string {
  const json = JSON.stringify(raw);
  return json.includes("\\u0000") || LONE_SURROGATE_ESCAPE.test(json) ? JSON.stringify(raw, storable) : json;
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/;

function storable(_key: string, value: unknown) {
  return typeof value === "string" ? text(value) : value;
}

/** A unique-constraint violation (23505), from either driver (drizzle wraps the driver's error). */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.code === "23505") return true;
    e = e.cause as typeof e;
  }
  return false;
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

type PgArrayType = "text" | "int" | "bigint" | "float4" | "float8" | "bool" | "timestamptz";

/**
 * One array parameter, sent as a Postgres array literal and cast, so a batch of thousands of rows is a
 * handful of parameters (unnest) on both drivers.
 */
export function pgArray(values: readonly unknown[], type: PgArrayType) {
  const items = values.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (type === "text" || type === "timestamptz") return quoteArrayElement(String(v));
    if (type === "bool") return v ? "t" : "f";
    return String(v);
  });
  return sql`${`{${items.join(",")}}`}::${sql.raw(type)}[]`;
}

/** A double-quoted array element: NUL dropped, `"` and `\` escaped (most values need none of it). */
function quoteArrayElement(s: string): string {
  if (!s.includes('"') && !s.includes("\\") && !s.includes("\u0000")) return `"${s}"`;
  return `"${s.replaceAll("\u0000", "").replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
