import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { MAINTENANCE_STATES, oneOf } from "./enums";
import { organisations, users } from "./orgs";

/**
 * Planned work shown on the status page. Subscribers of its regions or components hear of it
 * `notifyMinutesBefore` its start (through the delivery outbox); a background loop opens it at `startsAt`
 * (its components show "maintenance") and completes it at `endsAt`.
 */
export const maintenanceWindows = pgTable(
  "maintenance_windows",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    title: text().notNull(),
    description: text().notNull().default(""),
    regions: text().array().notNull().default([]),
    componentIds: integer().array().notNull().default([]),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    state: text().$type<(typeof MAINTENANCE_STATES)[number]>().notNull().default("scheduled"),
    /** How long before the start subscribers are notified (0: at the start). */
    notifyMinutesBefore: integer().notNull().default(60),
    notifiedAt: timestamp({ withTimezone: true }),
    startedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    createdByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("maintenance_windows_org_starts_idx").on(t.orgId, t.startsAt),
    index("maintenance_windows_due_idx")
      .on(t.startsAt)
      .where(sql`${t.state} in ('scheduled', 'in_progress')`),
    check("maintenance_windows_state_check", oneOf(t.state, MAINTENANCE_STATES)),
    check("maintenance_windows_period_check", sql`${t.endsAt} > ${t.startsAt}`),
    check("maintenance_windows_notify_check", sql`${t.notifyMinutesBefore} between 0 and 10080`),
  ],
);
