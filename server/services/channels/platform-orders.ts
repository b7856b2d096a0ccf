import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { channelAccounts, orders, platformOrderEvents, platformOrderLines, platformOrders } from "@/db/schema";
import { PLATFORM_ORDER_STATES, PLATFORM_ORDER_TRANSITIONS, type PlatformOrderAction, type PlatformOrderState } from "@/lib/channels/platform-order-status";
import { PlatformOrderFilterInput, PlatformOrderIdsInput, PlatformOrderListInput } from "@/lib/validators/channels";
import { inTransaction, type ServiceContext } from "@/server/context";
import { recordEvent } from "../_lib/events";
import { DomainError, notFound } from "@/server/errors";
import { enqueue } from "../outbox/outbox";
import { afterCursor, type CappedCount, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { convertPlatformOrders } from "./convert";
import { TOPICS } from "../outbox/topics";
import { likeContains, likePrefix } from "../_lib/like";

function filterCondition(ctx: ServiceContext, f: z.output<typeof PlatformOrderFilterInput>, withState = true): SQL {
  const nos = f.orderNos?.filter(Boolean) ?? [];
  return and(
    eq(platformOrders.orgId, ctx.orgId),
    withState ? eq(platformOrders.state, f.state) : undefined,
    f.platform ? eq(platformOrders.platform, f.platform) : undefined,
    f.accountId ? eq(platformOrders.accountId, f.accountId) : undefined,
    f.orderNo ? or(ilike(platformOrders.platformOrderNo, likePrefix(f.orderNo)), eq(platformOrders.orderNo, f.orderNo), eq(platformOrders.platformOrderId, f.orderNo)) : undefined,
    nos.length ? or(inArray(platformOrders.platformOrderNo, nos), inArray(platformOrders.orderNo, nos)) : undefined,
    f.systemStatus ? sql`exists (select 1 from ${orders} o where o.id = ${platformOrders.orderId} and o.org_id = ${platformOrders.orgId} and o.status = ${f.systemStatus})` : undefined,
    f.shippingMethod ? ilike(platformOrders.shippingMethod, likeContains(f.shippingMethod)) : undefined,
    f.country ? eq(sql`upper(${platformOrders.country})`, f.country.toUpperCase()) : undefined,
    f.recipientName ? ilike(platformOrders.recipientName, likeContains(f.recipientName)) : undefined,
    f.recipientPhone ? ilike(platformOrders.recipientPhone, likeContains(f.recipientPhone)) : undefined,
    f.blockedOnly ? isNotNull(platformOrders.blockedAt) : undefined,
    f.pulledFrom ? gte(platformOrders.pulledAt, f.pulledFrom) : undefined,
    f.pulledTo ? lt(platformOrders.pulledAt, f.pulledTo) : undefined,
  )!;
}

/** 平台订单管理 list: one tab (state) at a time, every filter of 003, keyset pages, a capped total. */
export async function listPlatformOrders(ctx: ServiceContext, raw: z.input<typeof PlatformOrderListInput>) {
  const input = PlatformOrderListInput.parse(raw);
  const where = filterCondition(ctx, input.filter);
  const rows = await ctx.db
    .select({
      po: platformOrders,
      accountAlias: channelAccounts.alias,
      orderStatus: orders.status,
      sortKey: sql<string>`${platformOrders.pulledAt}::text`,
    })
    .from(platformOrders)
    .innerJoin(channelAccounts, and(eq(channelAccounts.id, platformOrders.accountId), eq(channelAccounts.orgId, platformOrders.orgId)))
    .leftJoin(orders, and(eq(orders.id, platformOrders.orderId), eq(orders.orgId, platformOrders.orgId)))
    .where(and(where, afterCursor(platformOrders.pulledAt, platformOrders.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(platformOrders.pulledAt, platformOrders.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => {
      const { raw: _raw, ...po } = r.po;
      return { ...po, accountAlias: r.accountAlias, orderStatus: r.orderStatus, sortKey: r.sortKey };
    }),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(ctx, platformOrders, where);
  return { ...page, total };
}

/** Counts for the tabs, with the same filters (each capped). */
export async function platformOrderCounts(ctx: ServiceContext, raw: z.input<typeof PlatformOrderFilterInput>) {
  const f = PlatformOrderFilterInput.parse(raw);
  const where = filterCondition(ctx, f, false);
  const out = {} as Record<PlatformOrderState, CappedCount>;
  for (const state of PLATFORM_ORDER_STATES) {
    out[state] = await countCapped(ctx, platformOrders, and(where, eq(platformOrders.state, state)));
  }
  return out;
}

/** "N platform orders could not be imported": pending orders with a recorded blocker. */
export async function blockedPlatformOrderCount(ctx: ServiceContext) {
  return countCapped(ctx, platformOrders, and(eq(platformOrders.orgId, ctx.orgId), eq(platformOrders.state, "pending"), isNotNull(platformOrders.blockedAt)));
}

export async function getPlatformOrder(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .select({ po: platformOrders, accountAlias: channelAccounts.alias, orderStatus: orders.status })
    .from(platformOrders)
    .innerJoin(channelAccounts, eq(channelAccounts.id, platformOrders.accountId))
    .leftJoin(orders, and(eq(orders.id, platformOrders.orderId), eq(orders.orgId, platformOrders.orgId)))
    .where(and(eq(platformOrders.id, id), eq(platformOrders.orgId, ctx.orgId)));
  if (!row) throw notFound("platformOrder");
  const [lines, events] = await Promise.all([
    ctx.db.select().from(platformOrderLines).where(and(eq(platformOrderLines.orgId, ctx.orgId), eq(platformOrderLines.platformOrderId, id))).orderBy(asc(platformOrderLines.lineNo)),
    ctx.db.select().from(platformOrderEvents).where(and(eq(platformOrderEvents.orgId, ctx.orgId), eq(platformOrderEvents.platformOrderId, id))).orderBy(desc(platformOrderEvents.createdAt)),
  ]);
  return { ...row.po, accountAlias: row.accountAlias, orderStatus: row.orderStatus, lines, events };
}

export type BulkOutcome = { done: string[]; failed: { id: string; orderNo: string; message: string }[] };

/**
 * Move platform orders through the transition table, each on its own (one refused order does not stop
 * the rest; the outcome lists what failed and why). A move writes an event row.
 */
async function applyAction(ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>, action: Exclude<PlatformOrderAction, "convert">): Promise<BulkOutcome> {
  const input = PlatformOrderIdsInput.parse(raw);
  const out: BulkOutcome = { done: [], failed: [] };
  const rows = await ctx.db.select().from(platformOrders).where(and(eq(platformOrders.orgId, ctx.orgId), inArray(platformOrders.id, input.ids)));
  if (rows.length === 0) throw notFound("platformOrder");
  for (const id of input.ids) {
    const po = rows.find((r) => r.id === id);
    if (!po) {
      out.failed.push({ id, orderNo: "", message: "notFound" });
      continue;
    }
    const target = PLATFORM_ORDER_TRANSITIONS[action][po.state];
    if (!target) {
      out.failed.push({ id, orderNo: po.platformOrderNo, message: `invalidPlatformTransition:${po.state}` });
      continue;
    }
    if (action === "platformShip" && !po.trackingNumber) {
      out.failed.push({ id, orderNo: po.platformOrderNo, message: "noTrackingYet" });
      continue;
    }
    const to: PlatformOrderState = target === "previous" ? (po.stateBeforeFreeze ?? "pending") : target;
    await inTransaction(ctx, async (ctx) => {
      const tx = ctx.db;
      if (action === "platformShip") {
        // The push moves the order to 已标记发货 when the platform has accepted it.
        await tx.update(platformOrders).set({ shipPushStatus: "queued", shipPushError: null }).where(eq(platformOrders.id, po.id));
        await enqueue(ctx, { topic: TOPICS.pushShipment, dedupeKey: po.id, payload: { platformOrderId: po.id } });
      } else {
        const [moved] = await tx
          .update(platformOrders)
          .set({
            state: to,
            stateBeforeFreeze: action === "freeze" ? po.state : action === "unfreeze" ? null : po.stateBeforeFreeze,
            ...(action === "markShipped" ? { shipPushStatus: "skipped" as const } : {}),
          })
          .where(and(eq(platformOrders.id, po.id), eq(platformOrders.orgId, ctx.orgId), eq(platformOrders.state, po.state)))
          .returning({ id: platformOrders.id });
        if (!moved) throw new DomainError("CONFLICT", { key: "platformOrderChanged" });
      }
      await recordEvent(ctx, "platformOrder", po.id, { type: action, from: po.state, to: action === "platformShip" ? po.state : to, reason: input.reason ?? null });
    });
    out.done.push(id);
  }
  return out;
}

export const freezePlatformOrders = (ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>) => applyAction(ctx, raw, "freeze");
export const unfreezePlatformOrders = (ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>) => applyAction(ctx, raw, "unfreeze");
export const voidPlatformOrders = (ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>) => applyAction(ctx, raw, "void");
export const markShippedPlatformOrders = (ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>) => applyAction(ctx, raw, "markShipped");
export const platformShipOrders = (ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>) => applyAction(ctx, raw, "platformShip");

/** 转为系统订单 (one or many): blocked ones keep their reasons on the row. */
export async function convertSelected(ctx: ServiceContext, raw: z.input<typeof PlatformOrderIdsInput>) {
  const input = PlatformOrderIdsInput.parse(raw);
  const rows = await ctx.db
    .select({ id: platformOrders.id, state: platformOrders.state, importEnabled: channelAccounts.importEnabled, platformOrderNo: platformOrders.platformOrderNo })
    .from(platformOrders)
    .innerJoin(channelAccounts, eq(channelAccounts.id, platformOrders.accountId))
    .where(and(eq(platformOrders.orgId, ctx.orgId), inArray(platformOrders.id, input.ids)));
  if (rows.length === 0) throw notFound("platformOrder");
  const viewOnly = rows.filter((r) => !r.importEnabled);
  const r = await convertPlatformOrders(ctx, rows.filter((x) => x.importEnabled && x.state === "pending").map((x) => x.id));
  return { ...r, viewOnly: viewOnly.map((v) => v.platformOrderNo) };
}
