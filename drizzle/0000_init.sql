CREATE TABLE "channels" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "channels_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_enc" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channels_kind_check" CHECK ("channels"."kind" in ('status_page', 'email', 'sms', 'slack', 'teams', 'webhook', 'x', 'facebook', 'mastodon', 'bluesky'))
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"update_id" integer,
	"reply_id" bigint,
	"channel_id" integer,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"idempotency_key" text NOT NULL,
	"remote_id" text,
	"remote_url" text,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_state_check" CHECK ("deliveries"."state" in ('pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
	CONSTRAINT "deliveries_subject_check" CHECK (num_nonnulls("deliveries"."update_id", "deliveries"."reply_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivery_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text,
	"http_status" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "replies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "replies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"incident_id" integer,
	"complaint_id" bigint NOT NULL,
	"cluster_id" integer,
	"batch_id" uuid,
	"body" text NOT NULL,
	"via" text NOT NULL,
	"author_user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_updates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "status_updates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"incident_id" integer NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"body" text NOT NULL,
	"component_statuses" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"next_update_minutes" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"author_user_id" integer,
	"submitted_at" timestamp with time zone,
	"approved_by_user_id" integer,
	"approved_at" timestamp with time zone,
	"approved_version" integer,
	"review_note" text,
	"published_by_user_id" integer,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_updates_kind_check" CHECK ("status_updates"."kind" in ('holding', 'update', 'resolution')),
	CONSTRAINT "status_updates_state_check" CHECK ("status_updates"."state" in ('draft', 'in_review', 'approved', 'published', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "subscribers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"regions" text[] DEFAULT '{}' NOT NULL,
	"component_ids" integer[] DEFAULT '{}' NOT NULL,
	"confirm_token_hash" text,
	"confirmed_at" timestamp with time zone,
	"unsubscribe_token_hash" text NOT NULL,
	"unsubscribed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscribers_kind_check" CHECK ("subscribers"."kind" in ('email', 'sms', 'webhook'))
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "templates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "templates_kind_check" CHECK ("templates"."kind" in ('holding', 'update', 'resolution'))
);
--> statement-breakpoint
CREATE TABLE "update_variants" (
	"update_id" integer NOT NULL,
	"channel_kind" text NOT NULL,
	"body" text NOT NULL,
	"edited" boolean DEFAULT false NOT NULL,
	CONSTRAINT "update_variants_pkey" PRIMARY KEY("update_id","channel_kind"),
	CONSTRAINT "update_variants_kind_check" CHECK ("update_variants"."channel_kind" in ('status_page', 'email', 'sms', 'slack', 'teams', 'webhook', 'x', 'facebook', 'mastodon', 'bluesky'))
);
--> statement-breakpoint
CREATE TABLE "complaint_counts" (
	"org_id" integer NOT NULL,
	"region_code" text NOT NULL,
	"topic_slug" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"raw_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "complaint_counts_pkey" PRIMARY KEY("org_id","region_code","topic_slug","bucket_start"),
	CONSTRAINT "complaint_counts_bucket_check" CHECK (extract(epoch from "complaint_counts"."bucket_start")::bigint % 300 = 0)
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "complaints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"source" text NOT NULL,
	"source_id" integer,
	"external_id" text,
	"text" text NOT NULL,
	"author_handle" text,
	"author_name" text,
	"author_followers" integer,
	"created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lat" double precision,
	"lon" double precision,
	"location" text,
	"postal_code" text,
	"url" text,
	"region_code" text,
	"region_method" text DEFAULT 'none' NOT NULL,
	"region_confidence" real DEFAULT 0 NOT NULL,
	"topic_slug" text NOT NULL,
	"topic_score" real DEFAULT 0 NOT NULL,
	"sentiment" real,
	"fingerprint" text,
	"amplifies_id" bigint,
	"counted" boolean DEFAULT true NOT NULL,
	"incident_id" integer,
	"cluster_id" integer,
	"answered_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	CONSTRAINT "complaints_region_method_check" CHECK ("complaints"."region_method" in ('geo', 'postal', 'place', 'timezone', 'none')),
	CONSTRAINT "complaints_lat_check" CHECK ("complaints"."lat" is null or "complaints"."lat" between -90 and 90),
	CONSTRAINT "complaints_lon_check" CHECK ("complaints"."lon" is null or "complaints"."lon" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "counted_authors" (
	"org_id" integer NOT NULL,
	"hour_start" timestamp with time zone NOT NULL,
	"region_code" text NOT NULL,
	"topic_slug" text NOT NULL,
	"author_key" text NOT NULL,
	CONSTRAINT "counted_authors_pkey" PRIMARY KEY("org_id","hour_start","region_code","topic_slug","author_key")
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sources_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"name" text NOT NULL,
	"mapper" text DEFAULT 'complaint' NOT NULL,
	"webhook_secret_enc" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"accepted_count" bigint DEFAULT 0 NOT NULL,
	"duplicate_count" bigint DEFAULT 0 NOT NULL,
	"rejected_count" bigint DEFAULT 0 NOT NULL,
	"last_received_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sources_mapper_check" CHECK ("sources"."mapper" in ('complaint', 'x', 'mastodon', 'bluesky', 'facebook', 'zendesk'))
);
--> statement-breakpoint
CREATE TABLE "webhook_receipts" (
	"source_id" integer NOT NULL,
	"webhook_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_receipts_pkey" PRIMARY KEY("source_id","webhook_id")
);
--> statement-breakpoint
CREATE TABLE "detection_runs" (
	"org_id" integer PRIMARY KEY NOT NULL,
	"evaluated_through" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "detector_cells" (
	"org_id" integer NOT NULL,
	"region_code" text NOT NULL,
	"topic_slug" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"evaluated_through" timestamp with time zone,
	CONSTRAINT "detector_cells_pkey" PRIMARY KEY("org_id","region_code","topic_slug")
);
--> statement-breakpoint
CREATE TABLE "spike_clusters" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "spike_clusters_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"topic_slug" text NOT NULL,
	"regions" text[] DEFAULT '{}' NOT NULL,
	"level" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"peak_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"observed" integer NOT NULL,
	"expected" real NOT NULL,
	"score" real NOT NULL,
	"incident_id" integer,
	"suggested_incident_id" integer,
	"dismissed_at" timestamp with time zone,
	"dismissed_by_user_id" integer,
	"dismiss_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spike_clusters_level_check" CHECK ("spike_clusters"."level" in ('possible', 'detected'))
);
--> statement-breakpoint
CREATE TABLE "spikes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "spikes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"cluster_id" integer,
	"region_code" text NOT NULL,
	"topic_slug" text NOT NULL,
	"level" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"peak_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"observed" integer NOT NULL,
	"expected" real NOT NULL,
	"score" real NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spikes_level_check" CHECK ("spikes"."level" in ('possible', 'detected'))
);
--> statement-breakpoint
CREATE TABLE "components" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "components_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'operational' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "components_status_check" CHECK ("components"."status" in ('operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance'))
);
--> statement-breakpoint
CREATE TABLE "incident_assignments" (
	"incident_id" integer NOT NULL,
	"role" text NOT NULL,
	"user_id" integer NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_assignments_pkey" PRIMARY KEY("incident_id","role","user_id"),
	CONSTRAINT "incident_assignments_role_check" CHECK ("incident_assignments"."role" in ('commander', 'comms', 'approver', 'support_lead'))
);
--> statement-breakpoint
CREATE TABLE "incident_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "incident_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"incident_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" integer,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "incidents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"title" text NOT NULL,
	"state" text DEFAULT 'investigating' NOT NULL,
	"severity" text DEFAULT 'SEV3' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"commander_user_id" integer,
	"regions" text[] DEFAULT '{}' NOT NULL,
	"component_ids" integer[] DEFAULT '{}' NOT NULL,
	"topics" text[] DEFAULT '{}' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"identified_at" timestamp with time zone,
	"monitoring_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"cadence_minutes" integer DEFAULT 30 NOT NULL,
	"next_update_due_at" timestamp with time zone,
	"created_by_user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_state_check" CHECK ("incidents"."state" in ('investigating', 'identified', 'monitoring', 'resolved')),
	CONSTRAINT "incidents_severity_check" CHECK ("incidents"."severity" in ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
	CONSTRAINT "incidents_cadence_check" CHECK ("incidents"."cadence_minutes" between 5 and 1440)
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by_user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_user_id" integer,
	"actor_token_id" integer,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text,
	CONSTRAINT "audit_actor_kind_check" CHECK ("audit_entries"."actor_kind" in ('user', 'token', 'system'))
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "organisations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"org_id" integer NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('admin', 'commander', 'comms', 'approver', 'support', 'viewer')),
	CONSTRAINT "users_email_lower_check" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"org_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"external_id" text,
	"geometry" jsonb NOT NULL,
	"bbox" jsonb NOT NULL,
	"centroid_lat" double precision NOT NULL,
	"centroid_lon" double precision NOT NULL,
	"neighbours" text[] DEFAULT '{}' NOT NULL,
	"population" integer,
	"time_zones" text[] DEFAULT '{}' NOT NULL,
	"weight" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "regions_pkey" PRIMARY KEY("org_id","code")
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"org_id" integer NOT NULL,
	"slug" text NOT NULL,
	"label" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"keywords" text[] DEFAULT '{}' NOT NULL,
	"severity_hint" text,
	"position" integer DEFAULT 0 NOT NULL,
	"archived_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topics_pkey" PRIMARY KEY("org_id","slug"),
	CONSTRAINT "topics_slug_check" CHECK ("topics"."slug" ~ '^[a-z0-9][a-z0-9-]{0,47}$'),
	CONSTRAINT "topics_severity_hint_check" CHECK ("topics"."severity_hint" is null or "topics"."severity_hint" in ('SEV1', 'SEV2', 'SEV3', 'SEV4'))
);
--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_update_id_status_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."status_updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_reply_id_replies_id_fk" FOREIGN KEY ("reply_id") REFERENCES "public"."replies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_cluster_id_spike_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."spike_clusters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replies" ADD CONSTRAINT "replies_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_approved_by_user_id_users_id_fk" FOREIGN KEY ("approved_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_updates" ADD CONSTRAINT "status_updates_published_by_user_id_users_id_fk" FOREIGN KEY ("published_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "templates" ADD CONSTRAINT "templates_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_variants" ADD CONSTRAINT "update_variants_update_id_status_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."status_updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_counts" ADD CONSTRAINT "complaint_counts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_cluster_id_spike_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."spike_clusters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_region_fk" FOREIGN KEY ("org_id","region_code") REFERENCES "public"."regions"("org_id","code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_topic_fk" FOREIGN KEY ("org_id","topic_slug") REFERENCES "public"."topics"("org_id","slug") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "counted_authors" ADD CONSTRAINT "counted_authors_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD CONSTRAINT "webhook_receipts_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "detection_runs" ADD CONSTRAINT "detection_runs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "detector_cells" ADD CONSTRAINT "detector_cells_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spike_clusters" ADD CONSTRAINT "spike_clusters_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spike_clusters" ADD CONSTRAINT "spike_clusters_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spike_clusters" ADD CONSTRAINT "spike_clusters_suggested_incident_id_incidents_id_fk" FOREIGN KEY ("suggested_incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spike_clusters" ADD CONSTRAINT "spike_clusters_dismissed_by_user_id_users_id_fk" FOREIGN KEY ("dismissed_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spikes" ADD CONSTRAINT "spikes_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spikes" ADD CONSTRAINT "spikes_cluster_id_spike_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."spike_clusters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "components" ADD CONSTRAINT "components_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_assignments" ADD CONSTRAINT "incident_assignments_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_assignments" ADD CONSTRAINT "incident_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_commander_user_id_users_id_fk" FOREIGN KEY ("commander_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_actor_token_id_api_tokens_id_fk" FOREIGN KEY ("actor_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topics" ADD CONSTRAINT "topics_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channels_org_name_key" ON "channels" USING btree ("org_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_idempotency_key" ON "deliveries" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_update_channel_key" ON "deliveries" USING btree ("update_id","channel_id") WHERE "deliveries"."update_id" is not null;--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."state" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "deliveries_org_state_idx" ON "deliveries" USING btree ("org_id","state");--> statement-breakpoint
CREATE INDEX "deliveries_reply_idx" ON "deliveries" USING btree ("reply_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" USING btree ("delivery_id","attempt");--> statement-breakpoint
CREATE INDEX "replies_complaint_idx" ON "replies" USING btree ("complaint_id");--> statement-breakpoint
CREATE INDEX "replies_incident_idx" ON "replies" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "replies_batch_idx" ON "replies" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "status_updates_incident_idx" ON "status_updates" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "status_updates_org_published_idx" ON "status_updates" USING btree ("org_id","published_at" DESC NULLS LAST) WHERE "status_updates"."published_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_org_kind_address_key" ON "subscribers" USING btree ("org_id","kind","address");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_org_name_key" ON "templates" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "complaint_counts_bucket_idx" ON "complaint_counts" USING btree ("org_id","bucket_start");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_source_external_key" ON "complaints" USING btree ("org_id","source","external_id") WHERE "complaints"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "complaints_org_created_idx" ON "complaints" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "complaints_cell_idx" ON "complaints" USING btree ("org_id","region_code","topic_slug","created_at");--> statement-breakpoint
CREATE INDEX "complaints_incident_idx" ON "complaints" USING btree ("org_id","incident_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "complaints"."incident_id" is not null;--> statement-breakpoint
CREATE INDEX "complaints_incident_unanswered_idx" ON "complaints" USING btree ("org_id","incident_id","created_at") WHERE "complaints"."incident_id" is not null and "complaints"."answered_at" is null;--> statement-breakpoint
CREATE INDEX "complaints_cluster_idx" ON "complaints" USING btree ("cluster_id","created_at") WHERE "complaints"."cluster_id" is not null;--> statement-breakpoint
CREATE INDEX "complaints_fingerprint_idx" ON "complaints" USING btree ("org_id","fingerprint");--> statement-breakpoint
CREATE UNIQUE INDEX "sources_org_name_key" ON "sources" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "webhook_receipts_received_idx" ON "webhook_receipts" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "spike_clusters_org_open_idx" ON "spike_clusters" USING btree ("org_id","detected_at" DESC NULLS LAST) WHERE "spike_clusters"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "spike_clusters_org_detected_idx" ON "spike_clusters" USING btree ("org_id","detected_at");--> statement-breakpoint
CREATE INDEX "spike_clusters_incident_idx" ON "spike_clusters" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "spikes_open_cell_key" ON "spikes" USING btree ("org_id","region_code","topic_slug") WHERE "spikes"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "spikes_org_detected_idx" ON "spikes" USING btree ("org_id","detected_at");--> statement-breakpoint
CREATE INDEX "spikes_cluster_idx" ON "spikes" USING btree ("cluster_id");--> statement-breakpoint
CREATE UNIQUE INDEX "components_org_name_key" ON "components" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "incident_assignments_user_idx" ON "incident_assignments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "incident_events_incident_at_idx" ON "incident_events" USING btree ("incident_id","at");--> statement-breakpoint
CREATE INDEX "incidents_org_open_idx" ON "incidents" USING btree ("org_id","started_at" DESC NULLS LAST) WHERE "incidents"."state" <> 'resolved';--> statement-breakpoint
CREATE INDEX "incidents_org_started_idx" ON "incidents" USING btree ("org_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "api_tokens_org_idx" ON "api_tokens" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "audit_org_at_idx" ON "audit_entries" USING btree ("org_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_target_idx" ON "audit_entries" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rate_limits_key_window_key" ON "rate_limits" USING btree ("key","window_start");--> statement-breakpoint
CREATE INDEX "rate_limits_window_idx" ON "rate_limits" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "users_org_idx" ON "users" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "regions_name_idx" ON "regions" USING btree ("name");