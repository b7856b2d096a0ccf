import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import {
  deliveryMethods,
  orderLines,
  orders,
  outboundOrderLines,
  outboundOrders,
  products,
  stockLevels,
  warehouses,
  type PlatformOrderBlocker,
} from "@/db/schema";
import { newId } from "@/db/schema/_columns";
import { dec, sumDecimals, type Decimal } from "@/lib/decimal";
import { ConvertedOrderInput, type ConvertedOrderParsed } from "@/lib/validators/orders";
import { actorUserId, inSavepoint, inTransaction, systemContext, type ServiceContext, type TxContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { FieldErrorCollector, parseOptionalDecimalField } from "../_lib/precision";
import { nextNumbers } from "../_lib/numbers";
import { recordEvents } from "../_lib/events";
import { chooseWarehouse, insufficientStock, reserveStockMany, type Shortage } from "../inventory/ledger";
import { emitOrderStockChanged } from "../orders/internal";
import { orderTotals, resolveLines, type ResolvedContent, type ResolvedLine } from "../orders/content";
import type { MerchantSettings } from "../_lib/settings";
import {
  blockedSkusOf,
  blockerFromError,
  blockersChanged,
  claimConvertible,
  linesByOrder,
  loadMappings,
  planOrder,
  systemOrderInput,
  type ConvertResult,
  type PlatformOrderRow,
} from "./convert-shared";
import { convertClaimedSingly } from "./convert-single";

/**
 * The batch conversion path: a chunk of platform orders (up to 500) becomes system orders in ONE
 * transaction with a few dozen statements instead of ~40 per order, and with exactly the outcome of
 * converting them one by one through createOrder (+ approval, reservation and outbound orders):
 *
 * 1. Claim the convertible orders (FOR UPDATE SKIP LOCKED — a concurrent pull, webhook or bulk convert
 *    skips them; the unique (org, platform_order_id) on orders is the backstop).
 * 2. Read once what createOrder reads per order (mappings, products, delivery methods, warehouses,
 *    stock) and decide every order in memory, in the same order and with the same rules: 001's
 *    blockers, the order input and content checks at the merchant's precision, the warehouse
 *    pickWarehouse would choose, and the shortage reserveStock would refuse — each order seeing the
 *    stock the orders before it took.
 * 3. Write in a savepoint: order numbers for the whole batch in one step, multi-row inserts of orders,
 *    lines and timeline events, then the reservations as ONE guarded UPDATE over the SKU × warehouse
 *    rows (locked in key order, `on_hand - reserved >= qty`), movements, outbound order numbers,
 *    outbound orders/lines/events, outbox events and the platform orders' new state and events.
 * 4. If the guarded UPDATE finds less stock than was read (another transaction took it meanwhile), or
 *    any write fails, the savepoint is rolled back and the chunk falls back to the per-order path, so
 *    the outcome is still exactly what one-by-one conversion gives — and stock never goes negative.
 *
 * Locks are taken in the order every other path takes them: the order-number row, then stock rows
 * (sorted), then the outbound-number row.
 */
export async function convertChunkBatch(ctx: ServiceContext, ids: string[], settings: MerchantSettings): Promise<ConvertResult> {
  return inTransaction(ctx, async (ctx) => {
    const claimed = await claimConvertible(ctx, ids);
    const skipped = ids.length - claimed.length;
    if (claimed.length === 0) return { converted: 0, blocked: 0, skipped, orderIds: [] };
    const decided = await decide(ctx, claimed, settings);
    try {
      const r = await inSavepoint(ctx, (sp) => write(sp, decided));
      return { ...r, skipped };
    } catch (e) {
      if (!(e instanceof BatchShort) && process.env.NODE_ENV !== "production") console.error(`[channels] batch conversion fell back to single orders: ${e instanceof Error ? e.message : e}`);
      const r = await convertClaimedSingly(ctx, claimed, settings);
      return { ...r, skipped };
    }
  });
}

/** Another transaction took stock between our read and our guarded UPDATE. */
class BatchShort extends Error {}

type Reservation = { productId: string; warehouseId: string; qty: Decimal };

type Converting = {
  po: PlatformOrderRow;
  orderId: string;
  status: "pending" | "stock_up";
  content: ResolvedContent;
  /** Per product: the warehouse its quantity is reserved in (approved orders). */
  warehouseOf: Map<string, string>;
  /** Aggregated per (product, warehouse), sorted like reserveStock sorts them. */
  reservations: Reservation[];
};

type Decided = { converting: Converting[]; blocked: { po: PlatformOrderRow; blockers: PlatformOrderBlocker[] }[] };

type ProductInfo = { id: string; sku: string; name: string; spec: string; enabled: boolean };
type MethodInfo = { name: string; requiresAddress: boolean; isDefault: boolean };
type WarehouseInfo = { id: string; code: string; isDefault: boolean; enabled: boolean };

const EMPTY_ADDRESS = { recipientName: "", recipientPhone: "", country: "", province: "", city: "", district: "", street: "", postcode: "" };

// ------------------------------------------------------------------------------------------ deciding

async function decide(ctx: TxContext, claimed: PlatformOrderRow[], settings: MerchantSettings): Promise<Decided> {
  const { db: tx, orgId } = ctx;
  const { lines, linesOf } = await linesByOrder(ctx, claimed);
  const mappingOf = await loadMappings(ctx, claimed, lines);
  const productIds = [...new Set([...mappingOf.values()].flat().map((m) => m.productId))];

  const [prods, methods, whs, levels] = await Promise.all([
    productIds.length
      ? tx.select({ id: products.id, sku: products.sku, name: products.name, spec: products.spec, enabled: products.enabled }).from(products).where(and(eq(products.orgId, orgId), inArray(products.id, productIds)))
      : Promise.resolve([] as ProductInfo[]),
    tx
      .select({ name: deliveryMethods.name, requiresAddress: deliveryMethods.requiresAddress, isDefault: deliveryMethods.isDefault })
      .from(deliveryMethods)
      .where(and(eq(deliveryMethods.orgId, orgId), eq(deliveryMethods.enabled, true)))
      .orderBy(asc(deliveryMethods.sortOrder)),
    // pickWarehouse's order: the default first, then by code.
    tx
      .select({ id: warehouses.id, code: warehouses.code, isDefault: warehouses.isDefault, enabled: warehouses.enabled })
      .from(warehouses)
      .where(eq(warehouses.orgId, orgId))
      .orderBy(desc(warehouses.isDefault), asc(warehouses.code)),
    productIds.length
      ? tx
          .select({ productId: stockLevels.productId, warehouseId: stockLevels.warehouseId, available: sql<string>`(${stockLevels.onHand} - ${stockLevels.reserved})::text` })
          .from(stockLevels)
          .where(and(eq(stockLevels.orgId, orgId), inArray(stockLevels.productId, productIds)))
      : Promise.resolve([] as { productId: string; warehouseId: string; available: string }[]),
  ]);
  const bySku = new Map(prods.map((p) => [p.sku, p]));
  const enabledWhs = whs.filter((w) => w.enabled);
  const enabledIds = new Set(enabledWhs.map((w) => w.id));

  // Stock as this chunk sees it: per (product, warehouse), and per product over enabled warehouses
  // (availableByProduct — what the no-stock blocker compares with).
  const stock = new Map<string, Decimal>();
  const available = new Map<string, Decimal>();
  for (const l of levels) {
    stock.set(`${l.productId}|${l.warehouseId}`, dec(l.available));
    if (enabledIds.has(l.warehouseId)) available.set(l.productId, (available.get(l.productId) ?? dec(0)).plus(l.available));
  }

  const out: Decided = { converting: [], blocked: [] };
  for (const po of claimed) {
    const plan = planOrder(po, linesOf.get(po.id) ?? [], mappingOf, available);
    if ("blockers" in plan) {
      out.blocked.push({ po, blockers: plan.blockers });
      continue;
    }
    try {
      const input = ConvertedOrderInput.parse(systemOrderInput(po, plan.lines, settings.priceDecimals));
      const content = resolvePlatformContent(input, settings, methods, bySku);
      let warehouseOf = new Map<string, string>();
      let reservations: Reservation[] = [];
      if (input.status === "stock_up") {
        ({ warehouseOf, reservations } = await reserveInMemory(ctx, content.lines, enabledWhs, stock));
      }
      out.converting.push({ po, orderId: newId(), status: input.status, content, warehouseOf, reservations });
      for (const l of plan.lines) available.set(l.productId, (available.get(l.productId) ?? dec(0)).minus(input.status === "pending" ? 0 : l.quantity));
    } catch (e) {
      out.blocked.push({ po, blockers: [blockerFromError(e)] });
    }
  }
  return out;
}

/**
 * resolveContent (orders/content.ts) for what a platform order brings — a typed address, lines, a
 * remark; no customer, warehouse, agreement terms, freight or attachments — with the same checks, the
 * same field paths and the same rounding, from data read once for the chunk.
 */
function resolvePlatformContent(input: ConvertedOrderParsed, settings: MerchantSettings, methods: MethodInfo[], bySku: Map<string, ProductInfo>): ResolvedContent {
  if (input.clientNum || input.addressId || input.warehouseId || input.deliveryMethod || input.agreementType || input.processingType || input.attachmentIds.length) {
    throw new Error("the batch conversion path only takes platform order inputs");
  }
  const errors = new FieldErrorCollector();
  const freightIn = errors.run(() => parseOptionalDecimalField(input.freight, "freight", settings, "amount"));
  const discountIn = errors.run(() => parseOptionalDecimalField(input.discountTotal, "discountTotal", settings, "amount"));
  const agreedTotalQty = errors.run(() => parseOptionalDecimalField(input.agreedTotalQty, "agreedTotalQty", settings, "quantity")) ?? null;
  const agreedTotalAmount = errors.run(() => parseOptionalDecimalField(input.agreedTotalAmount, "agreedTotalAmount", settings, "amount")) ?? null;

  const method = methods.find((m) => m.isDefault) ?? methods[0];
  if (!method) errors.add("deliveryMethod", "deliveryMethodUnknown", { name: "", allowed: methods.map((m) => m.name).join("、") });
  const needsAddress = method?.requiresAddress ?? true;
  let address = { ...EMPTY_ADDRESS };
  if (needsAddress) {
    if (input.address) address = { ...EMPTY_ADDRESS, ...input.address };
    if (!address.street) errors.add("address", "addressRequired");
  }

  const lines = resolveLines(input.lines, bySku, settings, errors);
  errors.throwIfAny();
  const totals = orderTotals(lines, discountIn, settings);
  return {
    customerId: null,
    clientNum: null,
    buyerCompany: input.buyerCompany || "",
    addressId: null,
    ...address,
    deliveryMethod: method!.name,
    warehouseId: null,
    deliveryDate: input.deliveryDate ?? null,
    freight: needsAddress ? (freightIn ?? "0") : "0",
    remark: input.remark,
    agreementType: null,
    agreedTotalQty,
    processingType: null,
    agreedTotalAmount,
    ...totals,
    lines,
  };
}

/**
 * approveOrder's reservation, decided against the chunk's view of stock: per SKU the warehouse
 * pickWarehouse would choose (the default when it can serve the whole quantity, else the enabled one
 * with the most that can, else the default), then reserveStock's all-or-nothing guard per
 * (SKU, warehouse). On success the quantities leave `stock` for the next order.
 */
async function reserveInMemory(ctx: TxContext, lines: ResolvedLine[], enabledWhs: WarehouseInfo[], stock: Map<string, Decimal>) {
  const qtyBySku = new Map<string, Decimal>();
  for (const l of lines) qtyBySku.set(l.productId, (qtyBySku.get(l.productId) ?? dec(0)).plus(l.quantity));
  const at = (productId: string, warehouseId: string) => stock.get(`${productId}|${warehouseId}`) ?? dec(0);
  const warehouseOf = new Map<string, string>();
  for (const [productId, qty] of qtyBySku) {
    const chosen = chooseWarehouse(enabledWhs, (w) => at(productId, w.id), qty);
    if (!chosen) throw new DomainError("CONFLICT", { key: "noWarehouse" });
    warehouseOf.set(productId, chosen.id);
  }
  const reservations = [...qtyBySku]
    .map(([productId, qty]) => ({ productId, warehouseId: warehouseOf.get(productId)!, qty }))
    .filter((r) => r.qty.gt(0))
    .sort((a, b) => (a.productId + a.warehouseId < b.productId + b.warehouseId ? -1 : 1));
  const shortages: Shortage[] = reservations
    .filter((r) => at(r.productId, r.warehouseId).lt(r.qty))
    .map((r) => ({ productId: r.productId, warehouseId: r.warehouseId, requested: r.qty.toFixed(), available: at(r.productId, r.warehouseId).toFixed() }));
  if (shortages.length) throw await insufficientStock(ctx, shortages);
  for (const r of reservations) stock.set(`${r.productId}|${r.warehouseId}`, at(r.productId, r.warehouseId).minus(r.qty));
  return { warehouseOf, reservations };
}

// ------------------------------------------------------------------------------------------ writing

/** Multi-row inserts in slices that stay well under PostgreSQL's 65,535 parameters per statement. */
async function insertAll<T>(rows: T[], size: number, insert: (slice: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

async function write(ctx: TxContext, d: Decided): Promise<Omit<ConvertResult, "skipped">> {
  const { db: tx, orgId, actor } = ctx;
  const userId = actorUserId({ actor });
  const now = new Date();
  const conv = d.converting;

  if (conv.length) {
    // Order numbers: SO-YYMMDD-00001, the batch's in one step.
    const orderNos = await nextNumbers(ctx, "order", conv.length, now);
    const orderNo = new Map(conv.map((c, i) => [c.orderId, orderNos[i]!]));

    // Orders as createOrder + approveOrder leave them (an approved order went pending → stock_up).
    await insertAll(conv, 500, (slice) =>
      tx.insert(orders).values(
        slice.map((c) => {
          const { lines: _lines, ...header } = c.content;
          return {
            ...header,
            id: c.orderId,
            orgId,
            orderNo: orderNo.get(c.orderId)!,
            source: "platform" as const,
            status: c.status,
            platformOrderId: c.po.id,
            copiedFromId: null,
            createdBy: userId,
            version: c.status === "stock_up" ? 2 : 1,
            approvedAt: c.status === "stock_up" ? now : null,
          };
        }),
      ),
    );
    const lineRows = conv.flatMap((c) =>
      c.content.lines.map((l) => ({ ...l, id: newId(), orgId, orderId: c.orderId, warehouseId: c.status === "stock_up" ? (c.warehouseOf.get(l.productId) ?? null) : null })),
    );
    await insertAll(lineRows, 1000, (slice) => tx.insert(orderLines).values(slice));
    // Timelines as createOrder + approveOrder write them.
    await recordEvents(
      ctx,
      "order",
      conv.flatMap((c) => [
        { documentId: c.orderId, type: "created", to: "pending" as const, reason: "platform" },
        ...(c.status === "stock_up" ? [{ documentId: c.orderId, type: "approve", from: "pending" as const, to: "stock_up" as const }] : []),
      ]),
    );

    // Reservations through the ledger's multi-row entry point: rows locked in key order, one guarded
    // UPDATE over every (SKU, warehouse) of the batch, a movement per order and SKU as approveOrder writes.
    const reserved = await reserveStockMany(
      ctx,
      conv.flatMap((c) => c.reservations.map((r) => ({ productId: r.productId, warehouseId: r.warehouseId, qty: r.qty.toFixed(), ref: { refType: "order", refId: c.orderId, refNo: orderNo.get(c.orderId)!, reason: "approve" } }))),
    );
    if (reserved.shortages.length) throw new BatchShort("stock changed since it was read");

    // Outbound orders (createOutboundForOrder): one per warehouse an approved order's lines are
    // reserved in, warehouses in code order, numbers OB-YYMMDD-00001 taken for the batch in one step.
    const codes = new Map((await tx.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).where(eq(warehouses.orgId, orgId))).map((w) => [w.id, w.code]));
    const linesOfOrder = new Map<string, typeof lineRows>();
    for (const l of lineRows) {
      const list = linesOfOrder.get(l.orderId);
      if (list) list.push(l);
      else linesOfOrder.set(l.orderId, [l]);
    }
    const outbounds: { id: string; seq: number; orderId: string; orderNo: string; warehouseId: string; lines: typeof lineRows; split: number }[] = [];
    for (const c of conv) {
      if (c.status !== "stock_up") continue;
      const byWarehouse = new Map<string, typeof lineRows>();
      for (const l of linesOfOrder.get(c.orderId) ?? []) {
        if (!l.warehouseId) continue;
        const list = byWarehouse.get(l.warehouseId) ?? [];
        list.push(l);
        byWarehouse.set(l.warehouseId, list);
      }
      const whIds = [...byWarehouse.keys()].sort((a, b) => (codes.get(a) ?? a).localeCompare(codes.get(b) ?? b));
      for (const w of whIds) outbounds.push({ id: newId(), seq: outbounds.length, orderId: c.orderId, orderNo: orderNo.get(c.orderId)!, warehouseId: w, lines: byWarehouse.get(w)!, split: whIds.length });
    }
    if (outbounds.length) {
      const outboundNos = await nextNumbers(ctx, "outbound", outbounds.length);
      await insertAll(outbounds, 500, (slice) =>
        tx.insert(outboundOrders).values(
          slice.map((o) => ({
            id: o.id,
            orgId,
            outboundNo: outboundNos[o.seq]!,
            orderId: o.orderId,
            orderNo: o.orderNo,
            warehouseId: o.warehouseId,
            totalQty: sumDecimals(o.lines.map((l) => l.quantity)).toFixed(),
          })),
        ),
      );
      const obLines = outbounds.flatMap((o) =>
        o.lines.map((l, i) => ({ orgId, outboundId: o.id, orderLineId: l.id, lineNo: i + 1, productId: l.productId, sku: l.sku, productName: l.productName, quantity: l.quantity })),
      );
      await insertAll(obLines, 1000, (slice) => tx.insert(outboundOrderLines).values(slice));
      await recordEvents(
        ctx,
        "outbound",
        outbounds.map((o) => ({ documentId: o.id, type: "created", to: "pending_audit" as const, details: o.split > 1 ? { orderNo: o.orderNo, split: o.split } : { orderNo: o.orderNo } })),
      );
    }

    // inventory.changed once per SKU (debounced like enqueue: a pending event of the SKU absorbs it).
    await emitOrderStockChanged(ctx, conv.flatMap((c) => c.content.lines.map((l) => l.productId)));

    // The platform orders: processed, linked, blockers cleared; a `converted` event each.
    await tx.execute(sql`
      update platform_orders p
         set state = 'processed', order_id = v.order_id, order_no = v.order_no, blockers = '[]'::jsonb, blocked_skus = '{}'::text[],
             blocked_at = null, convert_attempts = p.convert_attempts + 1, updated_at = now()
        from jsonb_to_recordset(${json(conv.map((c) => ({ id: c.po.id, order_id: c.orderId, order_no: orderNo.get(c.orderId) })))}) as v(id uuid, order_id uuid, order_no text)
       where p.org_id = ${orgId} and p.id = v.id`);
    await recordEvents(
      ctx,
      "platformOrder",
      conv.map((c) => ({ documentId: c.po.id, type: "converted", from: "pending", to: "processed", reason: orderNo.get(c.orderId)! })),
    );
  }

  // Blocked: every reason on the row (retried after its cause is fixed); an event when they changed.
  if (d.blocked.length) {
    await tx.execute(sql`
      update platform_orders p
         set blockers = v.blockers, blocked_skus = v.skus, blocked_at = coalesce(p.blocked_at, ${now.toISOString()}::timestamptz),
             convert_attempts = p.convert_attempts + 1, updated_at = now()
        from jsonb_to_recordset(${json(d.blocked.map((b) => ({ id: b.po.id, blockers: b.blockers, skus: blockedSkusOf(b.blockers) })))}) as v(id uuid, blockers jsonb, skus text[])
       where p.org_id = ${orgId} and p.id = v.id`);
    const events = d.blocked
      .filter((b) => blockersChanged(b.po, b.blockers))
      .map((b) => ({ documentId: b.po.id, type: "blocked", from: "pending", to: "pending", blockers: b.blockers }));
    await recordEvents(systemContext(tx, orgId, "channels"), "platformOrder", events);
  }

  return { converted: conv.length, blocked: d.blocked.length, orderIds: conv.map((c) => c.orderId) };
}
