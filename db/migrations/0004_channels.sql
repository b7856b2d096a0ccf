CREATE TABLE "channel_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"alias" text NOT NULL,
	"external_shop_id" text,
	"shop_name" text,
	"base_url" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'unauthorized' NOT NULL,
	"pull_mode" text DEFAULT 'auto' NOT NULL,
	"pull_interval_minutes" integer DEFAULT 15 NOT NULL,
	"import_enabled" boolean DEFAULT true NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"token_key_version" integer,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"authorized_at" timestamp with time zone,
	"last_error" text,
	"pull_cursor" timestamp with time zone,
	"last_pull_at" timestamp with time zone,
	"last_pull_result" text,
	"last_pull_message" text,
	"next_pull_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_listings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"platform_sku" text NOT NULL,
	"external_listing_id" text,
	"last_pushed_qty" integer,
	"last_push_at" timestamp with time zone,
	"last_push_status" text,
	"last_push_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_oauth_states" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"state_hash" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_pull_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"reached_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"fetched" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"converted" integer DEFAULT 0 NOT NULL,
	"blocked" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "channel_webhook_inbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"webhook_id" text NOT NULL,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"triggered_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"result" text
);
--> statement-breakpoint
CREATE TABLE "platform_order_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"platform_order_id" uuid NOT NULL,
	"type" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"reason" text,
	"actor_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_order_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"platform_order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"platform_line_id" text NOT NULL,
	"platform_sku" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(18, 4) DEFAULT '0' NOT NULL,
	"external_listing_id" text
);
--> statement-breakpoint
CREATE TABLE "platform_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"platform_order_id" text NOT NULL,
	"platform_order_no" text NOT NULL,
	"platform_status" text NOT NULL,
	"normalized_status" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"state_before_freeze" text,
	"currency" text DEFAULT '' NOT NULL,
	"total_amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"buyer_name" text DEFAULT '' NOT NULL,
	"buyer_email" text,
	"recipient_name" text DEFAULT '' NOT NULL,
	"recipient_phone" text DEFAULT '' NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"province" text DEFAULT '' NOT NULL,
	"city" text DEFAULT '' NOT NULL,
	"district" text DEFAULT '' NOT NULL,
	"street" text DEFAULT '' NOT NULL,
	"postcode" text DEFAULT '' NOT NULL,
	"shipping_method" text DEFAULT '' NOT NULL,
	"remark" text DEFAULT '' NOT NULL,
	"items_summary" text DEFAULT '' NOT NULL,
	"platform_created_at" timestamp with time zone NOT NULL,
	"platform_updated_at" timestamp with time zone NOT NULL,
	"pulled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"raw" jsonb NOT NULL,
	"blockers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"blocked_skus" text[] DEFAULT '{}'::text[] NOT NULL,
	"blocked_at" timestamp with time zone,
	"convert_attempts" integer DEFAULT 0 NOT NULL,
	"order_id" uuid,
	"order_no" text,
	"carrier" text,
	"tracking_number" text,
	"ship_push_status" text DEFAULT 'none' NOT NULL,
	"ship_push_error" text,
	"ship_pushed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sku_mappings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"platform_sku" text NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" numeric(18, 4) DEFAULT '1' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD CONSTRAINT "channel_accounts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_listings" ADD CONSTRAINT "channel_listings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_listings" ADD CONSTRAINT "channel_listings_account_id_channel_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_oauth_states" ADD CONSTRAINT "channel_oauth_states_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_oauth_states" ADD CONSTRAINT "channel_oauth_states_account_id_channel_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_oauth_states" ADD CONSTRAINT "channel_oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_pull_runs" ADD CONSTRAINT "channel_pull_runs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_pull_runs" ADD CONSTRAINT "channel_pull_runs_account_id_channel_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_webhook_inbox" ADD CONSTRAINT "channel_webhook_inbox_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_webhook_inbox" ADD CONSTRAINT "channel_webhook_inbox_account_id_channel_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_order_events" ADD CONSTRAINT "platform_order_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_order_events" ADD CONSTRAINT "platform_order_events_platform_order_id_platform_orders_id_fk" FOREIGN KEY ("platform_order_id") REFERENCES "public"."platform_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_order_lines" ADD CONSTRAINT "platform_order_lines_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_order_lines" ADD CONSTRAINT "platform_order_lines_platform_order_id_platform_orders_id_fk" FOREIGN KEY ("platform_order_id") REFERENCES "public"."platform_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_orders" ADD CONSTRAINT "platform_orders_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_orders" ADD CONSTRAINT "platform_orders_account_id_channel_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_orders" ADD CONSTRAINT "platform_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_account_id_channel_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_accounts_org_alias_uq" ON "channel_accounts" USING btree ("org_id","alias");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_accounts_org_shop_uq" ON "channel_accounts" USING btree ("org_id","platform","external_shop_id") WHERE "channel_accounts"."external_shop_id" is not null;--> statement-breakpoint
CREATE INDEX "channel_accounts_org_platform_idx" ON "channel_accounts" USING btree ("org_id","platform","created_at");--> statement-breakpoint
CREATE INDEX "channel_accounts_due_idx" ON "channel_accounts" USING btree ("next_pull_at") WHERE "channel_accounts"."status" = 'enabled' and "channel_accounts"."pull_mode" = 'auto';--> statement-breakpoint
CREATE INDEX "channel_accounts_token_expiry_idx" ON "channel_accounts" USING btree ("access_token_expires_at") WHERE "channel_accounts"."status" = 'enabled';--> statement-breakpoint
CREATE UNIQUE INDEX "channel_listings_org_account_sku_uq" ON "channel_listings" USING btree ("org_id","account_id","platform_sku");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_oauth_states_hash_uq" ON "channel_oauth_states" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "channel_oauth_states_org_idx" ON "channel_oauth_states" USING btree ("org_id","account_id");--> statement-breakpoint
CREATE INDEX "channel_pull_runs_account_idx" ON "channel_pull_runs" USING btree ("org_id","account_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "channel_pull_runs_running_uq" ON "channel_pull_runs" USING btree ("org_id","account_id") WHERE "channel_pull_runs"."status" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "channel_webhook_inbox_uq" ON "channel_webhook_inbox" USING btree ("org_id","account_id","webhook_id");--> statement-breakpoint
CREATE INDEX "channel_webhook_inbox_pending_idx" ON "channel_webhook_inbox" USING btree ("received_at") WHERE "channel_webhook_inbox"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "platform_order_events_order_idx" ON "platform_order_events" USING btree ("org_id","platform_order_id","created_at");--> statement-breakpoint
CREATE INDEX "platform_order_lines_order_idx" ON "platform_order_lines" USING btree ("org_id","platform_order_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "platform_orders_org_account_pid_uq" ON "platform_orders" USING btree ("org_id","account_id","platform_order_id");--> statement-breakpoint
CREATE INDEX "platform_orders_org_state_pulled_idx" ON "platform_orders" USING btree ("org_id","state","pulled_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "platform_orders_org_account_state_idx" ON "platform_orders" USING btree ("org_id","account_id","state","pulled_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "platform_orders_org_no_idx" ON "platform_orders" USING btree ("org_id","platform_order_no");--> statement-breakpoint
CREATE INDEX "platform_orders_org_order_idx" ON "platform_orders" USING btree ("org_id","order_id");--> statement-breakpoint
CREATE INDEX "platform_orders_blocked_skus_idx" ON "platform_orders" USING gin ("blocked_skus");--> statement-breakpoint
CREATE INDEX "platform_orders_blocked_idx" ON "platform_orders" USING btree ("org_id","blocked_at") WHERE "platform_orders"."state" = 'pending' and "platform_orders"."blocked_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "sku_mappings_org_account_sku_product_uq" ON "sku_mappings" USING btree ("org_id","account_id","platform_sku","product_id");--> statement-breakpoint
CREATE INDEX "sku_mappings_org_created_idx" ON "sku_mappings" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sku_mappings_org_product_idx" ON "sku_mappings" USING btree ("org_id","product_id");--> statement-breakpoint
CREATE INDEX "sku_mappings_org_platform_sku_idx" ON "sku_mappings" USING btree ("org_id","platform_sku");