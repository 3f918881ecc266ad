import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

// Every enumerated column is text plus a CHECK constraint built from one of these arrays, so adding a
// value is a generated migration that swaps the constraint, never an ALTER TYPE.

export const ROLES = ["admin", "commander", "comms", "approver", "support", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const REGION_METHODS = ["geo", "postal", "place", "timezone", "none"] as const;
export type RegionMethod = (typeof REGION_METHODS)[number];

export const SPIKE_LEVELS = ["possible", "detected"] as const;
export type SpikeLevel = (typeof SPIKE_LEVELS)[number];

export const INCIDENT_STATES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_ROLES = ["commander", "comms", "approver", "support_lead"] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const UPDATE_KINDS = ["holding", "update", "resolution"] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

export const UPDATE_STATES = ["draft", "in_review", "approved", "published", "withdrawn"] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export const CHANNEL_KINDS = [
  "status_page",
  "email",
  "sms",
  "slack",
  "teams",
  "webhook",
  "x",
  "facebook",
  "mastodon",
  "bluesky",
  "statuspage",
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const DELIVERY_STATES = ["pending", "sending", "sent", "failed", "unknown", "cancelled"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** How an inbound source's payloads are mapped onto the complaint record. */
export const SOURCE_MAPPERS = ["complaint", "x", "mastodon", "bluesky", "facebook", "zendesk"] as const;
export type SourceMapper = (typeof SOURCE_MAPPERS)[number];

/** What a comment on a status update records: a remark, or one step of the approval. */
export const UPDATE_COMMENT_KINDS = [
  "comment",
  "submitted",
  "approved",
  "changes_requested",
  "withdrawn",
] as const;
export type UpdateCommentKind = (typeof UPDATE_COMMENT_KINDS)[number];

/** How a channel variant too long for its channel is fitted: cut with a link, or split into a thread. */
export const VARIANT_MODES = ["shorten", "thread"] as const;
export type VariantMode = (typeof VARIANT_MODES)[number];

export const SUBSCRIBER_KINDS = ["email", "sms", "webhook"] as const;
export type SubscriberKind = (typeof SUBSCRIBER_KINDS)[number];

/** Why a subscriber no longer receives messages (besides unsubscribing): a hard bounce, SMS STOP, … */
export const SUBSCRIBER_INACTIVE_REASONS = ["bounced", "complained", "sms_stop"] as const;
export type SubscriberInactiveReason = (typeof SUBSCRIBER_INACTIVE_REASONS)[number];

/** A maintenance window: scheduled → in progress → completed, or cancelled before it starts. */
export const MAINTENANCE_STATES = ["scheduled", "in_progress", "completed", "cancelled"] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

export const COMPONENT_STATUSES = [
  "operational",
  "degraded",
  "partial_outage",
  "major_outage",
  "maintenance",
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const ACTOR_KINDS = ["user", "token", "system"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** `column IN ('a','b',...)` for a CHECK constraint; values come from the constant arrays above only. */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");
  return sql`${column} in (${sql.raw(list)})`;
}

/** Counts and spikes key the "no resolvable region" bucket with this code instead of NULL. */
export const UNKNOWN_REGION = "unknown";
