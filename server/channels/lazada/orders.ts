import { Decimal } from "@/lib/decimal";
import type { NormalizedOrder, NormalizedOrderStatus } from "../types";

type LazadaAddress = {
  first_name?: string;
  last_name?: string;
  phone?: string;
  phone2?: string;
  address1?: string;
  address2?: string;
  address3?: string;
  address4?: string;
  address5?: string;
  city?: string;
  post_code?: string;
  country?: string;
  addressDsitrict?: string;
};

/** /orders/get → data.orders[] (the fields this connector reads). */
export type LazadaOrder = {
  order_id: string | number;
  order_number?: string | number;
  created_at: string;
  updated_at: string;
  price?: string;
  shipping_fee?: string | number;
  payment_method?: string;
  remarks?: string;
  buyer_note?: string;
  customer_first_name?: string;
  customer_last_name?: string;
  statuses?: string[];
  items_count?: number;
  address_shipping?: LazadaAddress;
  warehouse_code?: string;
};

/** /orders/items/get → data[].order_items[]: one row per unit sold. */
export type LazadaOrderItem = {
  order_item_id: string | number;
  order_id: string | number;
  sku?: string;
  shop_sku?: string;
  sku_id?: string | number;
  name?: string;
  variation?: string;
  item_price?: string | number;
  paid_price?: string | number;
  currency?: string;
  status: string;
  package_id?: string;
  tracking_code?: string;
  shipment_provider?: string;
  shipping_type?: string;
};

export type LazadaOrderWithItems = LazadaOrder & { items: LazadaOrderItem[]; venture: string };

/**
 * Lazada prints timestamps as `2018-03-16 09:52:06 +0800` (order list and items; "Get orders" examples).
 * Also accepted: ISO 8601.
 */
export function parseLazadaTime(s: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})\s*([+-])(\d{2}):?(\d{2})$/.exec(s.trim());
  const d = m ? new Date(`${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`) : new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`unreadable Lazada time: ${s}`);
  return d;
}

/** An ISO 8601 moment with offset, as /orders/get's update_after / update_before want. */
export const lazadaIso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** Amounts arrive as strings, sometimes with thousands separators ("1,499.00"): read them exactly. */
export function lazadaMoney(v: string | number | undefined | null): string {
  if (v === undefined || v === null || v === "") return "0";
  return new Decimal(String(v).replace(/,/g, "")).toFixed();
}

/**
 * An order's status from its items' statuses (Lazada keeps status per item; the order list gives the
 * set in `statuses`): unpaid → pending; anything still to pack or hand over → unshipped; handed to the
 * carrier (ready_to_ship: packed and waiting for pickup with the platform's tracking number, shipped,
 * failed delivery, lost, returned) → shipped; every live item delivered → completed; all cancelled → cancelled.
 */
export function lazadaStatus(statuses: string[]): NormalizedOrderStatus {
  const s = statuses.map((x) => x.toLowerCase());
  const live = s.filter((x) => x !== "canceled" && x !== "cancelled");
  if (live.length === 0) return s.length ? "cancelled" : "pending";
  if (live.includes("unpaid")) return "pending";
  if (live.some((x) => ["pending", "packed", "repacked", "topack", "toship"].includes(x))) return "unshipped";
  if (live.every((x) => x === "delivered" || x === "confirmed")) return "completed";
  return "shipped";
}

/** Items of one SKU at one price become one line whose id lists their order_item_ids ("id1+id2"). */
export function lineItemIds(platformLineId: string): string[] {
  return platformLineId.split("+").filter(Boolean);
}

export function normalizeLazadaOrder(o: LazadaOrderWithItems): NormalizedOrder {
  const a = o.address_shipping ?? {};
  const groups = new Map<string, LazadaOrderItem[]>();
  for (const i of o.items) {
    const key = `${i.sku ?? ""}|${lazadaMoney(i.item_price)}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const currency = o.items.find((i) => i.currency)?.currency ?? "";
  const itemsTotal = o.items.reduce((sum, i) => sum.plus(lazadaMoney(i.paid_price ?? i.item_price)), new Decimal(0));
  const statuses = o.statuses?.length ? o.statuses : o.items.map((i) => i.status);
  return {
    platformOrderId: String(o.order_id),
    platformOrderNo: String(o.order_number ?? o.order_id),
    platformStatus: [...new Set(statuses)].join(","),
    status: lazadaStatus(statuses),
    createdAt: parseLazadaTime(o.created_at),
    updatedAt: parseLazadaTime(o.updated_at),
    currency,
    totalAmount: itemsTotal.plus(lazadaMoney(o.shipping_fee)).toFixed(),
    buyerName: [o.customer_first_name, o.customer_last_name].filter(Boolean).join(" "),
    buyerEmail: null,
    shipping: {
      name: [a.first_name, a.last_name].filter(Boolean).join(" "),
      phone: a.phone || a.phone2 || "",
      country: a.country ?? o.venture.toUpperCase(),
      province: a.address3 ?? "",
      city: a.address4 || a.city || "",
      district: a.address5 || a.addressDsitrict || "",
      street: [a.address1, a.address2].filter(Boolean).join(" "),
      postcode: a.post_code ?? "",
    },
    shippingMethod: o.items.find((i) => i.shipment_provider)?.shipment_provider ?? "",
    remark: o.buyer_note || o.remarks || "",
    lines: [...groups.values()].map((items) => {
      const first = items[0]!;
      return {
        platformLineId: items.map((i) => String(i.order_item_id)).join("+"),
        platformSku: first.sku ?? "",
        title: [first.name, first.variation].filter(Boolean).join(" — "),
        quantity: String(items.length),
        unitPrice: lazadaMoney(first.item_price),
        externalListingId: first.sku_id !== undefined ? String(first.sku_id) : first.shop_sku ?? null,
      };
    }),
    raw: o,
  };
}
