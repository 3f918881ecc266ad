import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { oneOf, SEVERITIES } from "./enums";
import { organisations } from "./orgs";

/**
 * The editable topic taxonomy. Removing a topic archives it (complaints and counts keep pointing at it);
 * `other` always exists and is the classifier's fallback.
 */
export const topics = pgTable(
  "topics",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    slug: text().notNull(),
    label: text().notNull(),
    description: text().notNull().default(""),
    keywords: text().array().notNull().default([]),
    /** Severity the console suggests when an incident is opened from a spike of this topic. */
    severityHint: text().$type<(typeof SEVERITIES)[number]>(),
    position: integer().notNull().default(0),
    archivedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "topics_pkey", columns: [t.orgId, t.slug] }),
    check("topics_slug_check", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,47}$'`),
    check(
      "topics_severity_hint_check",
      sql`${t.severityHint} is null or ${oneOf(t.severityHint, SEVERITIES)}`,
    ),
  ],
);
