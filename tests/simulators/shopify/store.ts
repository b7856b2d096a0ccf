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

export type SimFulfillment = { id: number; trackingNumber: string; company: string; createdAt: Date };

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
  fulfillmentOrder: { id: number; status: "OPEN" | "CLOSED" | "CANCELLED" };
  fulfillments: SimFulfillment[];
};

export type SimToken = {
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
  revoked: boolean;
};

export type NewOrderInput = {
  lineItems: { sku: string; quantity: number; price?: string; title?: string }[];
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
  /** SKU → inventory item id; levels per inventory item at the one location. */
  variants = new Map<string, { variantId: number; inventoryItemId: number }>();
  inventory = new Map<number, number>();
  inventorySets: { inventoryItemId: number; quantity: number; at: Date }[] = [];
  codes = new Map<string, { expiresAt: Date; used: boolean }>();
  tokens: SimToken[] = [];
  webhookSubscriptions: { id: number; topic: string; callbackUrl: string }[] = [];
  installed = true;
  locationId = 7001;
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
      this.inventory.set(v.inventoryItemId, 0);
    }
    return v;
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
      fulfillmentOrder: { id: this.nextId(), status: "OPEN" },
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
