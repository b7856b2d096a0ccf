-- Issue 9, finding 8: a shop id comes only from a completed OAuth callback, and a shop is authorized by
-- one merchant at a time. Accounts never authorized drop the shop they were typed with (Shopify keeps it
-- in settings.shopDomain); where several merchants hold the same shop, the first to authorize keeps it
-- and the others are revoked with a message saying why.
UPDATE "channel_accounts" SET "external_shop_id" = NULL WHERE "status" = 'unauthorized';--> statement-breakpoint
UPDATE "channel_accounts" a
   SET "status" = 'revoked', "access_token_enc" = NULL, "refresh_token_enc" = NULL, "next_pull_at" = NULL,
       "last_error" = 'shopClaimedElsewhere: this shop is authorized by another merchant'
 WHERE a."external_shop_id" IS NOT NULL AND a."status" <> 'revoked'
   AND EXISTS (
     SELECT 1 FROM "channel_accounts" b
      WHERE b."platform" = a."platform" AND b."external_shop_id" = a."external_shop_id" AND b."status" <> 'revoked'
        AND (coalesce(b."authorized_at", b."created_at"), b."id") < (coalesce(a."authorized_at", a."created_at"), a."id")
   );--> statement-breakpoint
CREATE UNIQUE INDEX "channel_accounts_platform_shop_uq" ON "channel_accounts" USING btree ("platform","external_shop_id") WHERE "channel_accounts"."external_shop_id" is not null and "channel_accounts"."status" <> 'revoked';