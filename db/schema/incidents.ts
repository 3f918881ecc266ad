import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { COMPONENT_STATUSES, INCIDENT_ROLES, INCIDENT_STATES, oneOf, SEVERITIES } from "./enums";
import { organisations, users } from "./orgs";

/** Customer-facing parts of the service (shown on the status page, chosen per incident). */
export const components = pgTable(
  "components",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    status: text().$type<(typeof COMPONENT_STATUSES)[number]>().notNull().default("operational"),
    position: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("components_org_name_key").on(t.orgId, t.name),
    check("components_status_check", oneOf(t.status, COMPONENT_STATUSES)),
  ],
);

export const incidents = pgTable(
  "incidents",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    title: text().notNull(),
    state: text().$type<(typeof INCIDENT_STATES)[number]>().notNull().default("investigating"),
    severity: text().$type<(typeof SEVERITIES)[number]>().notNull().default("SEV3"),
    summary: text().notNull().default(""),
    commanderUserId: integer().references(() => users.id, { onDelete: "set null" }),
    /** Affected region codes: from linked spikes, editable by the commander. */
    regions: text().array().notNull().default([]),
    /** Affected component ids. */
    componentIds: integer().array().notNull().default([]),
    /** Topics the incident is about (from linked spikes); scopes its complaint stream and charts. */
    topics: text().array().notNull().default([]),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    identifiedAt: timestamp({ withTimezone: true }),
    monitoringAt: timestamp({ withTimezone: true }),
    resolvedAt: timestamp({ withTimezone: true }),
    /** Promised public update cadence; the room counts down to `nextUpdateDueAt`. */
    cadenceMinutes: integer().notNull().default(30),
    nextUpdateDueAt: timestamp({ withTimezone: true }),
    createdByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("incidents_org_open_idx").on(t.orgId, t.startedAt.desc()).where(sql`${t.state} <> 'resolved'`),
    index("incidents_org_started_idx").on(t.orgId, t.startedAt.desc()),
    check("incidents_state_check", oneOf(t.state, INCIDENT_STATES)),
    check("incidents_severity_check", oneOf(t.severity, SEVERITIES)),
    check("incidents_cadence_check", sql`${t.cadenceMinutes} between 5 and 1440`),
  ],
);

export const incidentAssignments = pgTable(
  "incident_assignments",
  {
    incidentId: integer()
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    role: text().$type<(typeof INCIDENT_ROLES)[number]>().notNull(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    assignedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "incident_assignments_pkey", columns: [t.incidentId, t.role, t.userId] }),
    index("incident_assignments_user_idx").on(t.userId),
    check("incident_assignments_role_check", oneOf(t.role, INCIDENT_ROLES)),
  ],
);

/** The incident's timeline: every change, note, link and publication, in order. */
export const incidentEvents = pgTable(
  "incident_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    incidentId: integer()
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    /** e.g. `created`, `state_changed`, `severity_changed`, `spike_linked`, `update_published`, `note`. */
    kind: text().notNull(),
    message: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("incident_events_incident_at_idx").on(t.incidentId, t.at)],
);

/** Complaints placed in an incident and how many were answered, per region (support leads' coverage). */
export const incidentCoverage = pgTable(
  "incident_coverage",
  {
    incidentId: integer()
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    regionCode: text().notNull(),
    complaints: integer().notNull().default(0),
    answered: integer().notNull().default(0),
  },
  (t) => [primaryKey({ name: "incident_coverage_pkey", columns: [t.incidentId, t.regionCode] })],
);
