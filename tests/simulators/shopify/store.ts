/**
 * State of one simulated Shopify store: orders with line items and fulfillment orders, variants and
 * inventory, OAuth codes and tokens, webhook subscriptions. Pure data + rules; server.ts speaks HTTP.
 */

export type SimLineItem = {
  id: number;
  sku: string;
  title: string;
  quantity: number;
  price: string;
  inventoryItemId: number;
};

export type SimFulfillment = {
  id: number;
  trackingNumber: string;
  company: string;
  createdAt: Date;
  /** What this fulfillment shipped: line item id → quantity. */
  lines: { lineItemId: number; quantity: number }[];
};

/** One location's share of an order (Shopify creates one fulfillment order per assigned location). */
export type SimFulfillmentOrder = {
  id: number;
  locationId: number;
  status: "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED";
  lineItems: { id: number; lineItemId: number; totalQuantity: number; remainingQuantity: number }[];
};

export type SimOrder = {
  id: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  closed: boolean;
  financialStatus: "PENDING" | "AUTHORIZED" | "PAID" | "PARTIALLY_PAID" | "REFUNDED" | "VOIDED";
  fulfillmentStatus: "UNFULFILLED" | "FULFILLED" | "PARTIALLY_FULFILLED";
  currency: string;
  total: string;
  email: string | null;
  note: string;
  customerName: string;
  shipping: { name: string; phone: string; address1: string; address2: string; city: string; province: string; countryCode: string; zip: string };
  shippingLine: string;
  lineItems: SimLineItem[];
  fulfillmentOrders: SimFulfillmentOrder[];
  fulfillments: SimFulfillment[];
};

/** A Shopify Payments payout: the net of its balance transactions, paid to the bank on `issuedAt`. */
export type SimPayout = { id: number; issuedAt: Date; status: "SCHEDULED" | "IN_TRANSIT" | "PAID" | "FAILED" | "CANCELED"; currency: string; net: string };
/** A balance transaction (a charge, a refund, an adjustment) with Shopify's processing fee, in a payout. */
export type SimBalanceTransaction = {
  id: number;
  type: "CHARGE" | "REFUND" | "ADJUSTMENT";
  orderId: number | null;
  payoutId: number;
  currency: string;
  /** Decimal strings, as Shopify's MoneyV2.amount. */
  amount: string;
  fee: string;
  net: string;
  at: Date;
};

export type SimToken = {
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
  revoked: boolean;
};

export type NewOrderInput = {
  /** `locationId`: the location that fulfils the line (default: the shop's first location). */
  lineItems: { sku: string; quantity: number; price?: string; title?: string; locationId?: number }[];
  financialStatus?: SimOrder["financialStatus"];
  customerName?: string;
  shipping?: Partial<SimOrder["shipping"]>;
  shippingLine?: string;
  note?: string;
  currency?: string;
  email?: string | null;
};

export class SimStore {
  readonly domain: string;
  name: string;
  orders = new Map<number, SimOrder>();
  /** SKU → inventory item id; `available` per inventory item and location (key `${item}:${location}`). */
  variants = new Map<string, { variantId: number; inventoryItemId: number }>();
  levels = new Map<string, number>();
  inventorySets: { inventoryItemId: number; locationId: number; quantity: number; at: Date }[] = [];
  /** @idempotent keys already used → the result they produced. */
  idempotencyKeys = new Map<string, unknown>();
  codes = new Map<string, { expiresAt: Date; used: boolean }>();
  tokens: SimToken[] = [];
  webhookSubscriptions: { id: number; topic: string; callbackUrl: string }[] = [];
  payouts: SimPayout[] = [];
  balanceTransactions: SimBalanceTransaction[] = [];
  installed = true;
  locations: { id: number; name: string }[] = [{ id: 7001, name: "Shop location" }];
  private seq = 1000;
  private sortedCache: SimOrder[] | null = null;

  constructor(readonly shop: string) {
    this.domain = `${shop}.myshopify.com`;
    this.name = `Demo ${shop}`;
  }

  nextId() {
    return ++this.seq;
  }

  variantFor(sku: string) {
    let v = this.variants.get(sku);
    if (!v) {
      v = { variantId: this.nextId(), inventoryItemId: this.nextId() };
      this.variants.set(sku, v);
      for (const l of this.locations) this.levels.set(`${v.inventoryItemId}:${l.id}`, 0);
    }
    return v;
  }

  get locationId() {
    return this.locations[0]!.id;
  }

  addLocation(name: string) {
    const loc = { id: this.nextId(), name };
    this.locations.push(loc);
    for (const v of this.variants.values()) this.levels.set(`${v.inventoryItemId}:${loc.id}`, 0);
    return loc;
  }

  level(inventoryItemId: number, locationId = this.locationId) {
    return this.levels.get(`${inventoryItemId}:${locationId}`);
  }

  addOrder(input: NewOrderInput, now: Date): SimOrder {
    const id = this.nextId();
    const lineItems = input.lineItems.map((l) => ({
      id: this.nextId(),
      sku: l.sku,
      title: l.title ?? `Product ${l.sku}`,
      quantity: l.quantity,
      price: l.price ?? "10.00",
      inventoryItemId: this.variantFor(l.sku).inventoryItemId,
    }));
    const fulfillmentOrders: SimFulfillmentOrder[] = [];
    input.lineItems.forEach((l, i) => {
      const locationId = l.locationId ?? this.locationId;
      if (!this.locations.some((x) => x.id === locationId)) throw new Error(`no location ${locationId}`);
      let fo = fulfillmentOrders.find((f) => f.locationId === locationId);
      if (!fo) fulfillmentOrders.push((fo = { id: this.nextId(), locationId, status: "OPEN", lineItems: [] }));
      const li = lineItems[i]!;
      fo.lineItems.push({ id: this.nextId(), lineItemId: li.id, totalQuantity: li.quantity, remainingQuantity: li.quantity });
    });
    const total = lineItems.reduce((a, l) => a + Number(l.price) * l.quantity, 0).toFixed(2);
    const order: SimOrder = {
      id,
      name: `#${this.orders.size + 1001}`,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      closed: false,
      financialStatus: input.financialStatus ?? "PAID",
      fulfillmentStatus: "UNFULFILLED",
      currency: input.currency ?? "USD",
      total,
      email: input.email === undefined ? "buyer@example.com" : input.email,
      note: input.note ?? "",
      customerName: input.customerName ?? "Jamie Buyer",
      shipping: {
        name: input.shipping?.name ?? input.customerName ?? "Jamie Buyer",
        phone: input.shipping?.phone ?? "+1 555 0100",
        address1: input.shipping?.address1 ?? "1 Main Street",
        address2: input.shipping?.address2 ?? "",
        city: input.shipping?.city ?? "Springfield",
        province: input.shipping?.province ?? "IL",
        countryCode: input.shipping?.countryCode ?? "US",
        zip: input.shipping?.zip ?? "62701",
      },
      shippingLine: input.shippingLine ?? "Standard Shipping",
      lineItems,
      fulfillmentOrders,
      fulfillments: [],
    };
    this.orders.set(id, order);
    this.sortedCache = null;
    return order;
  }

  touch(order: SimOrder, now: Date) {
    // updated_at strictly increases, like the platform's.
    order.updatedAt = new Date(Math.max(now.getTime(), order.updatedAt.getTime() + 1));
    this.sortedCache = null;
  }

  /** Orders sorted by (updatedAt, id): the order of `sortKey: UPDATED_AT`. */
  sorted(): SimOrder[] {
    this.sortedCache ??= [...this.orders.values()].sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || a.id - b.id);
    return this.sortedCache;
  }

  tokenByAccess(accessToken: string) {
    return this.tokens.find((t) => t.accessToken === accessToken);
  }
}
