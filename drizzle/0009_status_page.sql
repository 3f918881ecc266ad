CREATE TABLE "maintenance_windows" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "maintenance_windows_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"regions" text[] DEFAULT '{}' NOT NULL,
	"component_ids" integer[] DEFAULT '{}' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'scheduled' NOT NULL,
	"notify_minutes_before" integer DEFAULT 60 NOT NULL,
	"notified_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_by_user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_windows_state_check" CHECK ("maintenance_windows"."state" in ('scheduled', 'in_progress', 'completed', 'cancelled')),
	CONSTRAINT "maintenance_windows_period_check" CHECK ("maintenance_windows"."ends_at" > "maintenance_windows"."starts_at"),
	CONSTRAINT "maintenance_windows_notify_check" CHECK ("maintenance_windows"."notify_minutes_before" between 0 and 10080)
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_subject_check";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "maintenance_id" integer;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "confirm_code_hash" text;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "confirm_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "confirm_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "inactive_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "inactive_reason" text;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "bounce_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "last_bounce_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "maintenance_windows_org_starts_idx" ON "maintenance_windows" USING btree ("org_id","starts_at");--> statement-breakpoint
CREATE INDEX "maintenance_windows_due_idx" ON "maintenance_windows" USING btree ("starts_at") WHERE "maintenance_windows"."state" in ('scheduled', 'in_progress');--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_maintenance_id_maintenance_windows_id_fk" FOREIGN KEY ("maintenance_id") REFERENCES "public"."maintenance_windows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_subscriber_idx" ON "deliveries" USING btree ("subscriber_id") WHERE "deliveries"."subscriber_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_unsubscribe_token_key" ON "subscribers" USING btree ("unsubscribe_token_hash");--> statement-breakpoint
CREATE INDEX "subscribers_confirm_token_idx" ON "subscribers" USING btree ("confirm_token_hash") WHERE "subscribers"."confirm_token_hash" is not null;--> statement-breakpoint
CREATE INDEX "subscribers_active_idx" ON "subscribers" USING btree ("org_id","kind") WHERE "subscribers"."confirmed_at" is not null and "subscribers"."unsubscribed_at" is null and "subscribers"."inactive_at" is null;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_subject_check" CHECK (num_nonnulls("deliveries"."update_id", "deliveries"."reply_id", "deliveries"."maintenance_id") <= 1 and (num_nonnulls("deliveries"."update_id", "deliveries"."reply_id") = 1 or "deliveries"."subscriber_id" is not null));--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_inactive_reason_check" CHECK ("subscribers"."inactive_reason" in ('bounced', 'complained', 'sms_stop'));