import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { complaints } from "./complaints";
import { spikeClusters } from "./detection";
import {
  CHANNEL_KINDS,
  DELIVERY_STATES,
  oneOf,
  SUBSCRIBER_KINDS,
  UPDATE_KINDS,
  UPDATE_STATES,
} from "./enums";
import { incidents } from "./incidents";
import { organisations, users } from "./orgs";

/** A public status update: written once, tailored per channel (variants), approved, then delivered. */
export const statusUpdates = pgTable(
  "status_updates",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    incidentId: integer()
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    kind: text().$type<(typeof UPDATE_KINDS)[number]>().notNull(),
    state: text().$type<(typeof UPDATE_STATES)[number]>().notNull().default("draft"),
    body: text().notNull(),
    /** Component id → status to show on the status page once published. */
    componentStatuses: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Promise made in the update: "next update within N minutes". */
    nextUpdateMinutes: integer(),
    /** Bumped on every edit; an approval is for one version and is void after an edit. */
    version: integer().notNull().default(1),
    authorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    submittedAt: timestamp({ withTimezone: true }),
    approvedByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    approvedAt: timestamp({ withTimezone: true }),
    approvedVersion: integer(),
    reviewNote: text(),
    publishedByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    publishedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("status_updates_incident_idx").on(t.incidentId, t.createdAt),
    index("status_updates_org_published_idx")
      .on(t.orgId, t.publishedAt.desc())
      .where(sql`${t.publishedAt} is not null`),
    check("status_updates_kind_check", oneOf(t.kind, UPDATE_KINDS)),
    check("status_updates_state_check", oneOf(t.state, UPDATE_STATES)),
  ],
);

/** The per-channel text of an update (X's 280 characters, SMS segments, Slack blocks, ...). */
export const updateVariants = pgTable(
  "update_variants",
  {
    updateId: integer()
      .notNull()
      .references(() => statusUpdates.id, { onDelete: "cascade" }),
    channelKind: text().$type<(typeof CHANNEL_KINDS)[number]>().notNull(),
    body: text().notNull(),
    /** True when a person edited the generated variant (regeneration then leaves it alone). */
    edited: boolean().notNull().default(false),
  },
  (t) => [
    primaryKey({ name: "update_variants_pkey", columns: [t.updateId, t.channelKind] }),
    check("update_variants_kind_check", oneOf(t.channelKind, CHANNEL_KINDS)),
  ],
);

/** An outbound channel with its credentials (encrypted with the app key). */
export const channels = pgTable(
  "channels",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text().$type<(typeof CHANNEL_KINDS)[number]>().notNull(),
    name: text().notNull(),
    /** Non-secret settings: base URL, channel id, page id, account handle. */
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    credentialsEnc: text(),
    enabled: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("channels_org_name_key").on(t.orgId, t.name),
    check("channels_kind_check", oneOf(t.kind, CHANNEL_KINDS)),
  ],
);

/** A reply to one complaint (a cluster reply is one row per complaint sharing a `batchId`). */
export const replies = pgTable(
  "replies",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    incidentId: integer().references(() => incidents.id, { onDelete: "set null" }),
    complaintId: bigint({ mode: "number" })
      .notNull()
      .references(() => complaints.id, { onDelete: "cascade" }),
    clusterId: integer().references(() => spikeClusters.id, { onDelete: "set null" }),
    batchId: uuid(),
    body: text().notNull(),
    /** Channel the reply leaves through: the complaint's own source. */
    via: text().notNull(),
    authorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("replies_complaint_idx").on(t.complaintId),
    index("replies_incident_idx").on(t.incidentId, t.createdAt),
    index("replies_batch_idx").on(t.batchId),
  ],
);

/** The outbox: one row per update × channel (or per reply), claimed by workers with SKIP LOCKED. */
export const deliveries = pgTable(
  "deliveries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    updateId: integer().references(() => statusUpdates.id, { onDelete: "cascade" }),
    replyId: bigint({ mode: "number" }).references(() => replies.id, { onDelete: "cascade" }),
    channelId: integer().references(() => channels.id, { onDelete: "set null" }),
    state: text().$type<(typeof DELIVERY_STATES)[number]>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp({ withTimezone: true }),
    /** Sent to the remote where it supports one; stable across retries so nothing posts twice. */
    idempotencyKey: text().notNull(),
    remoteId: text(),
    remoteUrl: text(),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("deliveries_idempotency_key").on(t.idempotencyKey),
    uniqueIndex("deliveries_update_channel_key")
      .on(t.updateId, t.channelId)
      .where(sql`${t.updateId} is not null`),
    index("deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.state} in ('pending', 'sending')`),
    index("deliveries_org_state_idx").on(t.orgId, t.state),
    index("deliveries_reply_idx").on(t.replyId),
    check("deliveries_state_check", oneOf(t.state, DELIVERY_STATES)),
    check("deliveries_subject_check", sql`num_nonnulls(${t.updateId}, ${t.replyId}) = 1`),
  ],
);

export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: bigint({ mode: "number" })
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    /** sent / failed / retry / unknown */
    outcome: text(),
    httpStatus: integer(),
    error: text(),
  },
  (t) => [index("delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/** Reusable holding statements and update texts. */
export const templates = pgTable(
  "templates",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    kind: text().$type<(typeof UPDATE_KINDS)[number]>().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("templates_org_name_key").on(t.orgId, t.name),
    check("templates_kind_check", oneOf(t.kind, UPDATE_KINDS)),
  ],
);

export const subscribers = pgTable(
  "subscribers",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    kind: text().$type<(typeof SUBSCRIBER_KINDS)[number]>().notNull(),
    /** Email address, E.164 phone number, or webhook URL. */
    address: text().notNull(),
    regions: text().array().notNull().default([]),
    componentIds: integer().array().notNull().default([]),
    confirmTokenHash: text(),
    confirmedAt: timestamp({ withTimezone: true }),
    unsubscribeTokenHash: text().notNull(),
    unsubscribedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("subscribers_org_kind_address_key").on(t.orgId, t.kind, t.address),
    check("subscribers_kind_check", oneOf(t.kind, SUBSCRIBER_KINDS)),
  ],
);
