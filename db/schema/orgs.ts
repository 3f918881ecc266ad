import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { ACTOR_KINDS, oneOf, ROLES } from "./enums";

export const organisations = pgTable("organisations", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  /** Organisation-wide preferences (default update cadence, public status page title, ...). */
  settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  isDemo: boolean().notNull().default(false),
  /**
   * The crisis kill switch: while set, no delivery is claimed and no scheduled update goes out. Cleared
   * only by a deliberate resume (both audited).
   */
  publishingPausedAt: timestamp({ withTimezone: true }),
  publishingPausedByUserId: integer().references((): AnyPgColumn => users.id, { onDelete: "set null" }),
  publishingPauseReason: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    name: text().notNull(),
    role: text().$type<(typeof ROLES)[number]>().notNull(),
    passwordHash: text().notNull(),
    disabledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Sign-in is by email across the install, so email is unique install-wide (case-folded by the service).
    uniqueIndex("users_email_key").on(t.email),
    index("users_org_idx").on(t.orgId),
    check("users_role_check", oneOf(t.role, ROLES)),
    check("users_email_lower_check", sql`${t.email} = lower(${t.email})`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the cookie's random token: a leaked table cannot be replayed as cookies. */
    idHash: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text().notNull().unique(),
    /** First characters of the token, to recognise it in lists. */
    prefix: text().notNull(),
    createdByUserId: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("api_tokens_org_idx").on(t.orgId)],
);

/** Fixed-window counters for rate limits (failed sign-ins, the public report form). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [
    uniqueIndex("rate_limits_key_window_key").on(t.key, t.windowStart),
    index("rate_limits_window_idx").on(t.windowStart),
  ],
);

export const auditEntries = pgTable(
  "audit_entries",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    orgId: integer().references(() => organisations.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorKind: text().$type<(typeof ACTOR_KINDS)[number]>().notNull(),
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    actorTokenId: integer().references(() => apiTokens.id, { onDelete: "set null" }),
    /** Dotted verb, e.g. `auth.sign_in`, `incident.state_changed`. */
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ip: text(),
  },
  (t) => [
    index("audit_org_at_idx").on(t.orgId, t.at.desc()),
    index("audit_target_idx").on(t.targetType, t.targetId),
    check("audit_actor_kind_check", oneOf(t.actorKind, ACTOR_KINDS)),
  ],
);
