import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { Geometry } from "geojson";
import { organisations } from "./orgs";

/**
 * A place complaints are counted in. Defaults are the 50 US states + DC keyed by USPS code; an
 * organisation may load its own service areas instead. `neighbours` comes from shared borders and
 * drives spike clustering.
 */
export const regions = pgTable(
  "regions",
  {
    orgId: integer()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    code: text().notNull(),
    name: text().notNull(),
    /** FIPS or other external id of the geometry's source. */
    externalId: text(),
    geometry: jsonb().$type<Geometry>().notNull(),
    /** [minLon, minLat, maxLon, maxLat] for a cheap first test before point-in-polygon. */
    bbox: jsonb().$type<[number, number, number, number]>().notNull(),
    centroidLat: doublePrecision().notNull(),
    centroidLon: doublePrecision().notNull(),
    neighbours: text().array().notNull().default([]),
    population: integer(),
    /** IANA zones that lie mostly in this region (used as a last-resort region hint). */
    timeZones: text().array().notNull().default([]),
    /** Share of the organisation's customers here, 0..1, for baselines of sparse cells. */
    weight: real(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "regions_pkey", columns: [t.orgId, t.code] }),
    index("regions_name_idx").on(t.name),
  ],
);
