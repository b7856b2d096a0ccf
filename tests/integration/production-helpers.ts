import { and, eq } from "drizzle-orm";
import { orders, outbox, products } from "@/db/schema";
import { UPSTREAM_TOPIC } from "@/lib/production/status";
import { inTransaction, type ServiceContext } from "@/server/context";
import { createWarehouse } from "@/server/services/catalog/warehouses";
import { moveStock } from "@/server/services/inventory/ledger";
import { createOrder } from "@/server/services/orders/create-order";
import { saveMapping } from "@/server/services/production/mapping";
import { createOperation } from "@/server/services/production/operations";
import { listProgrammes } from "@/server/services/production/programmes";
import { createRoute } from "@/server/services/production/routes";
import { createTestOrg, svcCtx, testDb, uid, type TestOrg } from "../helpers/db";

export const ROUTE_OPS = ["MAT", "CUT", "SEW1", "SEW2", "IRON", "QC", "PACK", "SHIP"] as const;

/**
 * A garment factory: products TEE (T-shirt) and JEANS with stock, operations MAT (kitting), CUT, SEW1
 * and SEW2 (sewing, 30 and 10 standard minutes), IRON, QC, PACK, SHIP; a route TEE-R through all of them
 * assigned to TEE; 天天工厂's seeded stages. With `map`, the route is mapped and confirmed.
 */
export async function factory(opts: { map?: boolean } = {}) {
  const org = await createTestOrg();
  const ctx = svcCtx(org);
  const db = testDb();
  const wh = await createWarehouse(ctx, { code: "WH1", name: "主仓", isDefault: true });
  const prods = await db
    .insert(products)
    .values([
      { orgId: org.orgId, sku: "TEE", name: "纯棉T恤", price: "10" },
      { orgId: org.orgId, sku: "JEANS", name: "牛仔裤", price: "20" },
    ])
    .returning();
  const productId = (sku: string) => prods.find((p) => p.sku === sku)!.id;
  await inTransaction(ctx, async (tx) => {
    for (const p of prods) await moveStock(tx, { productId: p.id, warehouseId: wh.id, kind: "opening", onHandDelta: "1000", refType: "opening" });
  });
  const ops: Record<string, string> = {};
  for (const [code, name, minutes] of [
    ["MAT", "领料", "0"],
    ["CUT", "裁剪", "5"],
    ["SEW1", "缝合衣身", "30"],
    ["SEW2", "上袖", "10"],
    ["IRON", "整烫", "3"],
    ["QC", "质检", "2"],
    ["PACK", "包装", "1"],
    ["SHIP", "出货", "0"],
  ] as const) {
    ops[code] = (await createOperation(ctx, { code, name, standardMinutes: minutes, workCentre: "一车间" })).id;
  }
  const route = await createRoute(ctx, {
    code: "TEE-R",
    name: "T恤工艺",
    operationIds: ROUTE_OPS.map((c) => ops[c]!),
    productIds: [productId("TEE")],
  });
  const [programme] = await listProgrammes(ctx);
  const stage = (code: string) => programme!.stages.find((s) => s.code === code)!.id;
  if (opts.map) await mapFully(ctx, route.id, programme!.id, ops, stage);
  return { org, ctx, wh, productId, ops, route, programme: programme!, stage };
}

export type Factory = Awaited<ReturnType<typeof factory>>;

/** The route's full mapping: every stage gets its operations; sewing has two (SEW1, SEW2). */
export async function mapFully(ctx: ServiceContext, routeId: string, programmeId: string, ops: Record<string, string>, stage: (code: string) => string) {
  return saveMapping(ctx, {
    routeId,
    programmeId,
    confirm: true,
    entries: [
      { operationId: ops.MAT!, stageId: stage("MATERIAL") },
      { operationId: ops.CUT!, stageId: stage("CUTTING") },
      { operationId: ops.SEW1!, stageId: stage("SEWING") },
      { operationId: ops.SEW2!, stageId: stage("SEWING") },
      { operationId: ops.IRON!, stageId: stage("FINISHING") },
      { operationId: ops.QC!, stageId: stage("QC") },
      { operationId: ops.PACK!, stageId: stage("PACKING") },
      { operationId: ops.SHIP!, stageId: stage("SHIPPING") },
    ],
  });
}

/** An approved order (备货中, stock reserved) through the orders service. */
export async function approvedOrder(f: Factory, lines: { sku: string; quantity: string }[]) {
  return createOrder(f.ctx, {
    status: "stock_up",
    address: { recipientName: "王小明", recipientPhone: "13800000000", street: "文三路 90 号" },
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: "10" })),
  });
}

export async function orderStatus(orgId: string, orderId: string) {
  const [o] = await testDb()
    .select({ status: orders.status })
    .from(orders)
    .where(and(eq(orders.orgId, orgId), eq(orders.id, orderId)));
  return o?.status;
}

/** Upstream report events of this merchant, whatever their delivery status. */
export async function upstreamEvents(org: TestOrg) {
  return testDb()
    .select()
    .from(outbox)
    .where(and(eq(outbox.orgId, org.orgId), eq(outbox.topic, UPSTREAM_TOPIC)));
}

export const planNo = () => uid("PP-").toUpperCase();
