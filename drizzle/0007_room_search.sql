-- The incident room's complaint search is a case-insensitive substring (`text ilike '%q%'`) within one
-- incident. Without an index a search that matches nothing reads every complaint of the incident
-- (~240 ms at 100k); a trigram GIN index answers it from the few complaints whose text has all of the
-- query's trigrams (docs/decisions/009-room-search.md). Partial on `incident_id is not null`: intake
-- stores complaints with no incident, so only the stamping of complaints into an incident writes it.
-- pg_trgm is a trusted contrib extension (any database owner may create it); on embedded PGlite it is
-- loaded by db/client.server.ts. drizzle-kit generated the index (and the snapshot); the extension line
-- and IF NOT EXISTS were added by hand before this migration was first applied (drizzle's schema has
-- no word for an extension). A large installation may build the index beforehand, without blocking
-- intake: CREATE INDEX CONCURRENTLY with this definition, after CREATE EXTENSION pg_trgm.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "complaints_incident_text_trgm_idx" ON "complaints" USING gin ("text" gin_trgm_ops) WHERE "complaints"."incident_id" is not null;
