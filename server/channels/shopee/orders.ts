import { Decimal } from "@/lib/decimal";
import type { NormalizedOrder, NormalizedOrderStatus } from "../types";

/** get_order_list allows at most 15 days between time_from and time_to (`order.order_list_invalid_time`). */
export const SHOPEE_MAX_WINDOW_MS = 15 * 24 * 3600_000;

/** The get_order_detail fields this connector asks for (optional fields are only sent when requested). */
export const DETAIL_FIELDS = [
  "buyer_user_id",
  "buyer_username",
  "recipient_address",
  "note",
  "item_list",
  "pay_time",
  "shipping_carrier",
  "payment_method",
  "total_amount",
  "package_list",
].join(",");

type ShopeeOrderItem = {
  item_id: number;
  item_name?: string;
  item_sku?: string;
  model_id: number;
  model_name?: string;
  model_sku?: string;
  model_quantity_purchased: number;
  model_original_price?: number;
  model_discounted_price?: number;
  order_item_id?: number;
};

export type ShopeeOrderDetail = {
  order_sn: string;
  region?: string;
  currency?: string;
  total_amount?: number;
  order_status: string;
  shipping_carrier?: string;
  message_to_seller?: string;
  note?: string;
  create_time: number;
  update_time: number;
  buyer_username?: string;
  recipient_address?: {
    name?: string;
    phone?: string;
    town?: string;
    district?: string;
    city?: string;
    state?: string;
    region?: string;
    zipcode?: string;
    full_address?: string;
  };
  item_list?: ShopeeOrderItem[];
  package_list?: { package_number: string; logistics_status?: string; item_list?: { item_id: number; model_id: number; model_quantity?: number }[] }[];
};

/**
 * Shopee `order_status` → 001's lifecycle. PROCESSED means shipment was arranged (our ship_order, or the
 * seller in Seller Centre): from here on the order is the platform's to deliver. IN_CANCEL is a buyer's
 * cancellation request awaiting the seller: shipping it would be the costlier mistake, so it counts as
 * cancelled; if the seller rejects the request the next sync sees READY_TO_SHIP again.
 */
export function shopeeStatus(status: string): NormalizedOrderStatus {
  switch (status) {
    case "UNPAID":
    case "PENDING":
      return "pending";
    case "READY_TO_SHIP":
    case "RETRY_SHIP":
    case "INVOICE_PENDING":
      return "unshipped";
    case "PROCESSED":
    case "SHIPPED":
    case "TO_CONFIRM_RECEIVE":
    case "TO_RETURN":
      return "shipped";
    case "COMPLETED":
      return "completed";
    case "IN_CANCEL":
    case "CANCELLED":
      return "cancelled";
    default:
      return "pending";
  }
}

const money = (n: number | undefined) => (n === undefined || n === null ? "0" : new Decimal(String(n)).toFixed());

export function normalizeShopeeOrder(o: ShopeeOrderDetail): NormalizedOrder {
  const a = o.recipient_address ?? {};
  const seen = new Map<string, number>();
  return {
    platformOrderId: o.order_sn,
    platformOrderNo: o.order_sn,
    platformStatus: o.order_status,
    status: shopeeStatus(o.order_status),
    createdAt: new Date(o.create_time * 1000),
    updatedAt: new Date(o.update_time * 1000),
    currency: o.currency ?? "",
    totalAmount: money(o.total_amount),
    buyerName: o.buyer_username || a.name || "",
    buyerEmail: null,
    shipping: {
      name: a.name ?? "",
      phone: a.phone ?? "",
      country: a.region ?? o.region ?? "",
      province: a.state ?? "",
      city: a.city ?? "",
      district: a.district || a.town || "",
      street: a.full_address ?? "",
      postcode: a.zipcode ?? "",
    },
    shippingMethod: o.shipping_carrier ?? "",
    remark: o.message_to_seller ?? "",
    lines: (o.item_list ?? []).map((i) => {
      // The same model can appear twice (e.g. an add-on deal); line ids must stay unique in the order.
      const key = `${i.item_id}:${i.model_id}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return {
        platformLineId: n === 1 ? key : `${key}#${n}`,
        platformSku: i.model_sku || i.item_sku || "",
        title: [i.item_name, i.model_name].filter(Boolean).join(" — "),
        quantity: String(i.model_quantity_purchased),
        unitPrice: money(i.model_discounted_price || i.model_original_price),
        externalListingId: key,
      };
    }),
    raw: o,
  };
}

/** [from, to) in milliseconds as Shopee's inclusive unix-second bounds. */
export function toShopeeSeconds(fromMs: number, toMs: number): { timeFrom: number; timeTo: number } {
  return { timeFrom: Math.ceil(fromMs / 1000), timeTo: Math.ceil(toMs / 1000) - 1 };
}

/** Where the connector is inside a long window: the current ≤15-day slice and Shopee's cursor in it. */
type ShopeeListCursor = { w: number; c: string };

export const encodeCursor = (c: ShopeeListCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

export function decodeCursor(text: string): ShopeeListCursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as ShopeeListCursor;
    return typeof c.w === "number" && typeof c.c === "string" ? c : null;
  } catch {
    return null;
  }
}
