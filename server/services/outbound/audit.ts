import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { deliveryMethods, orders, outboundOrders, products, stockLevels, warehouses } from "@/db/schema";
import type { AuditException } from "@/db/schema/warehouse";
import { type Decimal, dec } from "@/lib/decimal";
import { RESERVED_STATUSES } from "@/lib/orders/status";
import { BulkAuditInput } from "@/lib/validators/outbound";
import { inTransaction, type ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";
import {
  applyOutboundStatus,
  lockOutbounds,
  outboundLines,
  outboundTransition,
  type OutboundRow,
} from "./internal";
import { recordEvent } from "../_lib/events";

/** Address fields a shipment cannot go without; 中国 addresses also need province and city. */
const REQUIRED_ADDRESS = ["recipientName", "recipientPhone", "country", "street"] as const;
const REQUIRED_CN = ["province", "city"] as const;

/**
 * 审核 checks of one outbound order, all of them (003: "一定要看提示" — every problem is listed, not just
 * the first): the order is still approved; its address is complete when the delivery method ships to an
 * address; the delivery method exists and is enabled; the warehouse is enabled; every SKU is enabled;
 * and the stock reserved for the lines is still on hand in the warehouse.
 */
export async function auditExceptions(ctx: ServiceContext, outbound: OutboundRow): Promise<AuditException[]> {
  const out: AuditException[] = [];
  const [order] = await ctx.db
    .select()
    .from(orders)
    .where(and(eq(orders.id, outbound.orderId), eq(orders.orgId, ctx.orgId)));
  if (!order) throw notFound("order");
  if (!RESERVED_STATUSES.includes(order.status))
    out.push({ code: "orderStatus", params: { status: order.status } });

  let requiresAddress = true;
  if (!order.deliveryMethod) out.push({ code: "deliveryMethodMissing" });
  else {
    const [method] = await ctx.db
      .select({ enabled: deliveryMethods.enabled, requiresAddress: deliveryMethods.requiresAddress })
      .from(deliveryMethods)
      .where(and(eq(deliveryMethods.orgId, ctx.orgId), eq(deliveryMethods.name, order.deliveryMethod)));
    if (!method) out.push({ code: "deliveryMethodUnknown", params: { name: order.deliveryMethod } });
    else {
      if (!method.enabled)
        out.push({ code: "deliveryMethodDisabled", params: { name: order.deliveryMethod } });
      requiresAddress = method.requiresAddress;
    }
  }
  if (requiresAddress) {
    const required = [...REQUIRED_ADDRESS, ...(/^(CN|中国)$/i.test(order.country.trim()) ? REQUIRED_CN : [])];
    for (const field of required) {
      if (!String(order[field] ?? "").trim()) out.push({ code: "addressIncomplete", params: { field } });
    }
  }

  const [wh] = await ctx.db
    .select({ code: warehouses.code, enabled: warehouses.enabled })
    .from(warehouses)
    .where(and(eq(warehouses.id, outbound.warehouseId), eq(warehouses.orgId, ctx.orgId)));
  if (!wh?.enabled) out.push({ code: "warehouseDisabled", params: { warehouse: wh?.code ?? "" } });

  const lines = await outboundLines(ctx, outbound.id);
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const prods = productIds.length
    ? await ctx.db
        .select({ id: products.id, sku: products.sku, enabled: products.enabled })
        .from(products)
        .where(and(eq(products.orgId, ctx.orgId), inArray(products.id, productIds)))
    : [];
  for (const p of prods) if (!p.enabled) out.push({ code: "skuDisabled", params: { sku: p.sku } });

  const need = new Map<string, Decimal>();
  for (const l of lines) need.set(l.productId, (need.get(l.productId) ?? dec(0)).plus(l.quantity));
  const levels = productIds.length
    ? await ctx.db
        .select({
          productId: stockLevels.productId,
          onHand: stockLevels.onHand,
          reserved: stockLevels.reserved,
        })
        .from(stockLevels)
        .where(
          and(
            eq(stockLevels.orgId, ctx.orgId),
            eq(stockLevels.warehouseId, outbound.warehouseId),
            inArray(stockLevels.productId, productIds),
          ),
        )
    : [];
  for (const [productId, qty] of need) {
    const level = levels.find((l) => l.productId === productId);
    const sku = prods.find((p) => p.id === productId)?.sku ?? productId;
    const onHand = dec(level?.onHand ?? 0);
    const reserved = dec(level?.reserved ?? 0);
    if (onHand.lt(qty) || reserved.lt(qty)) {
      out.push({
        code: "stockShort",
        params: { sku, needed: qty.toFixed(), onHand: onHand.toFixed(), reserved: reserved.toFixed() },
      });
    }
  }
  return out;
}

export type AuditResult = {
  id: string;
  outboundNo: string;
  passed: boolean;
  exceptions: AuditException[];
  skipped?: string;
};

/** Audit one locked outbound order: pass → audited; otherwise it stays pending with its exceptions. */
async function auditLocked(ctx: ServiceContext, row: OutboundRow): Promise<AuditResult> {
  if (row.status !== "pending_audit") {
    outboundTransition(row, "audit");
  }
  const exceptions = await auditExceptions(ctx, row);
  const now = new Date();
  if (exceptions.length === 0) {
    await applyOutboundStatus(ctx, row, "audit", "audited", {
      patch: { auditExceptions: [], lastAuditAt: now, auditedAt: now },
    });
    return { id: row.id, outboundNo: row.outboundNo, passed: true, exceptions };
  }
  await ctx.db
    .update(outboundOrders)
    .set({ auditExceptions: exceptions, lastAuditAt: now, version: row.version + 1 })
    .where(and(eq(outboundOrders.id, row.id), eq(outboundOrders.orgId, ctx.orgId)));
  await recordEvent(ctx, "outbound", row.id, {
    type: "audit_failed",
    from: row.status,
    to: row.status,
    details: { exceptions },
  });
  return { id: row.id, outboundNo: row.outboundNo, passed: false, exceptions };
}

export async function auditOutbound(ctx: ServiceContext, id: string): Promise<AuditResult> {
  return inTransaction(ctx, async (ctx) => {
    const [row] = await lockOutbounds(ctx, [id]);
    if (!row) throw notFound("outboundOrder");
    return auditLocked(ctx, row);
  });
}

/**
 * 批量审核: audit the chosen rows (or the next batch still pending), in one transaction. Rows that pass
 * become audited; the others keep every exception on the row. Rows not pending audit are skipped and
 * reported, so a stale selection never fails the whole batch.
 */
export async function bulkAudit(ctx: ServiceContext, raw: BulkAuditInput) {
  const input = BulkAuditInput.parse(raw);
  // Clients auditing "all the rest" in batches pass this back as notAuditedSince on the next call.
  const startedAt = new Date().toISOString();
  return inTransaction(ctx, async (ctx) => {
    let ids = input.ids;
    if (!ids) {
      const next = await ctx.db
        .select({ id: outboundOrders.id })
        .from(outboundOrders)
        .where(
          and(
            eq(outboundOrders.orgId, ctx.orgId),
            eq(outboundOrders.status, "pending_audit"),
            input.warehouseId ? eq(outboundOrders.warehouseId, input.warehouseId) : undefined,
            input.notAuditedSince
              ? or(
                  isNull(outboundOrders.lastAuditAt),
                  lt(outboundOrders.lastAuditAt, new Date(input.notAuditedSince)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(outboundOrders.createdAt), asc(outboundOrders.id))
        .limit(input.limit)
        .for("update", { skipLocked: true });
      ids = next.map((r) => r.id);
    }
    const rows = await lockOutbounds(ctx, ids);
    if (input.ids && rows.length !== new Set(input.ids).size) throw notFound("outboundOrder");
    const results: AuditResult[] = [];
    for (const row of rows) {
      if (row.status !== "pending_audit") {
        results.push({
          id: row.id,
          outboundNo: row.outboundNo,
          passed: false,
          exceptions: [],
          skipped: row.status,
        });
        continue;
      }
      results.push(await auditLocked(ctx, row));
    }
    return {
      startedAt,
      audited: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.passed && !r.skipped).length,
      skipped: results.filter((r) => r.skipped).length,
      results,
    };
  });
}
