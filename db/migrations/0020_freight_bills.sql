-- Freight per outbound order (issue 13): order_charges already has the tenant key and row-level security (0015).
ALTER TABLE "order_charges" ADD COLUMN "outbound_id" uuid;--> statement-breakpoint
ALTER TABLE "order_charges" ADD COLUMN "bill_ref" text;--> statement-breakpoint
ALTER TABLE "order_charges" ADD COLUMN "tracking_number" text;--> statement-breakpoint
ALTER TABLE "order_charges" ADD COLUMN "bill_date" date;--> statement-breakpoint
ALTER TABLE "order_charges" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_charges" ADD CONSTRAINT "order_charges_outbound_id_fk" FOREIGN KEY ("org_id","outbound_id") REFERENCES "public"."outbound_orders"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_charges_org_bill_tracking_uq" ON "order_charges" USING btree ("org_id","bill_ref","tracking_number") WHERE source = 'carrier_bill';--> statement-breakpoint
CREATE UNIQUE INDEX "order_charges_org_outbound_shipping_uq" ON "order_charges" USING btree ("org_id","outbound_id") WHERE source = 'shipping';--> statement-breakpoint
ALTER TABLE "order_charges" ADD CONSTRAINT "order_charges_source_fields" CHECK ((source <> 'carrier_bill' or (bill_ref is not null and tracking_number is not null and outbound_id is not null)) and (source <> 'shipping' or outbound_id is not null));