ALTER TABLE "spike_clusters" ADD COLUMN "key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "spikes" ADD COLUMN "key" text NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "spike_clusters_org_key" ON "spike_clusters" USING btree ("org_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "spikes_org_key" ON "spikes" USING btree ("org_id","key");