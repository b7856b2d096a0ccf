DROP INDEX "customers_org_created_idx";--> statement-breakpoint
DROP INDEX "products_org_created_idx";--> statement-breakpoint
DROP INDEX "stock_movements_org_created_idx";--> statement-breakpoint
DROP INDEX "outbox_org_created_idx";--> statement-breakpoint
DROP INDEX "orders_org_created_idx";--> statement-breakpoint
DROP INDEX "orders_org_status_created_idx";--> statement-breakpoint
DROP INDEX "orders_org_customer_idx";--> statement-breakpoint
DROP INDEX "channel_pull_runs_account_idx";--> statement-breakpoint
DROP INDEX "platform_orders_org_state_pulled_idx";--> statement-breakpoint
DROP INDEX "platform_orders_org_account_state_idx";--> statement-breakpoint
DROP INDEX "sku_mappings_org_created_idx";--> statement-breakpoint
DROP INDEX "inbound_receipts_org_created_idx";--> statement-breakpoint
DROP INDEX "inbound_receipts_org_status_created_idx";--> statement-breakpoint
DROP INDEX "outbound_orders_org_created_idx";--> statement-breakpoint
DROP INDEX "outbound_orders_org_status_created_idx";--> statement-breakpoint
DROP INDEX "pick_batches_org_created_idx";--> statement-breakpoint
DROP INDEX "returns_org_created_idx";--> statement-breakpoint
DROP INDEX "returns_org_status_created_idx";--> statement-breakpoint
DROP INDEX "stocktakes_org_created_idx";--> statement-breakpoint
DROP INDEX "production_operations_org_created_idx";--> statement-breakpoint
DROP INDEX "production_plans_org_created_idx";--> statement-breakpoint
DROP INDEX "production_plans_org_status_created_idx";--> statement-breakpoint
DROP INDEX "production_routes_org_created_idx";--> statement-breakpoint
DROP INDEX "production_upstream_reports_org_created_idx";--> statement-breakpoint
DROP INDEX "production_work_reports_org_created_idx";--> statement-breakpoint
CREATE INDEX "customers_org_created_idx" ON "customers" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "products_org_created_idx" ON "products" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "stock_movements_org_created_idx" ON "stock_movements" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "outbox_org_created_idx" ON "outbox" USING btree ("org_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "orders_org_created_idx" ON "orders" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "orders_org_status_created_idx" ON "orders" USING btree ("org_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "orders_org_customer_idx" ON "orders" USING btree ("org_id","customer_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "channel_pull_runs_account_idx" ON "channel_pull_runs" USING btree ("org_id","account_id","started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "platform_orders_org_state_pulled_idx" ON "platform_orders" USING btree ("org_id","state","pulled_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "platform_orders_org_account_state_idx" ON "platform_orders" USING btree ("org_id","account_id","state","pulled_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "sku_mappings_org_created_idx" ON "sku_mappings" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "inbound_receipts_org_created_idx" ON "inbound_receipts" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "inbound_receipts_org_status_created_idx" ON "inbound_receipts" USING btree ("org_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "outbound_orders_org_created_idx" ON "outbound_orders" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "outbound_orders_org_status_created_idx" ON "outbound_orders" USING btree ("org_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "pick_batches_org_created_idx" ON "pick_batches" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "returns_org_created_idx" ON "returns" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "returns_org_status_created_idx" ON "returns" USING btree ("org_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "stocktakes_org_created_idx" ON "stocktakes" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "production_operations_org_created_idx" ON "production_operations" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "production_plans_org_created_idx" ON "production_plans" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "production_plans_org_status_created_idx" ON "production_plans" USING btree ("org_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "production_routes_org_created_idx" ON "production_routes" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "production_upstream_reports_org_created_idx" ON "production_upstream_reports" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "production_work_reports_org_created_idx" ON "production_work_reports" USING btree ("org_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);