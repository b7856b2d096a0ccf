ALTER TABLE "channel_accounts" ADD COLUMN "last_pull_summary" jsonb;--> statement-breakpoint
ALTER TABLE "platform_order_events" ADD COLUMN "blockers" jsonb;--> statement-breakpoint
-- The last pull's English summary becomes a message key + params (0011 drops the text column):
-- "fetched 4, new 4, updated 0, converted 3, blocked 1[, failed 2]" → done; "<connector error kind>:
-- <platform text>" → failed with that reason; any other text → failed, reason "error", text kept.
UPDATE "channel_accounts" AS a SET "last_pull_summary" = CASE
    WHEN d.m IS NOT NULL THEN jsonb_build_object('key', 'done', 'params', jsonb_build_object(
      'fetched', d.m[1]::int, 'created', d.m[2]::int, 'updated', d.m[3]::int, 'converted', d.m[4]::int, 'blocked', d.m[5]::int, 'failed', coalesce(d.m[6]::int, 0)))
    WHEN d.k IS NOT NULL THEN jsonb_build_object('key', 'failed', 'params', jsonb_build_object('reason', d.k[1], 'error', d.k[2]))
    ELSE jsonb_build_object('key', 'failed', 'params', jsonb_build_object('reason', 'error', 'error', a."last_pull_message"))
  END
  FROM (
    SELECT "id",
           regexp_match("last_pull_message", '^fetched (\d+), new (\d+), updated (\d+), converted (\d+), blocked (\d+)(?:, failed (\d+))?$') AS m,
           regexp_match("last_pull_message", '^(rate_limited|auth_expired|auth_revoked|invalid_request|upstream|signature): (.*)$') AS k
      FROM "channel_accounts" WHERE "last_pull_message" IS NOT NULL
  ) AS d
 WHERE a."id" = d."id";--> statement-breakpoint
-- Blocker reasons written as English text become message keys where the text is one the code wrote:
-- "no lines", "<requested> > <available>", "Insufficient stock: <lines>". Any other text (field errors
-- rendered in English, unexpected errors) stays in `detail` and is shown as is.
UPDATE "platform_orders" AS p SET "blockers" = (
    SELECT jsonb_agg(CASE
        WHEN b->>'kind' = 'invalid' AND b->>'detail' = 'no lines'
          THEN (b - 'detail') || '{"reasons": [{"key": "platformOrderNoLines"}]}'::jsonb
        WHEN b->>'kind' = 'no_stock' AND b->>'detail' ~ '^\S+ > \S+$'
          THEN (b - 'detail') || jsonb_build_object('reasons', jsonb_build_array(jsonb_build_object('key', 'stockShort', 'params',
                 jsonb_build_object('requested', split_part(b->>'detail', ' > ', 1), 'available', split_part(b->>'detail', ' > ', 2)))))
        WHEN b->>'kind' = 'no_stock' AND b->>'detail' LIKE 'Insufficient stock: %'
          THEN (b - 'detail') || jsonb_build_object('reasons', jsonb_build_array(jsonb_build_object('key', 'insufficientStock', 'params',
                 jsonb_build_object('lines', substr(b->>'detail', 21)))))
        ELSE b
      END ORDER BY e.i)
      FROM jsonb_array_elements(p."blockers") WITH ORDINALITY AS e(b, i)
  )
 WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(p."blockers") AS x(b) WHERE x.b ? 'detail' AND x.b->>'kind' IN ('invalid', 'no_stock'));
