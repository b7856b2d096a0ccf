import { CreateOrdersV, GetAddressesV, GetOrdersV, GetStockV } from "@/lib/validators/open-api";
import type { ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { addressesOfClient } from "../catalog/customers";
import { stockOfSkus } from "../inventory/stock";
import { COUNT_CAP } from "../_lib/keyset";
import { createOrder } from "./create-order";
import { withIdempotency } from "./idempotency";
import { ordersWithLines } from "./queries";

/**
 * The ERP open API's functions (002) over the API's own field names and answer shapes. Both transports
 * — `POST /api/open` (server/open) and the tRPC `orders` router — call these, so they behave alike.
 */

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
  skus: "options_goods_num",
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
  const filter = { orderNos: input.orders_num ?? null, createdFrom: input.created_from, createdTo: input.created_to, status: input.status ?? null };
  const offset = input.cursor ? 0 : (input.page - 1) * input.page_size;
  if (offset + input.page_size > COUNT_CAP) {
    throw new DomainError("VALIDATION", { key: "pageTooDeep", params: { max: COUNT_CAP } }, { fieldErrors: { page: { key: "pageTooDeep", params: { max: COUNT_CAP } } } });
  }
  const page = await ordersWithLines(ctx, filter, { limit: input.page_size, offset, cursor: input.cursor });
  return {
    // Exact up to 10,000; beyond that `total` is 10000 and `total_capped` is true.
    total: page.total.count,
    total_capped: page.total.capped,
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

export async function getStockFn(ctx: ServiceContext, v: GetStockV) {
  const input = GetStockV.parse(v);
  const rows = await stockOfSkus(ctx, { skus: input.options_goods_num });
  return rows.map((r) => ({ options_goods_num: r.sku, warehouse: r.warehouse, on_hand: r.onHand, reserved: r.reserved, available: r.available }));
}

export async function getAddressesFn(ctx: ServiceContext, v: GetAddressesV) {
  const input = GetAddressesV.parse(v);
  const rows = await addressesOfClient(ctx, { clientNum: input.client_num });
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
