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
  type INCIDENT_STATES,
  oneOf,
  type SEVERITIES,
  SUBSCRIBER_KINDS,
  UPDATE_COMMENT_KINDS,
  UPDATE_KINDS,
  UPDATE_STATES,
  VARIANT_MODES,
} from "./enums";
import { incidents } from "./incidents";
import { organisations, users } from "./orgs";

/**
 * A public status update: written once, tailored per channel (variants), approved, then delivered. What
 * was approved is frozen: every edit bumps `version` and voids an approval of an earlier version.
 */
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
    /** 1, 2, 3 … within the incident, in order of creation. */
    number: integer().notNull().default(1),
    kind: text().$type<(typeof UPDATE_KINDS)[number]>().notNull(),
    state: text().$type<(typeof UPDATE_STATES)[number]>().notNull().default("draft"),
    /** Headline: the email subject and the status page heading. */
    title: text().notNull().default(""),
    body: text().notNull(),
    templateId: integer().references(() => templates.id, { onDelete: "set null" }),
    /** Regions the update speaks about (subscribers of these hear it); the incident's at drafting. */
    regions: text().array().notNull().default([]),
    /** Incident state the update announces; publishing moves the incident there. */
    incidentState: text().$type<(typeof INCIDENT_STATES)[number]>(),
    /** Component id → status to show on the status page once published. */
    componentStatuses: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Free text for `{eta}`: when service is expected back ("by 6 PM", "within 4 hours"). */
    eta: text(),
    /** Promise made in the update: "next update within N minutes". */
    nextUpdateMinutes: integer(),
    /** The promised time of the next update, fixed when the update is published. */
    nextUpdateAt: timestamp({ withTimezone: true }),
    /** Publish at this time instead of at approval (held by the kill switch like everything else). */
    scheduledAt: timestamp({ withTimezone: true }),
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
    /** The headline and text as published, placeholders filled (what the status page and feeds show). */
    publishedTitle: text(),
    publishedBody: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("status_updates_incident_idx").on(t.incidentId, t.createdAt),
    uniqueIndex("status_updates_incident_number_key").on(t.incidentId, t.number),
    index("status_updates_org_published_idx")
      .on(t.orgId, t.publishedAt.desc())
      .where(sql`${t.publishedAt} is not null`),
    check("status_updates_kind_check", oneOf(t.kind, UPDATE_KINDS)),
    check("status_updates_state_check", oneOf(t.state, UPDATE_STATES)),
    check("status_updates_next_update_check", sql`${t.nextUpdateMinutes} between 5 and 1440`),
  ],
);

/** The approval conversation of an update: comments and each step (submitted, approved, …). */
export const updateComments = pgTable(
  "update_comments",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    updateId: integer()
      .notNull()
      .references(() => statusUpdates.id, { onDelete: "cascade" }),
    /** The update's version the comment was made on. */
    version: integer().notNull(),
    kind: text().$type<(typeof UPDATE_COMMENT_KINDS)[number]>().notNull().default("comment"),
    body: text().notNull().default(""),
    authorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("update_comments_update_idx").on(t.updateId, t.createdAt),
    check("update_comments_kind_check", oneOf(t.kind, UPDATE_COMMENT_KINDS)),
  ],
);

/**
 * A person's override of one channel's text or fitting mode (X's 280 characters, SMS segments, …). Channels
 * without a row get the text generated from the update; the composer shows both.
 */
export const updateVariants = pgTable(
  "update_variants",
  {
    updateId: integer()
      .notNull()
      .references(() => statusUpdates.id, { onDelete: "cascade" }),
    channelKind: text().$type<(typeof CHANNEL_KINDS)[number]>().notNull(),
    /** The edited text, or null to keep the generated one (with `mode`). */
    body: text(),
    mode: text().$type<(typeof VARIANT_MODES)[number]>().notNull().default("shorten"),
    edited: boolean().notNull().default(false),
  },
  (t) => [
    primaryKey({ name: "update_variants_pkey", columns: [t.updateId, t.channelKind] }),
    check("update_variants_kind_check", oneOf(t.channelKind, CHANNEL_KINDS)),
    check("update_variants_mode_check", oneOf(t.mode, VARIANT_MODES)),
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
    /** A channel-wide 429 (Retry-After) holds every delivery of the channel until then. */
    blockedUntil: timestamp({ withTimezone: true }),
    /** The last "send test": when, whether it worked, and what the channel said. */
    lastTest: jsonb().$type<{ at: string; ok: boolean; message: string }>(),
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

/**
 * The outbox: one row per update × channel (or × subscriber, or per reply), claimed by workers with
 * SKIP LOCKED and a lease. `payload` is the message exactly as approved for that channel, frozen.
 */
export const deliveries = pgTable(
  "deliveries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    incidentId: integer().references(() => incidents.id, { onDelete: "set null" }),
    updateId: integer().references(() => statusUpdates.id, { onDelete: "cascade" }),
    replyId: bigint({ mode: "number" }).references(() => replies.id, { onDelete: "cascade" }),
    subscriberId: integer().references(() => subscribers.id, { onDelete: "cascade" }),
    channelId: integer().references(() => channels.id, { onDelete: "set null" }),
    /** The channel's kind when the delivery was written (kept if the channel is later removed). */
    channelKind: text().$type<(typeof CHANNEL_KINDS)[number]>(),
    payload: jsonb().$type<Record<string, unknown>>(),
    state: text().$type<(typeof DELIVERY_STATES)[number]>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp({ withTimezone: true }),
    leaseOwner: text(),
    /** Sent to the remote where it supports one; stable across retries so nothing posts twice. */
    idempotencyKey: text().notNull(),
    /** Remote ids of the parts of a thread already posted, so a retry resumes after them. */
    progress: jsonb().$type<{ parts: { remoteId: string; remoteUrl: string | null }[] }>(),
    remoteId: text(),
    remoteUrl: text(),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    /** Who settled an `unknown` delivery by hand, and how. */
    resolvedByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    resolvedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("deliveries_idempotency_key").on(t.idempotencyKey),
    uniqueIndex("deliveries_update_channel_key")
      .on(t.updateId, t.channelId)
      .where(sql`${t.updateId} is not null and ${t.subscriberId} is null`),
    uniqueIndex("deliveries_update_subscriber_key")
      .on(t.updateId, t.subscriberId)
      .where(sql`${t.subscriberId} is not null`),
    index("deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.state} in ('pending', 'sending')`),
    index("deliveries_org_state_idx").on(t.orgId, t.state),
    index("deliveries_incident_idx").on(t.incidentId, t.createdAt),
    index("deliveries_update_idx").on(t.updateId),
    index("deliveries_reply_idx").on(t.replyId),
    check("deliveries_state_check", oneOf(t.state, DELIVERY_STATES)),
    check("deliveries_subject_check", sql`num_nonnulls(${t.updateId}, ${t.replyId}) = 1`),
  ],
);

/**
 * One row per try, written and committed before the request leaves: `dispatchedAt` set means the request
 * may have reached the remote, which decides whether a crashed attempt may be retried or is `unknown`.
 */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: bigint({ mode: "number" })
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    idempotencyKey: text(),
    worker: text(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    /** sent / failed / retry / unknown */
    outcome: text(),
    httpStatus: integer(),
    error: text(),
  },
  (t) => [index("delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/** Reusable texts with placeholders ({regions}, {eta}, …), per kind and optionally per topic and severity. */
export const templates = pgTable(
  "templates",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    kind: text().$type<(typeof UPDATE_KINDS)[number]>().notNull(),
    /** Null: any topic / any severity. */
    topicSlug: text(),
    severity: text().$type<(typeof SEVERITIES)[number]>(),
    title: text().notNull().default(""),
    body: text().notNull(),
    archivedAt: timestamp({ withTimezone: true }),
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
