CREATE TABLE "settlement_lines" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"settlement_id" uuid NOT NULL,
	"external_line_id" text NOT NULL,
	"platform_order_id" text DEFAULT '' NOT NULL,
	"platform_order_ref" uuid,
	"order_id" uuid,
	"type" text NOT NULL,
	"platform_type" text DEFAULT '' NOT NULL,
	"currency" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"posted_at" timestamp with time zone,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_lines_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "settlement_pull_runs" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"settlements" integer DEFAULT 0 NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "settlement_pull_runs_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid,
	"platform" text NOT NULL,
	"external_id" text NOT NULL,
	"settled_at" timestamp with time zone NOT NULL,
	"currency" text NOT NULL,
	"expected_amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"received_amount" numeric(18, 4),
	"status" text NOT NULL,
	"platform_status" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlements_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "order_charges" DROP CONSTRAINT "order_charges_amount_nonneg";--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD COLUMN "settlement_cursor" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD COLUMN "settlement_next_pull_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD COLUMN "last_settlement_pull_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD COLUMN "last_settlement_pull_result" text;--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD COLUMN "last_settlement_pull_summary" jsonb;--> statement-breakpoint
ALTER TABLE "order_charges" ADD COLUMN "source" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_settlement_id_fk" FOREIGN KEY ("org_id","settlement_id") REFERENCES "public"."settlements"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_platform_order_fk" FOREIGN KEY ("org_id","platform_order_ref") REFERENCES "public"."platform_orders"("org_id","id") ON DELETE SET NULL ("platform_order_ref") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_order_id_fk" FOREIGN KEY ("org_id","order_id") REFERENCES "public"."orders"("org_id","id") ON DELETE SET NULL ("order_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_pull_runs" ADD CONSTRAINT "settlement_pull_runs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_pull_runs" ADD CONSTRAINT "settlement_pull_runs_account_id_fk" FOREIGN KEY ("org_id","account_id") REFERENCES "public"."channel_accounts"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_account_id_fk" FOREIGN KEY ("org_id","account_id") REFERENCES "public"."channel_accounts"("org_id","id") ON DELETE SET NULL ("account_id") ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_lines_org_settlement_line_uq" ON "settlement_lines" USING btree ("org_id","settlement_id","external_line_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_org_order_idx" ON "settlement_lines" USING btree ("org_id","order_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_org_platform_order_idx" ON "settlement_lines" USING btree ("org_id","platform_order_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_org_platform_order_ref_idx" ON "settlement_lines" USING btree ("org_id","platform_order_ref");--> statement-breakpoint
CREATE INDEX "settlement_lines_org_unmatched_idx" ON "settlement_lines" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "settlement_lines"."platform_order_ref" is null and "settlement_lines"."platform_order_id" <> '';--> statement-breakpoint
CREATE INDEX "settlement_pull_runs_account_idx" ON "settlement_pull_runs" USING btree ("org_id","account_id","started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_pull_runs_running_uq" ON "settlement_pull_runs" USING btree ("org_id","account_id") WHERE "settlement_pull_runs"."status" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "settlements_org_platform_external_uq" ON "settlements" USING btree ("org_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "settlements_org_settled_idx" ON "settlements" USING btree ("org_id","settled_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "settlements_org_account_idx" ON "settlements" USING btree ("org_id","account_id","settled_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "channel_accounts_settlement_due_idx" ON "channel_accounts" USING btree ("settlement_next_pull_at") WHERE "channel_accounts"."status" = 'enabled' and "channel_accounts"."pull_mode" = 'auto';--> statement-breakpoint
ALTER TABLE "order_charges" ADD CONSTRAINT "order_charges_amount_nonneg" CHECK ("order_charges"."amount" >= 0 or "order_charges"."source" = 'settlement');--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "settlements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "settlements" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "settlements" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "settlements" TO manifold_app;--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "settlement_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "settlement_lines" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "settlement_lines" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "settlement_lines" TO manifold_app;--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "settlement_pull_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "settlement_pull_runs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "settlement_pull_runs" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "settlement_pull_runs" TO manifold_app;
