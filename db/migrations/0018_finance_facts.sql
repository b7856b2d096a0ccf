CREATE TABLE "finance_daily" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"account_key" text NOT NULL,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"missing_rate_orders" integer DEFAULT 0 NOT NULL,
	"returned_orders" integer DEFAULT 0 NOT NULL,
	"items_revenue" numeric(18, 4),
	"shipping" numeric(18, 4),
	"refunds" numeric(18, 4),
	"platform_fees" numeric(18, 4),
	"product_cost" numeric(18, 4),
	"freight" numeric(18, 4),
	"packaging" numeric(18, 4),
	"other_costs" numeric(18, 4),
	"profit" numeric(18, 4),
	"rates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "finance_daily_org_id_day_account_key_platform_country_pk" PRIMARY KEY("org_id","day","account_key","platform","country")
);
--> statement-breakpoint
CREATE TABLE "finance_daily_sku" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"account_key" text NOT NULL,
	"sku" text NOT NULL,
	"units" numeric(18, 4) DEFAULT '0' NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"missing_rate_orders" integer DEFAULT 0 NOT NULL,
	"returned_orders" integer DEFAULT 0 NOT NULL,
	"items_revenue" numeric(18, 4),
	"shipping" numeric(18, 4),
	"refunds" numeric(18, 4),
	"platform_fees" numeric(18, 4),
	"product_cost" numeric(18, 4),
	"freight" numeric(18, 4),
	"packaging" numeric(18, 4),
	"other_costs" numeric(18, 4),
	"profit" numeric(18, 4),
	"rates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "finance_daily_sku_org_id_day_account_key_sku_pk" PRIMARY KEY("org_id","day","account_key","sku")
);
--> statement-breakpoint
CREATE TABLE "finance_monthly_sku" (
	"org_id" uuid NOT NULL,
	"month" date NOT NULL,
	"account_key" text NOT NULL,
	"sku" text NOT NULL,
	"units" numeric(18, 4) DEFAULT '0' NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"missing_rate_orders" integer DEFAULT 0 NOT NULL,
	"returned_orders" integer DEFAULT 0 NOT NULL,
	"items_revenue" numeric(18, 4),
	"shipping" numeric(18, 4),
	"refunds" numeric(18, 4),
	"platform_fees" numeric(18, 4),
	"product_cost" numeric(18, 4),
	"freight" numeric(18, 4),
	"packaging" numeric(18, 4),
	"other_costs" numeric(18, 4),
	"profit" numeric(18, 4),
	"rates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "finance_monthly_sku_org_id_month_account_key_sku_pk" PRIMARY KEY("org_id","month","account_key","sku")
);
--> statement-breakpoint
CREATE TABLE "finance_stale_ranges" (
	"org_id" uuid NOT NULL,
	"id" integer GENERATED ALWAYS AS IDENTITY (sequence name "finance_stale_ranges_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"product_id" uuid,
	"currency" text,
	"from_at" timestamp with time zone,
	"until_at" timestamp with time zone,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finance_stale_ranges_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "order_profit_fact_skus" (
	"org_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"sku_key" text NOT NULL,
	"units" numeric(18, 4) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "order_profit_fact_skus_org_id_order_id_sku_pk" PRIMARY KEY("org_id","order_id","sku")
);
--> statement-breakpoint
CREATE TABLE "order_profit_facts" (
	"org_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"order_no" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"account_id" uuid,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"currency" text NOT NULL,
	"reporting_currency" text NOT NULL,
	"original_revenue" numeric(18, 4) NOT NULL,
	"items_revenue" numeric(18, 4),
	"shipping" numeric(18, 4),
	"refunds" numeric(18, 4),
	"platform_fees" numeric(18, 4),
	"product_cost" numeric(18, 4),
	"freight" numeric(18, 4),
	"packaging" numeric(18, 4),
	"other_costs" numeric(18, 4),
	"profit" numeric(18, 4),
	"margin" numeric,
	"rate_date" date,
	"rates_used" jsonb NOT NULL,
	"missing_rate" boolean NOT NULL,
	"missing_rates" text[] NOT NULL,
	"missing_costs" text[] NOT NULL,
	"returned" boolean NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_profit_facts_org_id_order_id_pk" PRIMARY KEY("org_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "order_profit_stale" (
	"org_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_profit_stale_org_id_order_id_pk" PRIMARY KEY("org_id","order_id")
);
--> statement-breakpoint
ALTER TABLE "finance_daily" ADD CONSTRAINT "finance_daily_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_daily_sku" ADD CONSTRAINT "finance_daily_sku_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_monthly_sku" ADD CONSTRAINT "finance_monthly_sku_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_stale_ranges" ADD CONSTRAINT "finance_stale_ranges_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_profit_fact_skus" ADD CONSTRAINT "order_profit_fact_skus_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_profit_facts" ADD CONSTRAINT "order_profit_facts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_profit_stale" ADD CONSTRAINT "order_profit_stale_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "finance_daily_sku_org_sku_day_idx" ON "finance_daily_sku" USING btree ("org_id","sku","day");--> statement-breakpoint
CREATE INDEX "finance_monthly_sku_org_sku_month_idx" ON "finance_monthly_sku" USING btree ("org_id","sku","month");--> statement-breakpoint
CREATE INDEX "order_profit_fact_skus_org_sku_created_idx" ON "order_profit_fact_skus" USING btree ("org_id","sku_key","created_at" DESC NULLS FIRST,"order_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "order_profit_facts_org_created_idx" ON "order_profit_facts" USING btree ("org_id","created_at" DESC NULLS FIRST,"order_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "order_profit_facts_org_account_created_idx" ON "order_profit_facts" USING btree ("org_id","account_id","created_at" DESC NULLS FIRST,"order_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "order_profit_facts_org_platform_created_idx" ON "order_profit_facts" USING btree ("org_id","platform","created_at" DESC NULLS FIRST,"order_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "order_profit_facts_org_country_created_idx" ON "order_profit_facts" USING btree ("org_id","country","created_at" DESC NULLS FIRST,"order_id" DESC NULLS FIRST);--> statement-breakpoint
-- Row-level security as 0014 writes it for every tenant table.
ALTER TABLE "order_profit_facts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_profit_facts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "order_profit_facts" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "order_profit_facts" TO manifold_app;--> statement-breakpoint
ALTER TABLE "order_profit_fact_skus" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_profit_fact_skus" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "order_profit_fact_skus" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "order_profit_fact_skus" TO manifold_app;--> statement-breakpoint
ALTER TABLE "finance_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "finance_daily" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "finance_daily" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "finance_daily" TO manifold_app;--> statement-breakpoint
ALTER TABLE "finance_daily_sku" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "finance_daily_sku" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "finance_daily_sku" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "finance_daily_sku" TO manifold_app;--> statement-breakpoint
ALTER TABLE "finance_monthly_sku" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "finance_monthly_sku" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "finance_monthly_sku" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "finance_monthly_sku" TO manifold_app;--> statement-breakpoint
ALTER TABLE "order_profit_stale" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_profit_stale" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "order_profit_stale" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "order_profit_stale" TO manifold_app;--> statement-breakpoint
ALTER TABLE "finance_stale_ranges" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "finance_stale_ranges" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "finance_stale_ranges" AS PERMISSIVE FOR ALL
  USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "finance_stale_ranges" TO manifold_app;--> statement-breakpoint
GRANT USAGE ON SEQUENCE "finance_stale_ranges_id_seq" TO manifold_app;--> statement-breakpoint
-- What makes stored figures out of date, marked in the transaction of the change (never for a merchant being
-- deleted: its rows go with it, and a mark would point at no merchant) (security invoker: the
-- rows are the changing merchant's, under its policy). One order: order_profit_stale (the upsert locks a
-- row the refresher holds, so a change made while it computes is marked again after it commits). Many
-- orders: one finance_stale_ranges row, expanded by the refresher (server/services/finance/facts.ts).
CREATE FUNCTION finance_mark_order(p_org uuid, p_order uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO order_profit_stale (org_id, order_id) SELECT p_org, p_order WHERE EXISTS (SELECT 1 FROM organizations WHERE id = p_org)
  ON CONFLICT (org_id, order_id) DO UPDATE SET marked_at = excluded.marked_at
$$;--> statement-breakpoint
CREATE FUNCTION finance_stale_by_order_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM finance_mark_order(OLD.org_id, OLD.id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM finance_mark_order(NEW.org_id, NEW.id); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION finance_stale_by_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM finance_mark_order(OLD.org_id, OLD.order_id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM finance_mark_order(NEW.org_id, NEW.order_id); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR DELETE OR UPDATE OF status, created_at, order_no, source, country, freight, lines_total, discount_total, platform_order_id ON "orders"
  FOR EACH ROW EXECUTE FUNCTION finance_stale_by_order_row();--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR UPDATE OR DELETE ON "order_lines" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_order();--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR UPDATE OR DELETE ON "order_charges" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_order();--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR UPDATE OR DELETE ON "returns" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_order();--> statement-breakpoint
CREATE FUNCTION finance_stale_by_return_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO order_profit_stale (org_id, order_id)
    SELECT r.org_id, r.order_id FROM returns r
    WHERE ((TG_OP <> 'DELETE' AND r.org_id = NEW.org_id AND r.id = NEW.return_id) OR (TG_OP <> 'INSERT' AND r.org_id = OLD.org_id AND r.id = OLD.return_id))
      AND EXISTS (SELECT 1 FROM organizations WHERE id = r.org_id)
  ON CONFLICT (org_id, order_id) DO UPDATE SET marked_at = excluded.marked_at;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR UPDATE OR DELETE ON "return_lines" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_return_line();--> statement-breakpoint
CREATE FUNCTION finance_stale_by_platform_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO order_profit_stale (org_id, order_id)
    SELECT o.org_id, o.id FROM orders o WHERE o.org_id = NEW.org_id AND o.platform_order_id = NEW.id AND EXISTS (SELECT 1 FROM organizations WHERE id = NEW.org_id)
  ON CONFLICT (org_id, order_id) DO UPDATE SET marked_at = excluded.marked_at;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER UPDATE OF currency, account_id, platform ON "platform_orders" FOR EACH ROW
  WHEN (OLD.currency IS DISTINCT FROM NEW.currency OR OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.platform IS DISTINCT FROM NEW.platform)
  EXECUTE FUNCTION finance_stale_by_platform_order();--> statement-breakpoint
-- A SKU cost from a day on: orders of the product from (a day before, whatever the time zone) that day.
CREATE FUNCTION finance_stale_by_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO finance_stale_ranges (org_id, kind, product_id, from_at) SELECT OLD.org_id, 'product', OLD.product_id, (OLD.effective_from - 1)::timestamp AT TIME ZONE 'UTC'
      WHERE EXISTS (SELECT 1 FROM organizations WHERE id = OLD.org_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO finance_stale_ranges (org_id, kind, product_id, from_at) SELECT NEW.org_id, 'product', NEW.product_id, (NEW.effective_from - 1)::timestamp AT TIME ZONE 'UTC'
      WHERE EXISTS (SELECT 1 FROM organizations WHERE id = NEW.org_id);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR UPDATE OR DELETE ON "sku_costs" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_cost();--> statement-breakpoint
-- A stock receipt enters the moving average of the orders created after it.
CREATE FUNCTION finance_stale_by_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.kind IN ('receipt', 'opening') THEN
    INSERT INTO finance_stale_ranges (org_id, kind, product_id, from_at) SELECT OLD.org_id, 'product', OLD.product_id, OLD.created_at
      WHERE EXISTS (SELECT 1 FROM organizations WHERE id = OLD.org_id);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.kind IN ('receipt', 'opening') THEN
    INSERT INTO finance_stale_ranges (org_id, kind, product_id, from_at) SELECT NEW.org_id, 'product', NEW.product_id, NEW.created_at
      WHERE EXISTS (SELECT 1 FROM organizations WHERE id = NEW.org_id);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale_ins AFTER INSERT ON "stock_movements" FOR EACH ROW WHEN (NEW.kind IN ('receipt', 'opening')) EXECUTE FUNCTION finance_stale_by_receipt();--> statement-breakpoint
CREATE TRIGGER finance_stale_upd AFTER UPDATE OR DELETE ON "stock_movements" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_receipt();--> statement-breakpoint
-- An exchange rate of a day: orders from (a day before) that day until (a day after) the next rate of the pair.
CREATE FUNCTION finance_stale_by_rate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM (SELECT OLD.org_id, OLD.currency, OLD.quote_currency, OLD.rate_date WHERE TG_OP <> 'INSERT'
                          UNION ALL SELECT NEW.org_id, NEW.currency, NEW.quote_currency, NEW.rate_date WHERE TG_OP <> 'DELETE') x(org_id, currency, quote_currency, rate_date) LOOP
    INSERT INTO finance_stale_ranges (org_id, kind, currency, from_at, until_at)
    SELECT r.org_id, 'rate', r.currency, (r.rate_date - 1)::timestamp AT TIME ZONE 'UTC', (min(e.rate_date) + 2)::timestamp AT TIME ZONE 'UTC'
    FROM exchange_rates e WHERE e.org_id = r.org_id AND e.currency = r.currency AND e.quote_currency = r.quote_currency AND e.rate_date > r.rate_date
    HAVING EXISTS (SELECT 1 FROM organizations WHERE id = r.org_id);
  END LOOP;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER INSERT OR UPDATE OR DELETE ON "exchange_rates" FOR EACH ROW EXECUTE FUNCTION finance_stale_by_rate();--> statement-breakpoint
-- The reporting currency or the time zone: every order.
CREATE FUNCTION finance_stale_by_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finance_stale_ranges (org_id, kind) VALUES (NEW.id, 'all');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER finance_stale AFTER UPDATE OF reporting_currency, timezone ON "organizations" FOR EACH ROW
  WHEN (OLD.reporting_currency IS DISTINCT FROM NEW.reporting_currency OR OLD.timezone IS DISTINCT FROM NEW.timezone)
  EXECUTE FUNCTION finance_stale_by_org();
--> statement-breakpoint
-- Adds two "rate → count" maps, dropping the keys that reach 0 (a daily sum's rates used).
CREATE FUNCTION finance_add_counts(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(k, n) FILTER (WHERE n <> 0), '{}'::jsonb)
  FROM (SELECT k, sum(v::int) AS n FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) x(k, v) GROUP BY k) y
$$;
--> statement-breakpoint
-- The orders that exist when this runs: every merchant's figures are stale until the refresher has them.
DO $$
DECLARE o record;
BEGIN
  FOR o IN SELECT id FROM organizations LOOP
    PERFORM set_config('app.org_id', o.id::text, true);
    INSERT INTO finance_stale_ranges (org_id, kind) VALUES (o.id, 'all');
  END LOOP;
  PERFORM set_config('app.org_id', '', true);
END $$;
