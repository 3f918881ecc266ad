CREATE TABLE "update_comments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "update_comments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"update_id" integer NOT NULL,
	"version" integer NOT NULL,
	"kind" text DEFAULT 'comment' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"author_user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "update_comments_kind_check" CHECK ("update_comments"."kind" in ('comment', 'submitted', 'approved', 'changes_requested', 'withdrawn'))
);
--> statement-breakpoint
ALTER TABLE "channels" DROP CONSTRAINT "channels_kind_check";--> statement-breakpoint
ALTER TABLE "update_variants" DROP CONSTRAINT "update_variants_kind_check";--> statement-breakpoint
DROP INDEX "deliveries_update_channel_key";--> statement-breakpoint
ALTER TABLE "update_variants" ALTER COLUMN "body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "blocked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "last_test" jsonb;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "incident_id" integer;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "subscriber_id" integer;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "channel_kind" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "progress" jsonb;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "resolved_by_user_id" integer;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "number" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "template_id" integer;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "regions" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "incident_state" text;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "eta" text;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "next_update_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "status_updates" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "topic_slug" text;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "severity" text;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "title" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "update_variants" ADD COLUMN "mode" text DEFAULT 'shorten' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "publishing_paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "publishing_paused_by_user_id" integer;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "publishing_pause_reason" text;--> statement-breakpoint
ALTER TABLE "update_comments" ADD CONSTRAINT "update_comments_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_comments" ADD CONSTRAINT "update_comments_update_id_status_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."status_updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_comments" ADD CONSTRAINT "update_comments_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "update_comments_update_idx" ON "update_comments" USING btree ("update_id","created_at");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_resolved_by_user_id_users_id_fk" FOREIGN KEY ("resolved_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_publishing_paused_by_user_id_users_id_fk" FOREIGN KEY ("publishing_paused_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_update_subscriber_key" ON "deliveries" USING btree ("update_id","subscriber_id") WHERE "deliveries"."subscriber_id" is not null;--> statement-breakpoint
CREATE INDEX "deliveries_incident_idx" ON "deliveries" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_update_idx" ON "deliveries" USING btree ("update_id");--> statement-breakpoint
CREATE UNIQUE INDEX "status_updates_incident_number_key" ON "status_updates" USING btree ("incident_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_update_channel_key" ON "deliveries" USING btree ("update_id","channel_id") WHERE "deliveries"."update_id" is not null and "deliveries"."subscriber_id" is null;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_kind_check" CHECK ("channels"."kind" in ('status_page', 'email', 'sms', 'slack', 'teams', 'webhook', 'x', 'facebook', 'mastodon', 'bluesky', 'statuspage'));--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_next_update_check" CHECK ("status_updates"."next_update_minutes" between 5 and 1440);--> statement-breakpoint
ALTER TABLE "update_variants" ADD CONSTRAINT "update_variants_mode_check" CHECK ("update_variants"."mode" in ('shorten', 'thread'));--> statement-breakpoint
ALTER TABLE "update_variants" ADD CONSTRAINT "update_variants_kind_check" CHECK ("update_variants"."channel_kind" in ('status_page', 'email', 'sms', 'slack', 'teams', 'webhook', 'x', 'facebook', 'mastodon', 'bluesky', 'statuspage'));