import { describe, expect, it } from "vitest";
import { amazonCarrier, packageReferenceId } from "./connector";
import { amazonStatus, normalizeAmazonOrder, type AmazonOrder } from "./orders";
import { TokenBucketLimiter } from "./rate-limiter";

describe("amazonStatus", () => {
  it.each([
    ["PendingAvailability", "pending"],
    ["Pending", "pending"],
    ["Unshipped", "unshipped"],
    ["PartiallyShipped", "unshipped"],
    ["Shipped", "shipped"],
    ["InvoiceUnconfirmed", "shipped"],
    ["Canceled", "cancelled"],
    ["Unfulfillable", "cancelled"],
    ["SomethingNew", "pending"],
  ])("%s → %s", (status, expected) => {
    expect(amazonStatus({ OrderStatus: status })).toBe(expected);
  });

  it("treats a delivered Easy Ship order as completed", () => {
    expect(amazonStatus({ OrderStatus: "Shipped", EasyShipShipmentStatus: "Delivered" })).toBe("completed");
  });
});

describe("normalizeAmazonOrder", () => {
  const order: AmazonOrder = {
    AmazonOrderId: "113-1234567-7654321",
    PurchaseDate: "2026-03-01T10:00:00Z",
    LastUpdateDate: "2026-03-01T11:00:00Z",
    OrderStatus: "Unshipped",
    ShipServiceLevel: "Std US D2D Dom",
    OrderTotal: { CurrencyCode: "USD", Amount: "35.97" },
    MarketplaceId: "ATVPDKIKX0DER",
    BuyerInfo: { BuyerEmail: "x@marketplace.amazon.com", BuyerName: "Jane" },
    ShippingAddress: { City: "Seattle", StateOrRegion: "WA", PostalCode: "98101", CountryCode: "US" },
  };

  it("derives the unit price exactly from the line total and merges the restricted address", () => {
    const n = normalizeAmazonOrder(
      order,
      [{ OrderItemId: "1", SellerSKU: "SKU-1", Title: "Mug", QuantityOrdered: 3, ItemPrice: { CurrencyCode: "USD", Amount: "35.97" } }],
      { Name: "Jane Doe", AddressLine1: "1 Main St", AddressLine2: "Apt 2", Phone: "+1 206", City: "Seattle", CountryCode: "US" },
    );
    expect(n.lines[0]).toEqual({ platformLineId: "1", platformSku: "SKU-1", title: "Mug", quantity: "3", unitPrice: "11.99" });
    expect(n.totalAmount).toBe("35.97");
    expect(n.currency).toBe("USD");
    expect(n.shipping).toEqual({
      name: "Jane Doe",
      phone: "+1 206",
      country: "US",
      province: "WA",
      city: "Seattle",
      district: "",
      street: "1 Main St, Apt 2",
      postcode: "98101",
    });
    expect(n.status).toBe("unshipped");
    expect(n.createdAt.toISOString()).toBe("2026-03-01T10:00:00.000Z");
  });

  it("copes with a pending order that has no total and no address yet", () => {
    const { OrderTotal: _t, ShippingAddress: _a, ...pending } = { ...order, OrderStatus: "Pending" };
    const n = normalizeAmazonOrder(pending, [{ OrderItemId: "1", SellerSKU: "S", QuantityOrdered: 1 }], null);
    expect(n.totalAmount).toBe("0");
    expect(n.lines[0]!.unitPrice).toBe("0");
    expect(n.shipping.street).toBe("");
    expect(n.status).toBe("pending");
  });
});

describe("shipment helpers", () => {
  it("maps known carriers to Amazon carrier codes and sends the rest as Other with a name", () => {
    expect(amazonCarrier("顺丰")).toEqual({ carrierCode: "SF Express" });
    expect(amazonCarrier("UPS")).toEqual({ carrierCode: "UPS" });
    expect(amazonCarrier("Acme Logistics")).toEqual({ carrierCode: "Other", carrierName: "Acme Logistics" });
  });

  it("derives a stable positive numeric package reference from the tracking number", () => {
    const a = packageReferenceId("1Z999AA10123456784");
    expect(a).toMatch(/^[1-9]\d{9}$/);
    expect(packageReferenceId("1Z999AA10123456784")).toBe(a);
    expect(packageReferenceId("1Z999AA10123456785")).not.toBe(a);
  });
});

describe("TokenBucketLimiter", () => {
  function fake() {
    let now = 0;
    const slept: number[] = [];
    const limiter = new TokenBucketLimiter(
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    return { limiter, slept, advance: (ms: number) => (now += ms) };
  }

  it("lets the burst through, then spaces calls at the rate", async () => {
    const { limiter, slept } = fake();
    const plan = { rate: 0.5, burst: 3 };
    for (let i = 0; i < 5; i++) await limiter.acquire("s:getOrderItems", plan, 10_000);
    expect(slept).toHaveLength(2);
    for (const ms of slept) expect(Math.abs(ms - 2222)).toBeLessThanOrEqual(1); // 1 / (0.5/s × 90%)
  });

  it("refuses with the wait when the next token is further than the caller will wait", async () => {
    const { limiter } = fake();
    const plan = { rate: 0.0167, burst: 1 };
    await limiter.acquire("s:getOrders", plan, 5_000);
    const err = await limiter.acquire("s:getOrders", plan, 5_000).catch((e) => e);
    expect(err).toMatchObject({ kind: "rate_limited" });
    expect(err.opts.retryAfterMs).toBeGreaterThan(59_000);
    // The refused call reserved nothing.
    expect(limiter.peek("s:getOrders")!.tokens).toBeCloseTo(0, 5);
  });

  it("starts from empty after a 429 and follows the rate the platform reports", async () => {
    const { limiter, slept, advance } = fake();
    const plan = { rate: 1, burst: 5 };
    await limiter.acquire("k", plan, 10_000);
    limiter.drain("k", plan);
    limiter.setRate("k", plan, 4);
    await limiter.acquire("k", plan, 10_000);
    expect(slept).toEqual([278]);
    advance(10_000);
    expect(limiter.peek("k")).toMatchObject({ rate: 4, burst: 5 });
  });
});
