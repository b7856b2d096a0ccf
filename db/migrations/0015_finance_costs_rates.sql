CREATE TABLE "exchange_rates" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"rate_date" date NOT NULL,
	"currency" text NOT NULL,
	"quote_currency" text NOT NULL,
	"rate" numeric(24, 10) NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_rates_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "exchange_rates_rate_pos" CHECK ("exchange_rates"."rate" > 0)
);
--> statement-breakpoint
CREATE TABLE "order_charges" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"currency" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"remark" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_charges_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "order_charges_amount_nonneg" CHECK ("order_charges"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sku_costs" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"currency" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"effective_from" date NOT NULL,
	"remark" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sku_costs_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "sku_costs_amount_nonneg" CHECK ("sku_costs"."amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "reporting_currency" text DEFAULT 'CNY' NOT NULL;--> statement-breakpoint
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exchange_rates" ADD CONSTRAINT "exchange_rates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_charges" ADD CONSTRAINT "order_charges_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_charges" ADD CONSTRAINT "order_charges_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_charges" ADD CONSTRAINT "order_charges_order_id_fk" FOREIGN KEY ("org_id","order_id") REFERENCES "public"."orders"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_costs" ADD CONSTRAINT "sku_costs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_costs" ADD CONSTRAINT "sku_costs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_costs" ADD CONSTRAINT "sku_costs_product_id_fk" FOREIGN KEY ("org_id","product_id") REFERENCES "public"."products"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "exchange_rates_org_pair_date_uq" ON "exchange_rates" USING btree ("org_id","currency","quote_currency","rate_date");--> statement-breakpoint
CREATE INDEX "exchange_rates_org_date_idx" ON "exchange_rates" USING btree ("org_id","rate_date" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "order_charges_org_order_idx" ON "order_charges" USING btree ("org_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sku_costs_org_product_kind_from_uq" ON "sku_costs" USING btree ("org_id","product_id","kind","effective_from");--> statement-breakpoint
CREATE INDEX "sku_costs_org_created_idx" ON "sku_costs" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "sku_costs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sku_costs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "sku_costs" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "sku_costs" TO manifold_app;--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "exchange_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "exchange_rates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "exchange_rates" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "exchange_rates" TO manifold_app;--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "order_charges" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_charges" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "order_charges" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "order_charges" TO manifold_app;
