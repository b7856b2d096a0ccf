import { and, count, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { customerAddresses, customers, orders, products, warehouses } from "@/db/schema";
import { LINE_TYPES, ORDER_STATUSES } from "@/lib/orders/status";
import type { Permission } from "@/lib/permissions";
import { decimalInput, optionalDecimalInput } from "@/lib/validators/common";
import { optionalDate } from "@/lib/validators/orders";
import type { ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { stockFor } from "@/server/services/inventory/ledger";
import { cappedCount, COUNT_CAP } from "@/server/services/_lib/keyset";
import { createOrder } from "@/server/services/orders/create-order";
import { withIdempotency } from "@/server/services/orders/idempotency";
import { createdWindowSql, ordersWithLines } from "@/server/services/orders/queries";

/**
 * The ERP open API (`POST /api/open`, 002): each function is a zod schema over the API's own field
 * names, the permission its key needs, and a call into the order services. The tRPC `orders` router
 * exposes the same functions, so both transports behave identically.
 */

const text = (max: number) => z.string({ error: "required" }).trim().min(1, { error: "required" }).max(max, { error: "tooLong" });
const optText = (max: number) => z.string().trim().max(max, { error: "tooLong" }).nullish();
/** 002 types address_id as Int; a numeric string is accepted too. */
const intId = z.union([z.number(), z.string().trim().regex(/^\d+$/, { error: "invalidId" })]).transform((v, c) => {
  const n = typeof v === "string" ? Number(v) : v;
  if (!Number.isSafeInteger(n) || n <= 0) {
    c.addIssue({ code: "custom", message: "invalidId" });
    return z.NEVER;
  }
  return n;
});

export const CreateOrdersV = z.object({
  client_num: text(40),
  status: z.enum(["pending", "stock_up"], { error: "createStatusInvalid" }).default("pending"),
  distrib_mode: optText(40),
  address_id: intId.nullish(),
  freight: optionalDecimalInput,
  delivery_date: optionalDate,
  discount_total: optionalDecimalInput,
  remark: z.string().max(1000, { error: "tooLong" }).nullish(),
  body: z
    .array(
      z.object({
        options_goods_num: text(64),
        orders_price: decimalInput,
        orders_number: decimalInput,
        list_type: z.enum(LINE_TYPES, { error: "lineTypeInvalid" }).nullish(),
        remark: z.string().max(500, { error: "tooLong" }).nullish(),
      }),
      { error: "linesRequired" },
    )
    .min(1, { error: "linesRequired" })
    .max(500, { error: "tooManyLines" }),
});
export type CreateOrdersV = z.input<typeof CreateOrdersV>;

const isoDateTime = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), { error: "dateTimeFormat" })
  .nullish();

export const GetOrdersV = z.object({
  orders_num: z.array(z.string().trim().max(60)).max(200, { error: "orderNosTooMany" }).nullish(),
  created_from: isoDateTime,
  created_to: isoDateTime,
  status: z.enum(ORDER_STATUSES).nullish(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
  /** Keyset continuation (`next_cursor` of the previous answer): for walking past 10,000 orders. */
  cursor: z.string().max(500).nullish(),
});
export type GetOrdersV = z.input<typeof GetOrdersV>;

export const GetStockV = z.object({
  options_goods_num: z.array(text(64), { error: "required" }).min(1, { error: "required" }).max(500),
});
export const GetAddressesV = z.object({ client_num: text(40) });

/** Service field paths → the API's names, so every error names the field the caller sent. */
const FIELD_NAMES: Record<string, string> = {
  clientNum: "client_num",
  addressId: "address_id",
  address: "address_id",
  deliveryMethod: "distrib_mode",
  freight: "freight",
  deliveryDate: "delivery_date",
  discountTotal: "discount_total",
  remark: "remark",
  lines: "body",
  status: "status",
};
const LINE_FIELD_NAMES: Record<string, string> = {
  sku: "options_goods_num",
  quantity: "orders_number",
  unitPrice: "orders_price",
  lineType: "list_type",
  remark: "remark",
};

export function apiFieldName(path: string): string {
  const m = /^lines\.(\d+)\.(\w+)$/.exec(path);
  if (m) return `body[${m[1]}].${LINE_FIELD_NAMES[m[2]!] ?? m[2]}`;
  return FIELD_NAMES[path] ?? path;
}

export async function createOrdersFn(ctx: ServiceContext, v: CreateOrdersV, opts: { idempotencyKey?: string | null; scope: string }) {
  const input = CreateOrdersV.parse(v);
  const { value } = await withIdempotency(ctx, { scope: opts.scope, key: opts.idempotencyKey, request: input }, async (tx) => {
    const order = await createOrder(tx, {
      source: "api",
      status: input.status,
      clientNum: input.client_num,
      deliveryMethod: input.distrib_mode ?? null,
      addressId: input.address_id ?? null,
      freight: input.freight,
      deliveryDate: input.delivery_date,
      discountTotal: input.discount_total,
      remark: input.remark ?? "",
      lines: input.body.map((l) => ({
        sku: l.options_goods_num,
        unitPrice: l.orders_price,
        quantity: l.orders_number,
        lineType: l.list_type ?? "buy",
        remark: l.remark ?? "",
      })),
    });
    return [{ orders_num: order.orderNo }];
  });
  return value;
}

/** getOrders page numbers are served with a bounded OFFSET; deeper walks use the keyset `cursor`. */
export async function getOrdersFn(ctx: ServiceContext, v: GetOrdersV) {
  const input = GetOrdersV.parse(v);
  const where = createdWindowSql({
    orderNos: input.orders_num ?? null,
    createdFrom: input.created_from,
    createdTo: input.created_to,
    status: input.status ?? null,
  });
  const offset = input.cursor ? 0 : (input.page - 1) * input.page_size;
  if (offset + input.page_size > COUNT_CAP) {
    throw new DomainError("VALIDATION", { key: "pageTooDeep", params: { max: COUNT_CAP } }, { fieldErrors: { page: { key: "pageTooDeep", params: { max: COUNT_CAP } } } });
  }
  const page = await ordersWithLines(ctx, where, { limit: input.page_size, offset, cursor: input.cursor });
  const [total] = await ctx.db
    .select({ n: count() })
    .from(sql`(select 1 from ${orders} where ${and(eq(orders.orgId, ctx.orgId), where)} limit ${COUNT_CAP + 1}) as capped`);
  const capped = cappedCount(total?.n ?? 0);
  return {
    // Exact up to 10,000; beyond that `total` is 10000 and `total_capped` is true.
    total: capped.count,
    total_capped: capped.capped,
    next_cursor: page.nextCursor,
    orders: page.items.map((o) => ({
      orders_num: o.orderNo,
      status: o.status,
      special_price: o.specialPrice,
      created_at: o.createdAt.toISOString(),
      source: o.source,
      client_num: o.clientNum,
      buyer_company: o.buyerCompany,
      distrib_mode: o.deliveryMethod,
      address_id: o.addressId,
      recipient_name: o.recipientName,
      recipient_phone: o.recipientPhone,
      country: o.country,
      province: o.province,
      city: o.city,
      district: o.district,
      street: o.street,
      postcode: o.postcode,
      freight: o.freight,
      delivery_date: o.deliveryDate,
      lines_total: o.linesTotal,
      discount_total: o.discountTotal,
      remark: o.remark,
      body: o.lines.map((l) => ({
        options_goods_num: l.sku,
        orders_price: l.unitPrice,
        orders_number: l.quantity,
        list_type: l.lineType,
        remark: l.remark,
        amount: l.amount,
      })),
    })),
  };
}

export async function getStockFn(ctx: ServiceContext, v: z.input<typeof GetStockV>) {
  const input = GetStockV.parse(v);
  const skus = [...new Set(input.options_goods_num)];
  const found = await ctx.db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, skus)));
  const unknown = skus.filter((s) => !found.some((f) => f.sku === s));
  if (unknown.length) {
    throw new DomainError("NOT_FOUND", { key: "skuUnknown", params: { sku: unknown.join(", ") } }, {
      fieldErrors: { options_goods_num: { key: "skuUnknown", params: { sku: unknown.join(", ") } } },
    });
  }
  const rows = await stockFor(ctx.db, ctx.orgId, found.map((f) => f.id));
  const whs = await ctx.db.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).where(eq(warehouses.orgId, ctx.orgId));
  const skuOf = new Map(found.map((f) => [f.id, f.sku]));
  const codeOf = new Map(whs.map((w) => [w.id, w.code]));
  return rows
    .map((r) => ({
      options_goods_num: skuOf.get(r.productId)!,
      warehouse: codeOf.get(r.warehouseId) ?? r.warehouseId,
      on_hand: r.onHand,
      reserved: r.reserved,
      available: r.available,
    }))
    .sort((a, b) => (a.options_goods_num + a.warehouse < b.options_goods_num + b.warehouse ? -1 : 1));
}

export async function getAddressesFn(ctx: ServiceContext, v: z.input<typeof GetAddressesV>) {
  const input = GetAddressesV.parse(v);
  const [customer] = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, ctx.orgId), eq(customers.clientNum, input.client_num)));
  if (!customer) {
    throw new DomainError("NOT_FOUND", { key: "customerUnknown", params: { clientNum: input.client_num } }, {
      fieldErrors: { clientNum: { key: "customerUnknown", params: { clientNum: input.client_num } } },
    });
  }
  const rows = await ctx.db
    .select()
    .from(customerAddresses)
    .where(and(eq(customerAddresses.orgId, ctx.orgId), eq(customerAddresses.customerId, customer.id)))
    .orderBy(customerAddresses.id);
  return rows.map((a) => ({
    address_id: a.id,
    is_default: a.isDefault,
    recipient: a.recipient,
    phone: a.phone,
    country: a.country,
    province: a.province,
    city: a.city,
    district: a.district,
    street: a.street,
    postcode: a.postcode,
  }));
}

export type OpenFunction = {
  schema: z.ZodType;
  permission: Permission | null;
  run: (ctx: ServiceContext, v: unknown, opts: { idempotencyKey: string | null }) => Promise<unknown>;
  successMessage: "orderCreated" | "ok";
};

/** The function table of the open API. */
export const OPEN_FUNCTIONS: Record<string, OpenFunction> = {
  createOrders: {
    schema: CreateOrdersV,
    permission: "orders.write",
    run: (ctx, v, opts) => createOrdersFn(ctx, v as CreateOrdersV, { ...opts, scope: "open:createOrders" }),
    successMessage: "orderCreated",
  },
  getOrders: { schema: GetOrdersV, permission: null, run: (ctx, v) => getOrdersFn(ctx, v as GetOrdersV), successMessage: "ok" },
  getStock: { schema: GetStockV, permission: null, run: (ctx, v) => getStockFn(ctx, v as z.input<typeof GetStockV>), successMessage: "ok" },
  getAddresses: { schema: GetAddressesV, permission: null, run: (ctx, v) => getAddressesFn(ctx, v as z.input<typeof GetAddressesV>), successMessage: "ok" },
};
