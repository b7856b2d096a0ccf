import { and, eq, isNull, sql } from "drizzle-orm";
import { platformOrders } from "@/db/schema";
import { inTransaction, type OrgScope, type ServiceContext } from "@/server/context";
import { merchantSettings, type MerchantSettings } from "../_lib/settings";
import { convertChunkBatch } from "./convert-batch";
import { claimConvertible, type ConvertResult } from "./convert-shared";
import { convertClaimedSingly } from "./convert-single";

/** How many platform orders one batch transaction converts (a pull page is 50–250). */
export const BATCH_CHUNK = 500;

/**
 * 转为系统订单: platform orders → system orders through the SKU mapping (bundles expand into their
 * components). Orders that cannot be converted keep `pending` with every reason recorded on the row
 * (unmapped SKU, disabled product, no stock — 001's blockers); the next pull, or a mapping change,
 * retries them.
 *
 * Two paths with the same outcome (tests/integration/channels-convert-batch.test.ts proves it row by
 * row): several orders go through the batch path (convert-batch.ts: one transaction per chunk of up to
 * 500, multi-row inserts, one guarded stock UPDATE per SKU × warehouse); a single order goes through the
 * orders service's createOrder in a savepoint (`mode: "single"` forces it). Rows are claimed with FOR
 * UPDATE SKIP LOCKED either way, so concurrent converters never convert one platform order twice (the
 * unique (org, platform_order_id) on orders is the backstop).
 */
export async function convertPlatformOrders(
  ctx: ServiceContext,
  ids: string[],
  opts: { chunk?: number; mode?: "auto" | "batch" | "single" } = {},
): Promise<ConvertResult> {
  const result: ConvertResult = { converted: 0, blocked: 0, skipped: 0, orderIds: [] };
  const unique = [...new Set(ids)];
  if (unique.length === 0) return result;
  const mode = opts.mode === "single" || (opts.mode !== "batch" && unique.length === 1) ? "single" : "batch";
  const chunk = opts.chunk ?? (mode === "batch" ? BATCH_CHUNK : 100);
  const settings = await merchantSettings(ctx);
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk);
    const r = mode === "batch" ? await convertChunkBatch(ctx, part, settings) : await convertChunkSingly(ctx, part, settings);
    result.converted += r.converted;
    result.blocked += r.blocked;
    result.skipped += r.skipped;
    result.orderIds.push(...r.orderIds);
  }
  return result;
}

/** The single path: one chunk in one transaction, each order through createOrder in its own savepoint. */
async function convertChunkSingly(ctx: ServiceContext, ids: string[], settings: MerchantSettings): Promise<ConvertResult> {
  return inTransaction(ctx, async (ctx) => {
    const orders = await claimConvertible(ctx, ids);
    const r = await convertClaimedSingly(ctx, orders, settings);
    return { ...r, skipped: ids.length - orders.length };
  });
}

/** Pending, unconverted platform orders of an account (or those blocked by some platform SKUs), least-tried first. */
export async function pendingIds(ctx: OrgScope, where: { accountId?: string; skus?: string[]; blockedOnly?: boolean; limit?: number }) {
  const { db, orgId } = ctx;
  const rows = await db
    .select({ id: platformOrders.id })
    .from(platformOrders)
    .where(
      and(
        eq(platformOrders.orgId, orgId),
        eq(platformOrders.state, "pending"),
        isNull(platformOrders.orderId),
        where.accountId ? eq(platformOrders.accountId, where.accountId) : undefined,
        where.blockedOnly ? sql`${platformOrders.blockedAt} is not null` : undefined,
        where.skus?.length ? sql`${platformOrders.blockedSkus} && array[${sql.join(where.skus.map((s) => sql`${s}`), sql`, `)}]::text[]` : undefined,
      ),
    )
    // Least-tried first: orders never tried before any blocked one, then the blocked ones in turn (each
    // attempt counts), so a pile of blocked orders larger than `limit` cannot starve the rest.
    .orderBy(platformOrders.convertAttempts, platformOrders.pulledAt)
    .limit(where.limit ?? 1000);
  return rows.map((r) => r.id);
}
