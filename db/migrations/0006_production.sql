CREATE TABLE "production_mapping_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"mapping_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"operation_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"standard_minutes" numeric(18, 4) DEFAULT '0' NOT NULL,
	"work_centre" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_plan_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"reason" text,
	"details" jsonb,
	"actor_user_id" uuid,
	"actor_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_plan_order_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"order_line_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_no" text NOT NULL,
	"product_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"product_name" text DEFAULT '' NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"route_id" uuid NOT NULL,
	"planned_start" date,
	"planned_end" date,
	"work_centre" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"status_reason" text,
	"remark" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"released_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "production_plans_qty_positive" CHECK ("production_plans"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "production_programmes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"endpoint_url" text,
	"app_key" text,
	"app_secret_enc" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_route_mappings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"programme_id" uuid NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_route_products" (
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_route_steps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"route_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"operation_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_routes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"copied_from_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_stages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"programme_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"seq" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_upstream_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"programme_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"idempotency_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"http_status" integer,
	"response" jsonb,
	"last_error" text,
	"outbox_event_id" uuid,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_work_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"operation_id" uuid NOT NULL,
	"good_qty" numeric(18, 4) NOT NULL,
	"defective_qty" numeric(18, 4) DEFAULT '0' NOT NULL,
	"operator" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"override_reason" text,
	"remark" text DEFAULT '' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "production_work_reports_qty_nonneg" CHECK ("production_work_reports"."good_qty" >= 0 and "production_work_reports"."defective_qty" >= 0 and "production_work_reports"."good_qty" + "production_work_reports"."defective_qty" > 0)
);
--> statement-breakpoint
ALTER TABLE "production_mapping_entries" ADD CONSTRAINT "production_mapping_entries_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_mapping_entries" ADD CONSTRAINT "production_mapping_entries_mapping_id_production_route_mappings_id_fk" FOREIGN KEY ("mapping_id") REFERENCES "public"."production_route_mappings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_mapping_entries" ADD CONSTRAINT "production_mapping_entries_stage_id_production_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."production_stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_mapping_entries" ADD CONSTRAINT "production_mapping_entries_operation_id_production_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."production_operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_operations" ADD CONSTRAINT "production_operations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_events" ADD CONSTRAINT "production_plan_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_events" ADD CONSTRAINT "production_plan_events_plan_id_production_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."production_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_events" ADD CONSTRAINT "production_plan_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_order_lines" ADD CONSTRAINT "production_plan_order_lines_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_order_lines" ADD CONSTRAINT "production_plan_order_lines_plan_id_production_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."production_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_order_lines" ADD CONSTRAINT "production_plan_order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plan_order_lines" ADD CONSTRAINT "production_plan_order_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plans" ADD CONSTRAINT "production_plans_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plans" ADD CONSTRAINT "production_plans_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plans" ADD CONSTRAINT "production_plans_route_id_production_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."production_routes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_plans" ADD CONSTRAINT "production_plans_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_programmes" ADD CONSTRAINT "production_programmes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_mappings" ADD CONSTRAINT "production_route_mappings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_mappings" ADD CONSTRAINT "production_route_mappings_route_id_production_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."production_routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_mappings" ADD CONSTRAINT "production_route_mappings_programme_id_production_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."production_programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_mappings" ADD CONSTRAINT "production_route_mappings_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_products" ADD CONSTRAINT "production_route_products_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_products" ADD CONSTRAINT "production_route_products_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_products" ADD CONSTRAINT "production_route_products_route_id_production_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."production_routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_steps" ADD CONSTRAINT "production_route_steps_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_steps" ADD CONSTRAINT "production_route_steps_route_id_production_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."production_routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_route_steps" ADD CONSTRAINT "production_route_steps_operation_id_production_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."production_operations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_routes" ADD CONSTRAINT "production_routes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_stages" ADD CONSTRAINT "production_stages_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_stages" ADD CONSTRAINT "production_stages_programme_id_production_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."production_programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_upstream_reports" ADD CONSTRAINT "production_upstream_reports_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_upstream_reports" ADD CONSTRAINT "production_upstream_reports_plan_id_production_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."production_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_upstream_reports" ADD CONSTRAINT "production_upstream_reports_programme_id_production_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."production_programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_work_reports" ADD CONSTRAINT "production_work_reports_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_work_reports" ADD CONSTRAINT "production_work_reports_plan_id_production_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."production_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_work_reports" ADD CONSTRAINT "production_work_reports_operation_id_production_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."production_operations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_work_reports" ADD CONSTRAINT "production_work_reports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "production_mapping_entries_op_uq" ON "production_mapping_entries" USING btree ("org_id","mapping_id","operation_id");--> statement-breakpoint
CREATE INDEX "production_mapping_entries_stage_idx" ON "production_mapping_entries" USING btree ("org_id","mapping_id","stage_id");--> statement-breakpoint
CREATE UNIQUE INDEX "production_operations_org_code_uq" ON "production_operations" USING btree ("org_id","code");--> statement-breakpoint
CREATE INDEX "production_operations_org_created_idx" ON "production_operations" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "production_plan_events_plan_idx" ON "production_plan_events" USING btree ("org_id","plan_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "production_plan_order_lines_uq" ON "production_plan_order_lines" USING btree ("org_id","plan_id","order_line_id");--> statement-breakpoint
CREATE INDEX "production_plan_order_lines_order_idx" ON "production_plan_order_lines" USING btree ("org_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "production_plans_org_no_uq" ON "production_plans" USING btree ("org_id","plan_no");--> statement-breakpoint
CREATE INDEX "production_plans_org_created_idx" ON "production_plans" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "production_plans_org_status_created_idx" ON "production_plans" USING btree ("org_id","status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "production_plans_org_route_idx" ON "production_plans" USING btree ("org_id","route_id");--> statement-breakpoint
CREATE INDEX "production_plans_org_product_idx" ON "production_plans" USING btree ("org_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "production_programmes_org_code_uq" ON "production_programmes" USING btree ("org_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "production_route_mappings_uq" ON "production_route_mappings" USING btree ("org_id","route_id","programme_id");--> statement-breakpoint
CREATE UNIQUE INDEX "production_route_products_uq" ON "production_route_products" USING btree ("org_id","product_id");--> statement-breakpoint
CREATE INDEX "production_route_products_route_idx" ON "production_route_products" USING btree ("org_id","route_id");--> statement-breakpoint
CREATE UNIQUE INDEX "production_route_steps_op_uq" ON "production_route_steps" USING btree ("org_id","route_id","operation_id");--> statement-breakpoint
CREATE INDEX "production_route_steps_route_idx" ON "production_route_steps" USING btree ("org_id","route_id","seq");--> statement-breakpoint
CREATE INDEX "production_route_steps_operation_idx" ON "production_route_steps" USING btree ("org_id","operation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "production_routes_org_code_uq" ON "production_routes" USING btree ("org_id","code");--> statement-breakpoint
CREATE INDEX "production_routes_org_created_idx" ON "production_routes" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "production_stages_org_code_uq" ON "production_stages" USING btree ("org_id","programme_id","code");--> statement-breakpoint
CREATE INDEX "production_stages_programme_idx" ON "production_stages" USING btree ("org_id","programme_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "production_upstream_reports_version_uq" ON "production_upstream_reports" USING btree ("org_id","plan_id","programme_id","version");--> statement-breakpoint
CREATE INDEX "production_upstream_reports_org_created_idx" ON "production_upstream_reports" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "production_work_reports_plan_op_idx" ON "production_work_reports" USING btree ("org_id","plan_id","operation_id");--> statement-breakpoint
CREATE INDEX "production_work_reports_org_created_idx" ON "production_work_reports" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "production_work_reports_operation_idx" ON "production_work_reports" USING btree ("org_id","operation_id");