-- The incident room's volume chart reads counts of a few regions × every topic over five weekly
-- windows. With the count in the index those are index-only range scans; through the primary key each
-- row costs a heap page (bench:room, 5M complaints: 2-day chart 75 ms → 20 ms of execution).
-- drizzle's index builder has no INCLUDE, hence a custom migration (db/schema/complaints.ts notes it).
CREATE INDEX IF NOT EXISTS "complaint_counts_chart_idx" ON "complaint_counts" USING btree ("org_id","region_code","topic_slug","bucket_start") INCLUDE ("count");
