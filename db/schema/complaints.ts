import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { spikeClusters } from "./detection";
import { oneOf, REGION_METHODS, SOURCE_MAPPERS } from "./enums";
import { incidents } from "./incidents";
import { organisations } from "./orgs";
import { regions } from "./regions";
import { topics } from "./taxonomy";

/** An inbound integration: a webhook endpoint with its own signing secret and payload mapper. */
export const sources = pgTable(
  "sources",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** Name written into each complaint's `source` (e.g. `x`, `zendesk`, `form`). */
    name: text().notNull(),
    mapper: text().$type<(typeof SOURCE_MAPPERS)[number]>().notNull().default("complaint"),
    /** Standard Webhooks secret, encrypted with the app key (AES-GCM); shown to a person once. */
    webhookSecretEnc: text(),
    enabled: boolean().notNull().default(true),
    acceptedCount: bigint({ mode: "number" }).notNull().default(0),
    duplicateCount: bigint({ mode: "number" }).notNull().default(0),
    rejectedCount: bigint({ mode: "number" }).notNull().default(0),
    lastReceivedAt: timestamp({ withTimezone: true }),
    lastError: text(),
    lastErrorAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sources_org_name_key").on(t.orgId, t.name),
    check("sources_mapper_check", oneOf(t.mapper, SOURCE_MAPPERS)),
  ],
);

/** Webhook ids already accepted, so a replayed delivery is refused. Pruned after the tolerance window. */
export const webhookReceipts = pgTable(
  "webhook_receipts",
  {
    sourceId: integer()
      .notNull()
      .references(() => sources.id, { onDelete: "cascade" }),
    webhookId: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "webhook_receipts_pkey", columns: [t.sourceId, t.webhookId] }),
    index("webhook_receipts_received_idx").on(t.receivedAt),
  ],
);

export const complaints = pgTable(
  "complaints",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** The record's `source` (channel name such as `x`, `mastodon`, `zendesk`, `form`). */
    source: text().notNull(),
    /** The configured inbound source that received it, when it came through a webhook. */
    sourceId: integer().references(() => sources.id, { onDelete: "set null" }),
    externalId: text(),
    text: text().notNull(),
    authorHandle: text(),
    authorName: text(),
    authorFollowers: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lat: doublePrecision(),
    lon: doublePrecision(),
    location: text(),
    postalCode: text(),
    url: text(),
    regionCode: text(),
    regionMethod: text().$type<(typeof REGION_METHODS)[number]>().notNull().default("none"),
    regionConfidence: real().notNull().default(0),
    topicSlug: text().notNull(),
    topicScore: real().notNull().default(0),
    /** -1 (angry) .. +1 (happy). */
    sentiment: real(),
    /** Normalised-text hash: reposts and quotes of one text share it (amplification, not new complaints). */
    fingerprint: text(),
    /** The original this one amplifies (retweet, repost, quote of the same text), if stored. */
    amplifiesId: bigint({ mode: "number" }),
    /** Whether it contributed to the detection counts (one per author per region × topic per hour). */
    counted: boolean().notNull().default(true),
    incidentId: integer().references(() => incidents.id, { onDelete: "set null" }),
    clusterId: integer().references(() => spikeClusters.id, { onDelete: "set null" }),
    answeredAt: timestamp({ withTimezone: true }),
    /** The record as received, unknown fields included. */
    raw: jsonb().$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex("complaints_source_external_key")
      .on(t.orgId, t.source, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index("complaints_org_created_idx").on(t.orgId, t.createdAt),
    index("complaints_cell_idx").on(t.orgId, t.regionCode, t.topicSlug, t.createdAt),
    index("complaints_incident_idx")
      .on(t.orgId, t.incidentId, t.createdAt.desc(), t.id.desc())
      .where(sql`${t.incidentId} is not null`),
    // The reply queue: the incident's unanswered complaints, most reach first.
    index("complaints_incident_unanswered_idx")
      .on(t.orgId, t.incidentId, t.authorFollowers.desc().nullsLast(), t.createdAt)
      .where(sql`${t.incidentId} is not null and ${t.answeredAt} is null`),
    // Map points of an incident: its newest geotagged complaints.
    index("complaints_incident_geo_idx")
      .on(t.orgId, t.incidentId, t.createdAt.desc())
      .where(sql`${t.incidentId} is not null and ${t.lat} is not null`),
    // The room's complaint search (`text ilike '%q%'` within an incident): trigrams of the texts of
    // complaints placed in an incident only, so intake (complaints arrive with no incident) never writes
    // it. Needs the pg_trgm extension, created by the same migration (0007; docs/decisions/009).
    index("complaints_incident_text_trgm_idx")
      .using("gin", t.text.op("gin_trgm_ops"))
      .where(sql`${t.incidentId} is not null`),
    index("complaints_cluster_idx").on(t.clusterId, t.createdAt).where(sql`${t.clusterId} is not null`),
    index("complaints_fingerprint_idx").on(t.orgId, t.fingerprint).where(sql`${t.fingerprint} is not null`),
    foreignKey({
      name: "complaints_region_fk",
      columns: [t.orgId, t.regionCode],
      foreignColumns: [regions.orgId, regions.code],
    }),
    foreignKey({
      name: "complaints_topic_fk",
      columns: [t.orgId, t.topicSlug],
      foreignColumns: [topics.orgId, topics.slug],
    }).onUpdate("cascade"),
    check("complaints_region_method_check", oneOf(t.regionMethod, REGION_METHODS)),
    check("complaints_lat_check", sql`${t.lat} is null or ${t.lat} between -90 and 90`),
    check("complaints_lon_check", sql`${t.lon} is null or ${t.lon} between -180 and 180`),
  ],
);

/**
 * 5-minute counts per region × topic: what detection and the charts read (never raw complaints).
 * `regionCode` is `unknown` for complaints with no resolvable region. `count` is what detection sees
 * (amplification and repeat authors removed); `rawCount` is every stored complaint.
 */
export const complaintCounts = pgTable(
  "complaint_counts",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    regionCode: text().notNull(),
    topicSlug: text().notNull(),
    bucketStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull().default(0),
    rawCount: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: "complaint_counts_pkey",
      columns: [t.orgId, t.regionCode, t.topicSlug, t.bucketStart],
    }),
    index("complaint_counts_bucket_idx").on(t.orgId, t.bucketStart),
    // Also `complaint_counts_chart_idx` (org, region, topic, bucket) INCLUDE (count), for the room's
    // chart: created by the custom migration drizzle/0005_counts_chart_index.sql (no INCLUDE here).
    check("complaint_counts_bucket_check", sql`extract(epoch from ${t.bucketStart})::bigint % 300 = 0`),
  ],
);

/** Which authors were already counted in a region × topic × hour (Downdetector counts one report per user). */
export const countedAuthors = pgTable(
  "counted_authors",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    hourStart: timestamp({ withTimezone: true }).notNull(),
    regionCode: text().notNull(),
    topicSlug: text().notNull(),
    authorKey: text().notNull(),
  },
  (t) => [
    primaryKey({
      name: "counted_authors_pkey",
      columns: [t.orgId, t.hourStart, t.regionCode, t.topicSlug, t.authorKey],
    }),
  ],
);
