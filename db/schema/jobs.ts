import { integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { organisations } from "./orgs";

/** Where each background job got to (e.g. the last complaint id whose terms were counted). */
export const jobState = pgTable(
  "job_state",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    job: text().notNull(),
    state: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "job_state_pkey", columns: [t.orgId, t.job] })],
);

/** Hourly counts of terms in complaint texts: the baseline for emerging-term detection. */
export const termCounts = pgTable(
  "term_counts",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    hourStart: timestamp({ withTimezone: true }).notNull(),
    term: text().notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [primaryKey({ name: "term_counts_pkey", columns: [t.orgId, t.hourStart, t.term] })],
);
