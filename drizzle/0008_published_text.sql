ALTER TABLE "status_updates" ADD COLUMN "published_title" text;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "published_body" text;