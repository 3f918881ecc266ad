CREATE TABLE "incident_coverage" (
	"incident_id" integer NOT NULL,
	"region_code" text NOT NULL,
	"complaints" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "incident_coverage_pkey" PRIMARY KEY("incident_id","region_code")
);
--> statement-breakpoint
DROP INDEX "complaints_incident_unanswered_idx";--> statement-breakpoint
ALTER TABLE "incident_coverage" ADD CONSTRAINT "incident_coverage_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaints_incident_geo_idx" ON "complaints" USING btree ("org_id","incident_id","created_at" DESC NULLS LAST) WHERE "complaints"."incident_id" is not null and "complaints"."lat" is not null;--> statement-breakpoint
CREATE INDEX "complaints_incident_unanswered_idx" ON "complaints" USING btree ("org_id","incident_id","author_followers" DESC NULLS LAST,"created_at") WHERE "complaints"."incident_id" is not null and "complaints"."answered_at" is null;