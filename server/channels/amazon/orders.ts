import { Decimal } from "@/lib/decimal";
import type { NormalizedOrder, NormalizedOrderStatus } from "../types";

/** The parts of Orders v0 `Order` this connector reads (ordersV0.json). */
export type AmazonOrder = {
  AmazonOrderId: string;
  SellerOrderId?: string;
  PurchaseDate: string;
  LastUpdateDate: string;
  OrderStatus: string;
  FulfillmentChannel?: "MFN" | "AFN";
  ShipServiceLevel?: string;
  ShipmentServiceLevelCategory?: string;
  OrderTotal?: { CurrencyCode: string; Amount: string };
  MarketplaceId?: string;
  EasyShipShipmentStatus?: string;
  BuyerInfo?: { BuyerEmail?: string; BuyerName?: string };
  ShippingAddress?: AmazonAddress;
};

export type AmazonAddress = {
  Name?: string;
  AddressLine1?: string;
  AddressLine2?: string;
  AddressLine3?: string;
  City?: string;
  County?: string;
  District?: string;
  StateOrRegion?: string;
  PostalCode?: string;
  CountryCode?: string;
  Phone?: string;
};

export type AmazonOrderItem = {
  OrderItemId: string;
  ASIN?: string;
  SellerSKU?: string;
  Title?: string;
  QuantityOrdered: number;
  QuantityShipped?: number;
  ItemPrice?: { CurrencyCode: string; Amount: string };
};

/**
 * Amazon `OrderStatus` → 001's lifecycle. Amazon has no "completed": Shipped is final, except Easy Ship
 * orders whose shipment status says Delivered.
 */
export function amazonStatus(order: Pick<AmazonOrder, "OrderStatus" | "EasyShipShipmentStatus">): NormalizedOrderStatus {
  switch (order.OrderStatus) {
    case "PendingAvailability":
    case "Pending":
      return "pending";
    case "Unshipped":
    case "PartiallyShipped":
      return "unshipped";
    case "Shipped":
    case "InvoiceUnconfirmed": // shipped; only the invoice confirmation is outstanding
      return order.EasyShipShipmentStatus === "Delivered" ? "completed" : "shipped";
    case "Canceled":
    case "Unfulfillable":
      return "cancelled";
    default:
      // An enum value added after this was written: keep it out of fulfilment until someone looks.
      return "pending";
  }
}

/** Statuses for which Amazon releases the shipping address (it withholds it while payment is pending). */
export const ADDRESS_STATUSES = new Set(["Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"]);

/** ItemPrice is the line total (price × quantity); the unit price is derived exactly, to 4 places. */
function unitPrice(item: AmazonOrderItem): string {
  const amount = item.ItemPrice?.Amount;
  if (!amount || !item.QuantityOrdered) return "0";
  return new Decimal(amount).div(item.QuantityOrdered).toDecimalPlaces(4).toFixed();
}

export function normalizeAmazonOrder(order: AmazonOrder, items: AmazonOrderItem[], address: AmazonAddress | null): NormalizedOrder {
  const a: AmazonAddress = { ...(order.ShippingAddress ?? {}), ...(address ?? {}) };
  const currency = order.OrderTotal?.CurrencyCode ?? items.find((i) => i.ItemPrice)?.ItemPrice?.CurrencyCode ?? "";
  return {
    platformOrderId: order.AmazonOrderId,
    platformOrderNo: order.AmazonOrderId,
    platformStatus: order.OrderStatus,
    status: amazonStatus(order),
    createdAt: new Date(order.PurchaseDate),
    updatedAt: new Date(order.LastUpdateDate),
    currency,
    totalAmount: order.OrderTotal?.Amount ? new Decimal(order.OrderTotal.Amount).toFixed() : "0",
    buyerName: order.BuyerInfo?.BuyerName ?? a.Name ?? "",
    buyerEmail: order.BuyerInfo?.BuyerEmail ?? null,
    shipping: {
      name: a.Name ?? "",
      phone: a.Phone ?? "",
      country: a.CountryCode ?? "",
      province: a.StateOrRegion ?? "",
      city: a.City ?? "",
      district: a.District ?? a.County ?? "",
      street: [a.AddressLine1, a.AddressLine2, a.AddressLine3].filter(Boolean).join(", "),
      postcode: a.PostalCode ?? "",
    },
    shippingMethod: order.ShipServiceLevel ?? order.ShipmentServiceLevelCategory ?? "",
    remark: "",
    lines: items.map((i) => ({
      platformLineId: i.OrderItemId,
      platformSku: i.SellerSKU ?? i.ASIN ?? "",
      title: i.Title ?? "",
      quantity: String(i.QuantityOrdered),
      unitPrice: unitPrice(i),
    })),
    raw: { order, items, address },
  };
}

// ------------------------------------------------------------------------------ Orders API 2026-01-01

/** The parts of the 2026-01-01 `Order` this connector reads (orders_2026-01-01.json); items come inline. */
export type AmazonOrder2026 = {
  orderId: string;
  createdTime: string;
  lastUpdatedTime: string;
  salesChannel: { channelName: string; marketplaceId?: string };
  buyer?: { buyerName?: string; buyerEmail?: string };
  recipient?: {
    deliveryAddress?: {
      name?: string;
      addressLine1?: string;
      addressLine2?: string;
      addressLine3?: string;
      city?: string;
      districtOrCounty?: string;
      stateOrRegion?: string;
      postalCode?: string;
      countryCode?: string;
      phone?: string;
    };
  };
  proceeds?: { grandTotal?: { amount: string; currencyCode: string } };
  fulfillment?: { fulfillmentStatus: string; fulfilledBy?: string; fulfillmentServiceLevel?: string };
  orderItems: {
    orderItemId: string;
    quantityOrdered: number;
    product: { asin?: string; title?: string; sellerSku?: string; price?: { unitPrice?: { amount: string; currencyCode: string } } };
    fulfillment?: { quantityFulfilled?: number; quantityUnfulfilled?: number };
  }[];
};

/** 2026-01-01 `FulfillmentStatus` → 001's lifecycle (the same meanings as v0's OrderStatus). */
export function amazonStatus2026(status: string | undefined): NormalizedOrderStatus {
  switch (status) {
    case "PENDING_AVAILABILITY":
    case "PENDING":
      return "pending";
    case "UNSHIPPED":
    case "PARTIALLY_SHIPPED":
      return "unshipped";
    case "SHIPPED":
      return "shipped";
    case "CANCELLED":
    case "UNFULFILLABLE":
      return "cancelled";
    default:
      return "pending";
  }
}

export function normalizeAmazonOrder2026(order: AmazonOrder2026): NormalizedOrder {
  const a = order.recipient?.deliveryAddress ?? {};
  const currency = order.proceeds?.grandTotal?.currencyCode ?? order.orderItems.find((i) => i.product.price?.unitPrice)?.product.price?.unitPrice?.currencyCode ?? "";
  const status = order.fulfillment?.fulfillmentStatus ?? "PENDING";
  return {
    platformOrderId: order.orderId,
    platformOrderNo: order.orderId,
    platformStatus: status,
    status: amazonStatus2026(status),
    createdAt: new Date(order.createdTime),
    updatedAt: new Date(order.lastUpdatedTime),
    currency,
    totalAmount: order.proceeds?.grandTotal?.amount ? new Decimal(order.proceeds.grandTotal.amount).toFixed() : "0",
    buyerName: order.buyer?.buyerName ?? a.name ?? "",
    buyerEmail: order.buyer?.buyerEmail ?? null,
    shipping: {
      name: a.name ?? "",
      phone: a.phone ?? "",
      country: a.countryCode ?? "",
      province: a.stateOrRegion ?? "",
      city: a.city ?? "",
      district: a.districtOrCounty ?? "",
      street: [a.addressLine1, a.addressLine2, a.addressLine3].filter(Boolean).join(", "),
      postcode: a.postalCode ?? "",
    },
    shippingMethod: order.fulfillment?.fulfillmentServiceLevel ?? "",
    remark: "",
    lines: order.orderItems.map((i) => ({
      platformLineId: i.orderItemId,
      platformSku: i.product.sellerSku ?? i.product.asin ?? "",
      title: i.product.title ?? "",
      quantity: String(i.quantityOrdered),
      unitPrice: i.product.price?.unitPrice?.amount ? new Decimal(i.product.price.unitPrice.amount).toFixed() : "0",
    })),
    // `order.MarketplaceId` as v0 rows had it, so shipment confirmation finds the marketplace either way.
    raw: { order: { ...order, MarketplaceId: order.salesChannel.marketplaceId }, api: "2026-01-01" },
  };
}
