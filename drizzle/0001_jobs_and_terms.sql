CREATE TABLE "job_state" (
	"org_id" integer NOT NULL,
	"job" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_state_pkey" PRIMARY KEY("org_id","job")
);
--> statement-breakpoint
CREATE TABLE "term_counts" (
	"org_id" integer NOT NULL,
	"hour_start" timestamp with time zone NOT NULL,
	"term" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "term_counts_pkey" PRIMARY KEY("org_id","hour_start","term")
);
--> statement-breakpoint
ALTER TABLE "job_state" ADD CONSTRAINT "job_state_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "term_counts" ADD CONSTRAINT "term_counts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;