import { sql } from "drizzle-orm";
import {
  check,
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
import { oneOf, SPIKE_LEVELS } from "./enums";
import { incidents } from "./incidents";
import { organisations, users } from "./orgs";

/**
 * Detected cells of one topic in neighbouring regions with overlapping time: an incident candidate.
 * This is the contract's Spike (`regions: [...]`).
 */
export const spikeClusters = pgTable(
  "spike_clusters",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** The detector's stable cluster id (`topic:region|topic|startedAt` of its first member). */
    key: text().notNull(),
    topicSlug: text().notNull(),
    regions: text().array().notNull().default([]),
    level: text().$type<(typeof SPIKE_LEVELS)[number]>().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    detectedAt: timestamp({ withTimezone: true }).notNull(),
    peakAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }),
    observed: integer().notNull(),
    expected: real().notNull(),
    score: real().notNull(),
    incidentId: integer().references(() => incidents.id, { onDelete: "set null" }),
    /** An open incident whose regions and topic overlap: the console suggests linking to it. */
    suggestedIncidentId: integer().references(() => incidents.id, { onDelete: "set null" }),
    dismissedAt: timestamp({ withTimezone: true }),
    dismissedByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    dismissReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("spike_clusters_org_key").on(t.orgId, t.key),
    index("spike_clusters_org_open_idx").on(t.orgId, t.detectedAt.desc()).where(sql`${t.endedAt} is null`),
    index("spike_clusters_org_detected_idx").on(t.orgId, t.detectedAt),
    index("spike_clusters_incident_idx").on(t.incidentId),
    check("spike_clusters_level_check", oneOf(t.level, SPIKE_LEVELS)),
  ],
);

/** One region × topic cell's excursion above its baseline. */
export const spikes = pgTable(
  "spikes",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    clusterId: integer().references(() => spikeClusters.id, { onDelete: "set null" }),
    /** `region|topic|startedAt`: one spike of one cell. */
    key: text().notNull(),
    regionCode: text().notNull(),
    topicSlug: text().notNull(),
    level: text().$type<(typeof SPIKE_LEVELS)[number]>().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    detectedAt: timestamp({ withTimezone: true }).notNull(),
    peakAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }),
    observed: integer().notNull(),
    expected: real().notNull(),
    score: real().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("spikes_org_key").on(t.orgId, t.key),
    // At most one open spike per cell.
    uniqueIndex("spikes_open_cell_key")
      .on(t.orgId, t.regionCode, t.topicSlug)
      .where(sql`${t.endedAt} is null`),
    index("spikes_org_detected_idx").on(t.orgId, t.detectedAt),
    index("spikes_cluster_idx").on(t.clusterId),
    check("spikes_level_check", oneOf(t.level, SPIKE_LEVELS)),
  ],
);

/** The detector's per-cell memory (CUSUM sums, alarm state) so evaluation resumes where it stopped. */
export const detectorCells = pgTable(
  "detector_cells",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    regionCode: text().notNull(),
    topicSlug: text().notNull(),
    state: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    evaluatedThrough: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ name: "detector_cells_pkey", columns: [t.orgId, t.regionCode, t.topicSlug] })],
);

/** Per-organisation detection watermark: every bucket before it has been evaluated. */
export const detectionRuns = pgTable("detection_runs", {
  orgId: integer()
    .primaryKey()
    .references(() => organisations.id, { onDelete: "cascade" }),
  evaluatedThrough: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
