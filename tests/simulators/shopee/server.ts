import { randomBytes } from "node:crypto";
import type http from "node:http";
import { SIM_SHOPEE_PARTNER, simPushAuthorization, simSign, simSignMatches } from "./signing";
import {
  applyFault,
  escapeHtml,
  FaultQueue,
  listen,
  readBody,
  seededRandom,
  sendHtml,
  sendJson,
  SimClock,
  type FaultRule,
} from "../amazon/kit";

/**
 * A local Shopee Open Platform v2: partner authorization (auth_partner link → code + shop_id →
 * auth/token/get, single-use refresh tokens via auth/access_token/get), request signing with Shopee's
 * own error envelope (`error_sign` "Wrong sign.", `error_auth` "Invalid access_token.", `error_param`
 * "Invalid timestamp"), get_order_list with ≤15-day windows (`order.order_list_invalid_time`), page_size
 * 1–100 and cursor paging, get_order_detail (≤50, optional fields only when asked), split orders
 * (package_list with two or more packages) and logistics get_shipping_parameter / ship_order /
 * get_tracking_number per package with the documented errors (package_number required for a split
 * order and refused for an unsplit one, a pickup channel that also needs the seller's tracking_number,
 * one shipping method per call), product search_item / get_model_list /
 * update_stock, payment get_escrow_list (release-time window ≤15 days, page_no/page_size paging) and
 * get_escrow_detail (order_income of an order whose escrow `releaseEscrow` released), per-second call limits per partner and per shop on by default (`error_rate_limit`) and an
 * optional daily quota (`error_limit`), lost-push retrieval (v2.push.get_lost_push_message /
 * confirm_consumed_lost_push_message), injected faults, and signed push messages to
 * a callback URL, retried on the simulator clock until acknowledged with a 2xx and an empty body — with
 * duplicates and out-of-order delivery on request. Lifetimes follow a controllable
 * clock: codes 10 minutes, access tokens 4 hours (the old one lives 5 more minutes after a refresh),
 * refresh tokens 30 days and single-use, timestamps ±5 minutes.
 */

export const SHOPEE_STATUSES = [
  "UNPAID",
  "READY_TO_SHIP",
  "PROCESSED",
  "RETRY_SHIP",
  "SHIPPED",
  "TO_CONFIRM_RECEIVE",
  "IN_CANCEL",
  "CANCELLED",
  "TO_RETURN",
  "COMPLETED",
] as const;

/**
 * How the shop's logistics channel ships (what get_shipping_parameter's info_needed asks for):
 * non_integrated ["tracking_no"], dropoff ["tracking_no"], pickup ["address_id", "pickup_time_id"], and
 * pickup_tracking — a pickup channel whose 3PL needs the seller's tracking number too (the guide: pickup
 * "could contain tracking_number … for some channels, please also add it when init").
 */
export type LogisticsMode = "non_integrated" | "dropoff" | "pickup" | "pickup_tracking";

/** A package of an order (get_order_detail package_list); a split order has two or more. */
export type SimPackage = {
  package_number: string;
  logistics_status: string;
  shipping_carrier: string;
  item_list: { item_id: number; model_id: number; model_quantity: number; order_item_id: number; promotion_group_id: number }[];
  /** Not part of package_list on the wire: what get_tracking_number answers for this package. */
  tracking_number: string;
};

export type SimShop = { shopId: number; shopName: string; region: string; currency: string; logistics: LogisticsMode };

export type SimShopeeItem = {
  item_id: number;
  item_name: string;
  item_sku: string;
  model_id: number;
  model_name: string;
  model_sku: string;
  model_quantity_purchased: number;
  model_original_price: number;
  model_discounted_price: number;
  order_item_id: number;
};

export type SimShopeeOrder = {
  shop_id: number;
  order_sn: string;
  region: string;
  currency: string;
  cod: boolean;
  total_amount: number;
  order_status: string;
  shipping_carrier: string;
  payment_method: string;
  message_to_seller: string;
  note: string;
  create_time: number;
  update_time: number;
  pay_time: number | null;
  days_to_ship: number;
  ship_by_date: number;
  buyer_user_id: number;
  buyer_username: string;
  recipient_address: {
    name: string;
    phone: string;
    town: string;
    district: string;
    city: string;
    state: string;
    region: string;
    zipcode: string;
    full_address: string;
  };
  item_list: SimShopeeItem[];
  package_list: SimPackage[];
  tracking_number: string;
};

/**
 * An order's escrow (v2.payment.get_escrow_detail order_income), in cents so the simulator never sums
 * floats; answered as Shopee's JSON numbers. Released escrows are what get_escrow_list lists.
 */
export type SimEscrow = {
  shopId: number;
  orderSn: string;
  releaseTime: number;
  /** cents */
  originalPrice: number;
  buyerTotal: number;
  commission: number;
  service: number;
  transaction: number;
  buyerPaidShipping: number;
  actualShipping: number;
  shippingRebate: number;
  refund: number;
  escrow: number;
};

export type CatalogItem = { shopId: number; item_id: number; item_name: string; item_sku: string; stock: number; models: { model_id: number; model_sku: string; stock: number }[] };

export type RecordedShopeeShipment = { shopId: number; orderSn: string; packageNumber: string; mode: LogisticsMode; trackingNumber: string; body: unknown; at: number };
export type RecordedStockUpdate = { shopId: number; itemId: number; modelId: number; sku: string; stock: number; at: number };
export type PushAttempt = { at: number; status: number | null; responseBody: string; error: string | null; ok: boolean };
/**
 * One push message: its attempts, and whether it was acknowledged, is waiting for a retry, or was
 * given up on (then it is a "lost push" that v2.push.get_lost_push_message returns for 3 days).
 */
export type PushDelivery = {
  id: number;
  url: string;
  body: string;
  signature: string;
  /** The last attempt's HTTP status / error. */
  status: number | null;
  error: string | null;
  at: number;
  attempts: PushAttempt[];
  state: "pending" | "delivered" | "lost";
  nextAt: number | null;
};

/**
 * Per-second call limits (fixed one-second windows) per partner app and per shop, and an optional
 * daily call quota per app. Shopee publishes no numbers (every API's rate_limit is [0,0,0] in the
 * reference; marketplace-apis.md: "not published … use a configurable limit"), so these defaults are
 * this simulator's assumption, kept small enough that a pull meets them.
 */
export type SimRateLimit = { perShopPerSecond: number; perPartnerPerSecond: number; dailyCallLimit: number | null };
export const SIM_SHOPEE_RATE_LIMIT: SimRateLimit = { perShopPerSecond: 10, perPartnerPerSecond: 50, dailyCallLimit: null };

/**
 * Push delivery. Documented (Push Mechanism guide): a push counts as received only on an HTTP 2xx with
 * an EMPTY body within the timeout, else it is retried; each push type has its own maximum count and
 * intervals (on per-push pages that are not in the stored docs, so the numbers below are this
 * simulator's assumption); pushes that stay undelivered are "lost" and can be read for 3 days with
 * v2.push.get_lost_push_message; above 600 pushes in 6 hours a success rate under 70% warns and under
 * 30% disables the subscription.
 */
export type SimPushRetry = { retryDelaysSec: number[]; timeoutMs: number };
export const SIM_SHOPEE_PUSH_RETRY: SimPushRetry = { retryDelaysSec: [60, 300, 1800], timeoutMs: 3_000 };

export type ShopeeSimulatorOptions = {
  port?: number;
  partnerId?: number;
  partnerKey?: string;
  seed?: number;
  /** Call limits (default SIM_SHOPEE_RATE_LIMIT, on); `false` turns them off. */
  rateLimit?: Partial<SimRateLimit> | false;
  /** Push retry schedule (default SIM_SHOPEE_PUSH_RETRY). */
  pushRetry?: Partial<SimPushRetry>;
};

const DEFAULT_SHOP: SimShop = { shopId: 600001, shopName: "Manifold Demo Shopee Shop", region: "SG", currency: "SGD", logistics: "non_integrated" };

const CODE_TTL = 10 * 60;
const ACCESS_TTL = 4 * 3600;
const REFRESH_TTL = 30 * 86400;
const OLD_TOKEN_GRACE = 5 * 60;
const TIMESTAMP_SKEW = 5 * 60;
const MAX_WINDOW = 15 * 86400;

type Envelope = { error: string; message: string };
const fail = (error: string, message: string): Envelope => ({ error, message });

export async function startShopeeSimulator(options: ShopeeSimulatorOptions = {}) {
  const partner = { partnerId: options.partnerId ?? SIM_SHOPEE_PARTNER.partnerId, partnerKey: options.partnerKey ?? SIM_SHOPEE_PARTNER.partnerKey };
  const clock = new SimClock();
  const faults = new FaultQueue();
  const random = seededRandom(options.seed ?? 20260315);
  const limitsFrom = (l: Partial<SimRateLimit> | false | undefined): SimRateLimit =>
    l === false ? { perShopPerSecond: Infinity, perPartnerPerSecond: Infinity, dailyCallLimit: null } : { ...SIM_SHOPEE_RATE_LIMIT, ...l };
  let rateLimit = limitsFrom(options.rateLimit);
  const pushRetry: SimPushRetry = { ...SIM_SHOPEE_PUSH_RETRY, ...options.pushRetry };
  const nowSec = () => Math.floor(clock.now() / 1000);

  const shops = new Map<number, SimShop>([[DEFAULT_SHOP.shopId, { ...DEFAULT_SHOP }]]);
  const orders = new Map<string, SimShopeeOrder>();
  const catalog = new Map<number, CatalogItem>();
  const codes = new Map<string, { shopId: number; expiresAt: number; used: boolean }>();
  const accessTokens = new Map<string, { shopId: number; expiresAt: number }>();
  const refreshTokens = new Map<string, { shopId: number; expiresAt: number; used: boolean; revoked?: boolean }>();
  const shipments: RecordedShopeeShipment[] = [];
  /** pickup_time_ids get_shipping_parameter offered per order: ship_order takes only one of those. */
  const offeredSlots = new Map<string, Set<string>>();
  const stockUpdates: RecordedStockUpdate[] = [];
  /** Calls in the current one-second window per key ("partner", "shop:<id>"), and per UTC+8 day for the quota. */
  const windows = new Map<string, { w: number; n: number }>();
  const escrows = new Map<string, SimEscrow>();
  const stats: Record<string, { requests: number; throttled: number; faults: number; errors: Record<string, number> }> = {};
  const push = {
    callbackUrl: null as string | null,
    duplicates: 0,
    hold: false,
    queue: [] as string[],
    deliveries: [] as PushDelivery[],
    lost: [] as { message_id: number; shop_id?: number; code: number; timestamp: number; data: string; consumed: boolean }[],
    nextMessageId: 1,
    disabled: false,
    warnings: 0,
    inflight: new Set<Promise<void>>(),
  };

  const stat = (op: string) => (stats[op] ??= { requests: 0, throttled: 0, faults: 0, errors: {} });
  const hex = (bytes: number) => randomBytes(bytes).toString("hex");
  const requestId = () => hex(16);

  // ---------- data ----------

  function catalogItemFor(shopId: number, sku: string): { item: CatalogItem; modelId: number } {
    for (const item of catalog.values()) {
      if (item.shopId !== shopId) continue;
      if (item.models.length === 0 && item.item_sku === sku) return { item, modelId: 0 };
      const model = item.models.find((m) => m.model_sku === sku);
      if (model) return { item, modelId: model.model_id };
    }
    const item: CatalogItem = { shopId, item_id: random.int(10 ** 9, 10 ** 10 - 1), item_name: `Demo item ${sku}`, item_sku: sku, stock: 100, models: [] };
    catalog.set(item.item_id, item);
    return { item, modelId: 0 };
  }

  /** A listing with variations: one parent item, one model per SKU. */
  function addCatalogItem(args: { shopId?: number; itemSku: string; models?: string[]; name?: string }): CatalogItem {
    const item: CatalogItem = {
      shopId: args.shopId ?? DEFAULT_SHOP.shopId,
      item_id: random.int(10 ** 9, 10 ** 10 - 1),
      item_name: args.name ?? `Demo item ${args.itemSku}`,
      item_sku: args.itemSku,
      stock: 100,
      models: (args.models ?? []).map((sku) => ({ model_id: random.int(10 ** 9, 10 ** 10 - 1), model_sku: sku, stock: 100 })),
    };
    catalog.set(item.item_id, item);
    return item;
  }

  function newOrderSn(at: number): string {
    const d = new Date(at * 1000);
    const ymd = `${String(d.getUTCFullYear()).slice(2)}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
    const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let sn: string;
    do sn = ymd + Array.from({ length: 8 }, () => random.pick([...alphabet])).join("");
    while (orders.has(sn));
    return sn;
  }

  function seedOrders(args: {
    shopId?: number;
    count: number;
    skus?: string[];
    statuses?: string[];
    /** Creation times are spread over [createdFrom, createdTo] (epoch ms or ISO). */
    createdFrom?: number | string;
    createdTo?: number | string;
    itemsPerOrder?: number;
  }): string[] {
    const shop = shops.get(args.shopId ?? DEFAULT_SHOP.shopId);
    if (!shop) throw new Error(`unknown shop ${args.shopId}`);
    const skus = args.skus?.length ? args.skus : ["SHP-TEE-WHITE-M", "SHP-TEE-BLACK-L", "SHP-BOTTLE-500", "SHP-BAG-CANVAS"];
    const statuses = args.statuses?.length ? args.statuses : ["READY_TO_SHIP", "READY_TO_SHIP", "UNPAID", "COMPLETED", "CANCELLED"];
    const now = nowSec();
    const to = args.createdTo !== undefined ? Math.floor(new Date(args.createdTo).getTime() / 1000) : now - 600;
    const from = args.createdFrom !== undefined ? Math.floor(new Date(args.createdFrom).getTime() / 1000) : to - 7 * 86400;
    const sns: string[] = [];
    for (let n = 0; n < args.count; n++) {
      const created = from + Math.floor(random.next() * Math.max(1, to - from));
      const updated = Math.min(now - 1, created + random.int(0, 3600));
      const status = statuses[n % statuses.length]!;
      const items: SimShopeeItem[] = [];
      for (let l = 0; l < (args.itemsPerOrder ?? random.int(1, 3)); l++) {
        const sku = skus[(n + l) % skus.length]!;
        const { item, modelId } = catalogItemFor(shop.shopId, sku);
        const price = random.int(300, 9000) / 100;
        const model = item.models.find((m) => m.model_id === modelId);
        items.push({
          item_id: item.item_id,
          item_name: item.item_name,
          item_sku: item.item_sku,
          model_id: modelId,
          model_name: model ? model.model_sku : "",
          model_sku: model ? model.model_sku : "",
          model_quantity_purchased: random.int(1, 3),
          model_original_price: price,
          model_discounted_price: price,
          order_item_id: item.item_id,
        });
      }
      const total = Math.round(items.reduce((s, i) => s + i.model_discounted_price * i.model_quantity_purchased, 0) * 100) / 100;
      const sn = newOrderSn(created);
      orders.set(sn, {
        shop_id: shop.shopId,
        order_sn: sn,
        region: shop.region,
        currency: shop.currency,
        cod: false,
        total_amount: total,
        order_status: status,
        shipping_carrier: shop.logistics === "non_integrated" ? "Seller Own Fleet" : "Standard Delivery",
        payment_method: "Credit Card/Debit Card",
        message_to_seller: n % 4 === 0 ? "Please pack carefully" : "",
        note: "",
        create_time: created,
        update_time: Math.max(created, updated),
        pay_time: status === "UNPAID" ? null : created + 60,
        days_to_ship: 2,
        ship_by_date: created + 3 * 86400,
        buyer_user_id: random.int(10 ** 6, 10 ** 8),
        buyer_username: `buyer_${n + 1}`,
        recipient_address: {
          name: `Recipient ${n + 1}`,
          phone: `65${random.int(80000000, 99999999)}`,
          town: "",
          district: "Central",
          city: "Singapore",
          state: "Singapore",
          region: shop.region,
          zipcode: String(random.int(100000, 829999)),
          full_address: `${random.int(1, 300)} Orchard Road, #${random.int(1, 30)}-${random.int(1, 99)}, Singapore`,
        },
        item_list: items,
        package_list: [],
        tracking_number: status === "SHIPPED" || status === "COMPLETED" ? `SG${hex(5).toUpperCase()}` : "",
      });
      const o = orders.get(sn)!;
      o.package_list = [newPackage(o, items, packageStatusFor(status), o.tracking_number)];
      sns.push(sn);
    }
    return sns;
  }

  function packageStatusFor(orderStatus: string): string {
    if (orderStatus === "UNPAID") return "LOGISTICS_NOT_START";
    if (["READY_TO_SHIP", "RETRY_SHIP"].includes(orderStatus)) return "LOGISTICS_READY";
    if (orderStatus === "PROCESSED") return "LOGISTICS_REQUEST_CREATED";
    if (["SHIPPED", "TO_CONFIRM_RECEIVE", "TO_RETURN"].includes(orderStatus)) return "LOGISTICS_PICKUP_DONE";
    if (orderStatus === "COMPLETED") return "LOGISTICS_DELIVERY_DONE";
    return "LOGISTICS_INVALID";
  }

  function newPackage(o: SimShopeeOrder, items: SimShopeeItem[], status: string, tracking = ""): SimPackage {
    return {
      package_number: `OFG${random.int(10 ** 14, 10 ** 15 - 1)}`,
      logistics_status: status,
      shipping_carrier: o.shipping_carrier,
      item_list: items.map((i) => ({ item_id: i.item_id, model_id: i.model_id, model_quantity: i.model_quantity_purchased, order_item_id: i.order_item_id, promotion_group_id: 0 })),
      tracking_number: tracking,
    };
  }

  /**
   * v2.order.split_order as the order-management guide describes it: only READY_TO_SHIP, at least two
   * packages, every item of the order in exactly one of them (item/model level). `groups` lists each
   * package's items as their index in item_list.
   */
  function splitOrder(sn: string, groups: number[][]): SimPackage[] {
    const o = orders.get(sn);
    if (!o) throw new Error(`unknown order ${sn}`);
    if (o.order_status !== "READY_TO_SHIP") throw new Error("Orders can be split only when the order status is READY_TO_SHIP");
    if (groups.length < 2) throw new Error("there should be at least two parcels in an order");
    const all = groups.flat().sort((a, b) => a - b);
    if (all.length !== o.item_list.length || all.some((v, i) => v !== i)) throw new Error("the requested items must contain all the items in the order, once");
    o.package_list = groups.map((g) => newPackage(o, g.map((i) => o.item_list[i]!), "LOGISTICS_READY"));
    o.update_time = Math.max(o.update_time + 1, nowSec());
    return o.package_list;
  }

  function setStatus(sn: string, status: string, opts: { push?: boolean } = {}) {
    const o = orders.get(sn);
    if (!o) throw new Error(`unknown order ${sn}`);
    if (!(SHOPEE_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown status ${status}`);
    o.order_status = status;
    o.update_time = Math.max(o.update_time + 1, nowSec());
    for (const p of o.package_list) if (!ARRANGED.has(p.logistics_status)) p.logistics_status = packageStatusFor(status);
    if (status !== "UNPAID" && o.pay_time === null) o.pay_time = o.update_time;
    if (opts.push !== false) enqueuePush({ shop_id: o.shop_id, code: 3, timestamp: o.update_time, data: { ordersn: sn, status, update_time: o.update_time } });
    return o;
  }

  /** Move `count` orders one step along Shopee's lifecycle (each change also pushes code 3). */
  function advanceOrders(count: number, shopId?: number): string[] {
    const next: Record<string, string> = {
      UNPAID: "READY_TO_SHIP",
      PROCESSED: "SHIPPED",
      SHIPPED: "TO_CONFIRM_RECEIVE",
      TO_CONFIRM_RECEIVE: "COMPLETED",
      IN_CANCEL: "CANCELLED",
    };
    const candidates = [...orders.values()].filter((o) => (!shopId || o.shop_id === shopId) && next[o.order_status]);
    const changed: string[] = [];
    for (let i = 0; i < count && candidates.length > 0; i++) {
      const o = candidates.splice(Math.floor(random.next() * candidates.length), 1)[0]!;
      setStatus(o.order_sn, next[o.order_status]!);
      changed.push(o.order_sn);
    }
    return changed;
  }

  /**
   * Release an order's escrow (what Shopee does after the buyer confirms receipt): its income breakdown
   * from the order's own items and total — commission, service and transaction fees at the given rates
   * (percent of the buyer's total, rounded half-up to the cent), optional shipping and refund — with
   * escrow_amount by Shopee's formula. Released escrows are listed by get_escrow_list.
   */
  function releaseEscrow(
    sn: string,
    opts: { releaseTime?: number; commissionPct?: number; servicePct?: number; transactionPct?: number; buyerPaidShipping?: number; actualShipping?: number; shippingRebate?: number; refund?: number } = {},
  ): SimEscrow {
    const o = orders.get(sn);
    if (!o) throw new Error(`unknown order ${sn}`);
    const cents = (n: number) => Math.round(n * 100);
    const pct = (base: number, p: number) => Math.round((base * Math.round(p * 100)) / 10000);
    const originalPrice = o.item_list.reduce((sum, i) => sum + cents(i.model_original_price) * i.model_quantity_purchased, 0);
    const buyerTotal = cents(o.total_amount);
    const e: SimEscrow = {
      shopId: o.shop_id,
      orderSn: sn,
      releaseTime: opts.releaseTime ?? nowSec(),
      originalPrice,
      buyerTotal,
      commission: pct(buyerTotal, opts.commissionPct ?? 6),
      service: pct(buyerTotal, opts.servicePct ?? 2),
      transaction: pct(buyerTotal, opts.transactionPct ?? 2),
      buyerPaidShipping: cents(opts.buyerPaidShipping ?? 0),
      actualShipping: cents(opts.actualShipping ?? 0),
      shippingRebate: cents(opts.shippingRebate ?? 0),
      refund: cents(opts.refund ?? 0),
      escrow: 0,
    };
    const finalShipping = e.buyerPaidShipping + e.shippingRebate - e.actualShipping;
    e.escrow = e.buyerTotal - e.commission - e.service - e.transaction - e.refund + finalShipping;
    escrows.set(sn, e);
    return e;
  }

  // ---------- push ----------

  function enqueuePush(message: Record<string, unknown>) {
    if (!push.callbackUrl || push.disabled) return;
    const body = JSON.stringify(message);
    for (let i = 0; i <= push.duplicates; i++) push.queue.push(body);
    if (!push.hold) void flushPushes();
  }

  /** One delivery attempt; a failure schedules the next retry on the simulator clock, the last one makes the push lost. */
  function attempt(record: PushDelivery): Promise<void> {
    record.nextAt = null;
    const p = (async () => {
      const at = clock.now();
      let result: PushAttempt;
      try {
        const res = await fetch(record.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: record.signature },
          body: record.body,
          signal: AbortSignal.timeout(pushRetry.timeoutMs),
        });
        const responseBody = await res.text();
        // Received only with a 2xx AND an empty body.
        result = { at, status: res.status, responseBody: responseBody.slice(0, 200), error: null, ok: res.ok && responseBody === "" };
      } catch (e) {
        result = { at, status: null, responseBody: "", error: (e as Error).message, ok: false };
      }
      record.attempts.push(result);
      record.status = result.status;
      record.error = result.error;
      if (result.ok) record.state = "delivered";
      else if (record.attempts.length <= pushRetry.retryDelaysSec.length) record.nextAt = clock.now() + pushRetry.retryDelaysSec[record.attempts.length - 1]! * 1000;
      else {
        record.state = "lost";
        const m = JSON.parse(record.body) as { shop_id?: number; code: number };
        push.lost.push({ message_id: push.nextMessageId++, shop_id: m.shop_id, code: m.code, timestamp: nowSec(), data: record.body, consumed: false });
      }
      judgeSuccessRate();
    })();
    push.inflight.add(p);
    void p.finally(() => push.inflight.delete(p));
    return p;
  }

  /** Warning / disable logic: more than 600 pushes in the past 6 hours and a success rate under 70% / 30%. */
  function judgeSuccessRate() {
    const since = clock.now() - 6 * 3600_000;
    const recent = push.deliveries.flatMap((d) => d.attempts).filter((a) => a.at >= since);
    if (recent.length <= 600) return;
    const rate = recent.filter((a) => a.ok).length / recent.length;
    if (rate < 0.3) push.disabled = true;
    else if (rate < 0.7) push.warnings++;
  }

  function deliver(body: string): Promise<void> {
    const url = push.callbackUrl!;
    const record: PushDelivery = {
      id: push.deliveries.length + 1,
      url,
      body,
      signature: simPushAuthorization(partner.partnerKey, url, body),
      status: null,
      error: null,
      at: clock.now(),
      attempts: [],
      state: "pending",
      nextAt: null,
    };
    push.deliveries.push(record);
    return attempt(record);
  }

  /** Retries whose time has come on the simulator clock (also run every second in the background). */
  async function deliverDuePushes() {
    if (push.disabled) return;
    const due = push.deliveries.filter((d) => d.state === "pending" && d.nextAt !== null && d.nextAt <= clock.now());
    for (const d of due) await attempt(d);
    await Promise.all([...push.inflight]);
  }

  /** Deliver queued pushes (in reverse to simulate out-of-order delivery) and due retries, and wait for them. */
  async function flushPushes(opts: { reverse?: boolean } = {}) {
    const batch = push.queue.splice(0);
    if (opts.reverse) batch.reverse();
    for (const body of batch) await deliver(body);
    await deliverDuePushes();
  }

  const retryTimer = setInterval(() => void deliverDuePushes(), 1_000);
  retryTimer.unref();

  /** v2.push.get_lost_push_message: the earliest 100 lost, unconfirmed pushes of the past 3 days. */
  function lostPushes(): Result {
    const since = nowSec() - 3 * 86400;
    const open = push.lost.filter((m) => !m.consumed && m.timestamp >= since);
    const page = open.slice(0, 100);
    return ok({
      push_message_list: page.map(({ message_id: _id, consumed: _c, ...m }) => m),
      has_next_page: open.length > page.length,
      last_message_id: page.at(-1)?.message_id ?? 0,
    });
  }

  async function confirmLost(req: http.IncomingMessage): Promise<Result> {
    const body = JSON.parse((await readBody(req)) || "{}") as { last_message_id?: number };
    if (!Number.isInteger(body.last_message_id)) return err(400, "error_param", "Wrong parameters, detail: last_message_id is required.");
    for (const m of push.lost) if (m.message_id <= body.last_message_id!) m.consumed = true;
    return ok(undefined);
  }

  // ---------- auth ----------

  type Checked = { ok: true; shopId: number | null } | { ok: false; status: number; body: Envelope };

  /** Shopee's gateway checks, in its order: partner, timestamp, sign (and access token for shop APIs). */
  function checkCommon(path: string, q: URLSearchParams, shopApi: boolean): Checked {
    const partnerId = q.get("partner_id");
    if (!partnerId) return { ok: false, status: 400, body: fail("error_param", "There is no partner_id in query.") };
    if (Number(partnerId) !== partner.partnerId) return { ok: false, status: 400, body: fail("error_param", "Invalid partner_id.") };
    const ts = q.get("timestamp");
    if (!ts) return { ok: false, status: 400, body: fail("error_param", "no timestamp") };
    if (!/^\d+$/.test(ts) || Math.abs(Number(ts) - nowSec()) > TIMESTAMP_SKEW) return { ok: false, status: 400, body: fail("error_param", "Invalid timestamp") };
    const sign = q.get("sign");
    if (!sign) return { ok: false, status: 400, body: fail("error_param", "There is no sign in query.") };
    if (!shopApi) {
      const expected = simSign(partner.partnerKey, { kind: "public", partnerId: partnerId, path, timestamp: ts });
      return simSignMatches(sign, expected) ? { ok: true, shopId: null } : { ok: false, status: 403, body: fail("error_sign", "Wrong sign.") };
    }
    const token = q.get("access_token");
    if (!token) return { ok: false, status: 400, body: fail("error_param", "There is no access_token in query.") };
    const shopIdText = q.get("shop_id");
    if (!shopIdText || !/^\d+$/.test(shopIdText)) return { ok: false, status: 400, body: fail("error_param", "There is no shop_id in query.") };
    const expected = simSign(partner.partnerKey, { kind: "shop", partnerId: partnerId, path, timestamp: ts, accessToken: token, shopId: shopIdText });
    if (!simSignMatches(sign, expected)) return { ok: false, status: 403, body: fail("error_sign", "Wrong sign.") };
    const t = accessTokens.get(token);
    if (!t || t.expiresAt <= nowSec()) return { ok: false, status: 403, body: fail("error_auth", "Invalid access_token.") };
    if (t.shopId !== Number(shopIdText)) return { ok: false, status: 403, body: fail("error_shop", "shopid is invalid") };
    return { ok: true, shopId: t.shopId };
  }

  function issueTokens(shopId: number) {
    const access = hex(16);
    const refresh = hex(16);
    accessTokens.set(access, { shopId, expiresAt: nowSec() + ACCESS_TTL });
    refreshTokens.set(refresh, { shopId, expiresAt: nowSec() + REFRESH_TTL, used: false });
    return { access_token: access, refresh_token: refresh, expire_in: ACCESS_TTL };
  }

  /** The seller confirms on the authorization page: Shopee redirects with code + shop_id. */
  function approve(args: { redirect: string; shopId?: number }): string {
    const shop = shops.get(args.shopId ?? DEFAULT_SHOP.shopId);
    if (!shop) throw new Error("unknown shop");
    const code = hex(16);
    codes.set(code, { shopId: shop.shopId, expiresAt: nowSec() + CODE_TTL, used: false });
    const back = new URL(args.redirect);
    back.searchParams.set("code", code);
    back.searchParams.set("shop_id", String(shop.shopId));
    return back.toString();
  }

  /** The seller cancels the authorization in Seller Centre. */
  function revoke(shopId: number) {
    for (const [k, t] of accessTokens) if (t.shopId === shopId) accessTokens.delete(k);
    for (const r of refreshTokens.values()) if (r.shopId === shopId) r.revoked = true;
    enqueuePush({ shop_id: shopId, code: 2, timestamp: nowSec(), data: { shop_id: shopId } });
  }

  /** Expire the shop's access tokens now (the platform answers error_auth from here on). */
  function expireAccessTokens(shopId?: number) {
    for (const t of accessTokens.values()) if (shopId === undefined || t.shopId === shopId) t.expiresAt = nowSec() - 1;
  }

  // ---------- operations ----------

  type Result = { status: number; body: Record<string, unknown> };
  const ok = (response?: unknown, extra: Record<string, unknown> = {}): Result => ({
    status: 200,
    body: { request_id: requestId(), error: "", message: "", ...(response !== undefined ? { response } : {}), ...extra },
  });
  const err = (status: number, error: string, message: string): Result => ({ status, body: { request_id: requestId(), error, message } });

  const ALWAYS = ["order_sn", "region", "currency", "cod", "order_status", "message_to_seller", "create_time", "update_time", "days_to_ship", "ship_by_date"];

  function getOrderList(shopId: number, q: URLSearchParams): Result {
    const field = q.get("time_range_field");
    if (field !== "create_time" && field !== "update_time") return err(400, "error_param", "Wrong parameters, detail: time_range_field must be create_time or update_time.");
    const from = Number(q.get("time_from"));
    const to = Number(q.get("time_to"));
    if (!Number.isInteger(from) || !Number.isInteger(to) || !q.get("time_from") || !q.get("time_to")) {
      return err(400, "error_param", "Wrong parameters, detail: time_from and time_to are required.");
    }
    if (to < from || to - from > MAX_WINDOW) {
      return err(400, "order.order_list_invalid_time", "Start time must be earlier than end time and diff in 15days.");
    }
    const size = Number(q.get("page_size"));
    if (!Number.isInteger(size) || size < 1 || size > 100) return err(400, "error_param", "Wrong parameters, detail: page_size should be between 1 and 100.");
    const cursorText = q.get("cursor") ?? "";
    let after: { t: number; sn: string } | null = null;
    if (cursorText) {
      const m = /^(\d+)\|([A-Z0-9]+)$/.exec(Buffer.from(cursorText, "base64url").toString("utf8"));
      if (!m) return err(400, "error_param", "Wrong parameters, detail: cursor is invalid.");
      after = { t: Number(m[1]), sn: m[2]! };
    }
    const status = q.get("order_status");
    const matching = [...orders.values()]
      .filter((o) => o.shop_id === shopId && o[field] >= from && o[field] <= to && (!status || o.order_status === status))
      .sort((a, b) => a[field] - b[field] || a.order_sn.localeCompare(b.order_sn))
      .filter((o) => !after || o[field] > after.t || (o[field] === after.t && o.order_sn > after.sn));
    const page = matching.slice(0, size);
    const withStatus = (q.get("response_optional_fields") ?? "").split(",").includes("order_status");
    const last = page[page.length - 1];
    const more = matching.length > size;
    return ok({
      more,
      next_cursor: more && last ? Buffer.from(`${last[field]}|${last.order_sn}`).toString("base64url") : "",
      order_list: page.map((o) => (withStatus ? { order_sn: o.order_sn, order_status: o.order_status } : { order_sn: o.order_sn })),
    });
  }

  function getOrderDetail(shopId: number, q: URLSearchParams): Result {
    const sns = (q.get("order_sn_list") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (sns.length < 1 || sns.length > 50) return err(400, "error_param", "Wrong parameters, detail: order_sn_list length should be in [1, 50].");
    const optional = new Set((q.get("response_optional_fields") ?? "").split(",").map((s) => s.trim()).filter(Boolean));
    const list = sns
      .map((sn) => orders.get(sn))
      .filter((o): o is SimShopeeOrder => Boolean(o) && o!.shop_id === shopId)
      .map((o) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o)) if (ALWAYS.includes(k) || optional.has(k)) out[k] = v;
        if (out.package_list) out.package_list = o.package_list.map(({ tracking_number: _internal, ...wire }) => wire);
        return out;
      });
    return ok({ order_list: list });
  }

  /**
   * The package a logistics call is about (get_shipping_parameter, ship_order, get_tracking_number): a
   * split order needs package_number, an unsplit one must not send it (ship_order) — the errors are the
   * documented ones of each API.
   */
  function packageFor(
    o: SimShopeeOrder,
    packageNumber: string | null | undefined,
    api: "get_shipping_parameter" | "ship_order" | "get_tracking_number",
  ): { ok: true; pkg: SimPackage } | { ok: false; result: Result } {
    const split = o.package_list.length > 1;
    if (packageNumber === "") return { ok: false, result: err(400, "error_param", "Wrong parameters, detail: package_number should not be empty string.") };
    if (packageNumber === undefined || packageNumber === null) {
      if (!split) return { ok: true, pkg: o.package_list[0]! };
      return api === "ship_order"
        ? { ok: false, result: err(400, "logistics.ship_order_need_pacakge_number", "Please request with package_number for this split order.") }
        : { ok: false, result: err(400, "logistics.package_number_not_exist", "Please request with package_number for this split order.") };
    }
    if (!split && api === "ship_order") return { ok: false, result: err(400, "logistics.ship_order_not_need_pacakge_number", "Please don’t request with package_number for this unsplit order.") };
    const pkg = o.package_list.find((p) => p.package_number === packageNumber);
    if (!pkg) return { ok: false, result: err(400, "logistics.package_not_exist", "The package is not exist.") };
    return { ok: true, pkg };
  }

  function shippingParameter(shopId: number, q: URLSearchParams): Result {
    const o = orders.get(q.get("order_sn") ?? "");
    if (!o || o.shop_id !== shopId) return err(400, "error_not_found", "Wrong parameters, detail: the order is not found.");
    if (o.order_status === "CANCELLED") return err(400, "error_status", "The order has been cancelled.");
    const found = packageFor(o, q.get("package_number"), "get_shipping_parameter");
    if (!found.ok) return found.result;
    const mode = shops.get(shopId)!.logistics;
    if (mode === "non_integrated") return ok({ info_needed: { non_integrated: ["tracking_no"] } });
    if (mode === "dropoff") return ok({ info_needed: { dropoff: ["tracking_no"] }, dropoff: { branch_list: [], slug_list: [] } });
    const base = nowSec() + 86400;
    const slots = offeredSlots.get(o.order_sn) ?? new Set<string>();
    slots.add(String(base)).add(String(base + 86400));
    offeredSlots.set(o.order_sn, slots);
    return ok({
      info_needed: { dropoff: [], pickup: mode === "pickup_tracking" ? ["address_id", "pickup_time_id", "tracking_number"] : ["address_id", "pickup_time_id"] },
      dropoff: null,
      pickup: {
        address_list: [
          {
            address_id: 7001,
            region: "SG",
            state: "Singapore",
            city: "Singapore",
            address: "1 Warehouse Way",
            zipcode: "609000",
            district: "",
            town: "",
            address_flag: ["default_address", "pickup_address"],
            time_slot_list: [
              { date: base, time_text: "09:00-12:00", pickup_time_id: String(base), flags: [] },
              { date: base + 86400, time_text: "09:00-12:00", pickup_time_id: String(base + 86400), flags: ["recommended"] },
            ],
          },
        ],
      },
    });
  }

  const ARRANGED = new Set(["LOGISTICS_REQUEST_CREATED", "LOGISTICS_PICKUP_DONE", "LOGISTICS_PICKUP_RETRY", "LOGISTICS_DELIVERY_DONE"]);

  /**
   * ship_order with the documented checks: exactly one of pickup / dropoff / non_integrated, the one the
   * channel supports; package_number for split orders (and only for them); what info_needed asked for.
   * Non-integrated packages go straight to LOGISTICS_PICKUP_DONE, pickup/dropoff to
   * LOGISTICS_REQUEST_CREATED (order-management guide, 8.1); the order is PROCESSED once every package
   * is arranged.
   */
  function shipOrder(shopId: number, body: Record<string, unknown> | null): Result {
    const sn = typeof body?.order_sn === "string" ? body.order_sn : "";
    const o = orders.get(sn);
    if (!o || o.shop_id !== shopId) return err(400, "logistics.error_order_not_found", "Order is not found.");
    const methods = (["pickup", "dropoff", "non_integrated"] as const).filter((k) => body?.[k] !== undefined && body?.[k] !== null);
    if (methods.length !== 1) return err(400, "logistics.ship_order_only_support_one_type", "Please select just one way to ship order: pickup or dropoff or non_integrated.");
    const found = packageFor(o, body?.package_number as string | undefined, "ship_order");
    if (!found.ok) return found.result;
    const pkg = found.pkg;
    if (o.package_list.length > 1 && ARRANGED.has(pkg.logistics_status)) {
      return err(400, "logistics.package_already_shipped", "This package has already been arranged shipment and you can't call this API again.");
    }
    if (["PROCESSED", "SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED", "TO_RETURN"].includes(o.order_status)) {
      return err(400, "logistics.error_param", "Order has been shipped.");
    }
    if (!["READY_TO_SHIP", "RETRY_SHIP"].includes(o.order_status)) return err(400, "logistics.error_order_state", "Operation is not allow with current order status.");
    const mode = shops.get(shopId)!.logistics;
    const wanted = mode === "pickup_tracking" ? "pickup" : mode;
    if (methods[0] !== wanted) return err(400, `logistics.ship_order_unsupport_${methods[0]}`, `This order does not support ship with ${methods[0]}.`);
    let tracking: string;
    if (mode === "non_integrated") {
      const t = (body?.non_integrated as { tracking_number?: string } | undefined)?.tracking_number;
      if (!t) return err(400, "logistics.error_traceno_required", "Trace number is required.");
      tracking = t;
    } else if (mode === "dropoff") {
      const t = (body?.dropoff as { tracking_number?: string } | undefined)?.tracking_number;
      if (!t) return err(400, "logistics.ship_order_need_tracking_number", "Parameter tracking_number can not be null.");
      tracking = t;
    } else {
      const p = body?.pickup as { address_id?: number; pickup_time_id?: string; tracking_number?: string } | undefined;
      if (!p?.address_id || !p.pickup_time_id) return err(400, "logistics.ship_order_need_address_pickup_time", "Parameter address_id and pickup_time_id are required.");
      if (p.address_id !== 7001) return err(400, "logistics.address_not_found", "Address is not found.");
      if (!offeredSlots.get(sn)?.has(p.pickup_time_id)) {
        return err(400, "logistics.ship_order_pickup_time_invalid", "Invalid pickup time id. Please check the pick up time id.");
      }
      if (mode === "pickup_tracking") {
        if (!p.tracking_number) return err(400, "logistics.ship_order_need_tracking_number", "Parameter tracking_number can not be null.");
        tracking = p.tracking_number;
      } else {
        if (p.tracking_number) return err(400, "error_param", "Please do not request with tracking_no for this channel which does not require tracking_no.");
        tracking = `SPXSG${hex(6).toUpperCase()}`;
      }
    }
    pkg.tracking_number = tracking;
    pkg.logistics_status = mode === "non_integrated" ? "LOGISTICS_PICKUP_DONE" : "LOGISTICS_REQUEST_CREATED";
    o.update_time = Math.max(o.update_time + 1, nowSec());
    if (o.package_list.every((x) => ARRANGED.has(x.logistics_status))) {
      o.order_status = "PROCESSED";
      o.tracking_number = o.package_list[0]!.tracking_number;
      enqueuePush({ shop_id: shopId, code: 3, timestamp: o.update_time, data: { ordersn: sn, status: "PROCESSED", update_time: o.update_time } });
    }
    shipments.push({ shopId, orderSn: sn, packageNumber: pkg.package_number, mode, trackingNumber: tracking, body, at: clock.now() });
    enqueuePush({ shop_id: shopId, code: 4, timestamp: o.update_time, data: { ordersn: sn, package_number: pkg.package_number, tracking_no: tracking } });
    return ok(undefined);
  }

  function trackingNumber(shopId: number, q: URLSearchParams): Result {
    const o = orders.get(q.get("order_sn") ?? "");
    if (!o || o.shop_id !== shopId) return err(400, "logistics.invalid_error", "The order is not exist.");
    const found = packageFor(o, q.get("package_number"), "get_tracking_number");
    if (!found.ok) return found.result;
    const tracking = found.pkg.tracking_number || (o.package_list.length === 1 ? o.tracking_number : "");
    return ok({ tracking_number: tracking, plp_number: "", first_mile_tracking_number: "", last_mile_tracking_number: "", hint: "" });
  }

  function updateStock(shopId: number, body: Record<string, unknown> | null): Result {
    const item = catalog.get(Number(body?.item_id));
    if (!item || item.shopId !== shopId) return err(400, "error_item_not_found", "Product not found");
    const list = body?.stock_list as { model_id?: number; seller_stock?: { stock?: number }[] }[] | undefined;
    if (!Array.isArray(list) || list.length < 1 || list.length > 50) return err(400, "error_param", "Wrong parameters, detail: stock_list length should be in [1, 50].");
    const success_list: unknown[] = [];
    const failure_list: unknown[] = [];
    for (const entry of list) {
      const stock = entry.seller_stock?.[0]?.stock;
      const modelId = Number(entry.model_id ?? 0);
      const model = item.models.find((m) => m.model_id === modelId);
      if (item.models.length > 0 ? !model : modelId !== 0) {
        failure_list.push({ model_id: modelId, failed_reason: "Model not found." });
      } else if (!Number.isInteger(stock) || stock! < 0) {
        failure_list.push({ model_id: modelId, failed_reason: "Stock must be a non-negative integer." });
      } else {
        if (model) model.stock = stock!;
        else item.stock = stock!;
        stockUpdates.push({ shopId, itemId: item.item_id, modelId, sku: model ? model.model_sku : item.item_sku, stock: stock!, at: clock.now() });
        success_list.push({ model_id: modelId, seller_stock: [{ stock }] });
      }
    }
    return ok({ success_list, failure_list });
  }

  const money = (c: number) => c / 100;

  /**
   * v2.payment.get_escrow_list: escrows released in [release_time_from, release_time_to] (both required,
   * at most 15 days apart — Shopee's reference gives no number; this simulator uses the order list's),
   * page_size 1–100 and page_no from 1; `more` says whether another page follows.
   */
  function getEscrowList(shopId: number, q: URLSearchParams): Result {
    const from = Number(q.get("release_time_from"));
    const to = Number(q.get("release_time_to"));
    if (!q.get("release_time_from") || !q.get("release_time_to") || !Number.isInteger(from) || !Number.isInteger(to)) {
      return err(400, "error_param", "Wrong parameters, detail: release_time_from and release_time_to are required.");
    }
    if (to < from || to - from > MAX_WINDOW) return err(400, "error_param", "Wrong parameters, detail: the release time range should be within 15 days.");
    const size = Number(q.get("page_size"));
    if (!Number.isInteger(size) || size < 1 || size > 100) return err(400, "error_param", "Wrong parameters, detail: page_size should be between 1 and 100.");
    const pageNo = Number(q.get("page_no") ?? 1);
    if (!Number.isInteger(pageNo) || pageNo < 1) return err(400, "error_param", "Wrong parameters, detail: page_no should be 1 or more.");
    const matching = [...escrows.values()]
      .filter((e) => e.shopId === shopId && e.releaseTime >= from && e.releaseTime <= to)
      .sort((a, b) => a.releaseTime - b.releaseTime || a.orderSn.localeCompare(b.orderSn));
    const page = matching.slice((pageNo - 1) * size, pageNo * size);
    return ok({
      escrow_list: page.map((e) => ({ order_sn: e.orderSn, payout_amount: money(e.escrow), escrow_release_time: e.releaseTime })),
      more: matching.length > pageNo * size,
    });
  }

  /** v2.payment.get_escrow_detail: one order's income breakdown (order_income), the fields Shopee names. */
  function getEscrowDetail(shopId: number, q: URLSearchParams): Result {
    const sn = q.get("order_sn");
    if (!sn) return err(400, "error_param", "Wrong parameters, detail: order_sn is required.");
    const o = orders.get(sn);
    if (!o || o.shop_id !== shopId) return err(400, "error_not_found", "Order not found.");
    const e = escrows.get(sn);
    const z = (c: number | undefined) => money(c ?? 0);
    return ok({
      order_sn: sn,
      buyer_user_name: o.buyer_username,
      return_order_sn_list: [],
      order_income: {
        escrow_amount: z(e?.escrow),
        buyer_total_amount: money(cents100(o.total_amount)),
        original_price: z(e?.originalPrice),
        seller_discount: 0,
        shopee_discount: 0,
        voucher_from_seller: 0,
        voucher_from_shopee: 0,
        coins: 0,
        buyer_paid_shipping_fee: z(e?.buyerPaidShipping),
        buyer_transaction_fee: 0,
        cross_border_tax: 0,
        payment_promotion: 0,
        commission_fee: z(e?.commission),
        service_fee: z(e?.service),
        seller_transaction_fee: z(e?.transaction),
        seller_lost_compensation: 0,
        seller_coin_cash_back: 0,
        escrow_tax: 0,
        final_shipping_fee: money((e?.buyerPaidShipping ?? 0) + (e?.shippingRebate ?? 0) - (e?.actualShipping ?? 0)),
        actual_shipping_fee: z(e?.actualShipping),
        shopee_shipping_rebate: z(e?.shippingRebate),
        drc_adjustable_refund: z(e?.refund),
        items: o.item_list.map((i) => ({
          item_id: i.item_id,
          item_name: i.item_name,
          item_sku: i.item_sku,
          model_id: i.model_id,
          model_sku: i.model_sku,
          original_price: i.model_original_price,
          discounted_price: i.model_discounted_price,
          quantity_purchased: i.model_quantity_purchased,
        })),
      },
    });
  }
  const cents100 = (n: number) => Math.round(n * 100);

  async function shopApi(op: string, shopId: number, req: http.IncomingMessage, q: URLSearchParams): Promise<Result> {
    let body: Record<string, unknown> | null = null;
    if (req.method === "POST") {
      try {
        body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
      } catch {
        return err(400, "error_param", "Wrong parameters, detail: body is not valid JSON.");
      }
    }
    const shop = shops.get(shopId)!;
    switch (op) {
      case "shop.get_shop_info":
        // This endpoint answers at the top level, not under `response`.
        return ok(undefined, {
          shop_name: shop.shopName,
          region: shop.region,
          status: "NORMAL",
          is_cb: false,
          is_cnsc: false,
          auth_time: nowSec() - 60,
          expire_time: nowSec() + 365 * 86400,
        });
      case "order.get_order_list":
        return getOrderList(shopId, q);
      case "order.get_order_detail":
        return getOrderDetail(shopId, q);
      case "logistics.get_shipping_parameter":
        return shippingParameter(shopId, q);
      case "logistics.ship_order":
        return shipOrder(shopId, body);
      case "logistics.get_tracking_number":
        return trackingNumber(shopId, q);
      case "product.search_item": {
        const size = Number(q.get("page_size"));
        if (!Number.isInteger(size) || size < 1 || size > 100) return err(400, "product.error_param", "invalid field PageSize: value must  Not Null");
        const sku = q.get("item_sku");
        const ids = [...catalog.values()]
          .filter((i) => i.shopId === shopId && (!sku || i.item_sku === sku || i.models.some((m) => m.model_sku === sku)))
          .map((i) => i.item_id);
        return ok({ item_id_list: ids.slice(0, size), total_count: ids.length, next_offset: "" });
      }
      case "product.get_model_list": {
        const item = catalog.get(Number(q.get("item_id")));
        if (!item || item.shopId !== shopId) return err(400, "error_item_not_found", "Product not found");
        return ok({
          tier_variation: item.models.length ? [{ name: "Variant", option_list: item.models.map((m) => ({ option: m.model_sku })) }] : [],
          model: item.models.map((m, i) => ({ model_id: m.model_id, model_sku: m.model_sku, tier_index: [i], stock_info_v2: { seller_stock: [{ stock: m.stock }] } })),
        });
      }
      case "product.update_stock":
        return updateStock(shopId, body);
      case "payment.get_escrow_list":
        return getEscrowList(shopId, q);
      case "payment.get_escrow_detail":
        return getEscrowDetail(shopId, q);
    }
    return err(404, "error_not_found", `Unknown API ${op}`);
  }

  const PUBLIC_ROUTES: Record<string, { method: "GET" | "POST"; op: string }> = {
    "/api/v2/auth/token/get": { method: "POST", op: "auth.token.get" },
    "/api/v2/auth/access_token/get": { method: "POST", op: "auth.access_token.get" },
    "/api/v2/push/get_lost_push_message": { method: "GET", op: "push.get_lost_push_message" },
    "/api/v2/push/confirm_consumed_lost_push_message": { method: "POST", op: "push.confirm_consumed_lost_push_message" },
  };

  const SHOP_ROUTES: Record<string, { method: "GET" | "POST"; op: string }> = {
    "/api/v2/shop/get_shop_info": { method: "GET", op: "shop.get_shop_info" },
    "/api/v2/order/get_order_list": { method: "GET", op: "order.get_order_list" },
    "/api/v2/order/get_order_detail": { method: "GET", op: "order.get_order_detail" },
    "/api/v2/logistics/get_shipping_parameter": { method: "GET", op: "logistics.get_shipping_parameter" },
    "/api/v2/logistics/ship_order": { method: "POST", op: "logistics.ship_order" },
    "/api/v2/logistics/get_tracking_number": { method: "GET", op: "logistics.get_tracking_number" },
    "/api/v2/product/search_item": { method: "GET", op: "product.search_item" },
    "/api/v2/product/get_model_list": { method: "GET", op: "product.get_model_list" },
    "/api/v2/product/update_stock": { method: "POST", op: "product.update_stock" },
    "/api/v2/payment/get_escrow_list": { method: "GET", op: "payment.get_escrow_list" },
    "/api/v2/payment/get_escrow_detail": { method: "GET", op: "payment.get_escrow_detail" },
  };

  /** A fixed one-second window per key; true when this call is over the limit (then it is not counted). */
  function overLimit(key: string, limit: number, windowId: number): boolean {
    const c = windows.get(key);
    const n = c && c.w === windowId ? c.n : 0;
    if (n >= limit) return true;
    windows.set(key, { w: windowId, n: n + 1 });
    return false;
  }

  /** The gateway's limits for an authenticated call: daily quota, then per partner, then per shop. */
  function limited(shopId: number | null): Result | null {
    const now = clock.now();
    if (rateLimit.dailyCallLimit !== null) {
      const day = Math.floor((now + 8 * 3600_000) / 86400_000); // the quota resets at 00:00 UTC+8
      if (overLimit("daily", rateLimit.dailyCallLimit, day)) {
        return err(200, "error_limit", "The total API call number made by your APP has reached the daily API call limit, please try again after 00: 00 (UTC+08:00)");
      }
    }
    const second = Math.floor(now / 1000);
    const tooMany = () => err(200, "error_rate_limit", "Too many requests. You have reached the rate limit. Please try again later.");
    if (overLimit("partner", rateLimit.perPartnerPerSecond, second)) return tooMany();
    if (shopId !== null && overLimit(`shop:${shopId}`, rateLimit.perShopPerSecond, second)) return tooMany();
    return null;
  }

  async function tokenGet(req: http.IncomingMessage): Promise<Result> {
    const body = JSON.parse((await readBody(req)) || "{}") as { code?: string; shop_id?: number; main_account_id?: number; partner_id?: number };
    if (Number(body.partner_id) !== partner.partnerId) return err(400, "error_param", "Invalid partner_id.");
    if (!body.code) return err(400, "error_param", "Wrong parameters, detail: code is required.");
    const c = codes.get(body.code);
    if (!c || c.used || c.expiresAt <= nowSec()) return err(403, "invalid_code", "The code is expired or used or invalid, please check the code.");
    if (Number(body.shop_id) !== c.shopId) return err(403, "invalid_shop_id", "The code or shop_id is wrong, please check the code or the shop_id.");
    c.used = true;
    return ok(undefined, issueTokens(c.shopId));
  }

  async function refreshGet(req: http.IncomingMessage): Promise<Result> {
    const body = JSON.parse((await readBody(req)) || "{}") as { refresh_token?: string; shop_id?: number; partner_id?: number };
    if (Number(body.partner_id) !== partner.partnerId) return err(400, "error_param", "Invalid partner_id.");
    const r = body.refresh_token ? refreshTokens.get(body.refresh_token) : undefined;
    if (r && r.revoked) return err(403, "shop_no_linked", "Partner and shop has no linked.");
    if (r && !r.used && r.expiresAt <= nowSec()) return err(403, "refresh_token_expired", "Your refresh_token expired.");
    if (!r || r.used || r.shopId !== Number(body.shop_id)) return err(403, "error_shop_refresh_token", "Your refresh token is error ,please check refresh token or shopid.");
    // Single use: this refresh token is spent; access tokens issued before live five more minutes.
    r.used = true;
    for (const t of accessTokens.values()) if (t.shopId === r.shopId) t.expiresAt = Math.min(t.expiresAt, nowSec() + OLD_TOKEN_GRACE);
    return ok(undefined, { ...issueTokens(r.shopId), partner_id: partner.partnerId, shop_id: r.shopId });
  }

  function authPage(q: URLSearchParams) {
    const options = [...shops.values()].map((s) => `<option value="${s.shopId}">${escapeHtml(s.shopName)} (${s.shopId})</option>`).join("");
    return `<!doctype html><html><head><meta charset="utf-8"><title>Shopee Open Platform — authorize (simulator)</title></head>
<body style="font-family:sans-serif;max-width:560px;margin:40px auto">
<h1>Authorize Manifold OMS to access your shop</h1><p>Simulated Shopee authorization page (the SMS step is skipped).</p>
<form method="post" action="/api/v2/shop/auth_partner">
<input type="hidden" name="redirect" value="${escapeHtml(q.get("redirect") ?? "")}">
<label>Shop <select name="shop_id">${options}</select></label>
<p><button type="submit" id="confirm">Confirm Authorization</button></p></form></body></html>`;
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const path = url.pathname.slice("/__sim".length);
    const body = req.method === "GET" ? {} : (JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>);
    const m = req.method;
    if (m === "GET" && path === "/state") {
      return sendJson(res, 200, { now: new Date(clock.now()).toISOString(), shops: [...shops.values()], orders: orders.size, shipments: shipments.length, stockUpdates: stockUpdates.length, pushes: push.deliveries.length });
    }
    if (m === "POST" && path === "/shops") return sendJson(res, 200, addShop(body as Partial<SimShop> & { shopId: number }));
    if (m === "POST" && path === "/orders") return sendJson(res, 200, { orderSns: seedOrders(body as Parameters<typeof seedOrders>[0]) });
    if (m === "GET" && path === "/orders") {
      const shop = Number(url.searchParams.get("shopId")) || null;
      return sendJson(res, 200, { orders: [...orders.values()].filter((o) => !shop || o.shop_id === shop) });
    }
    const statusMatch = /^\/orders\/([^/]+)\/status$/.exec(path);
    if (m === "POST" && statusMatch) return sendJson(res, 200, setStatus(decodeURIComponent(statusMatch[1]!), String(body.status)));
    const splitMatch = /^\/orders\/([^/]+)\/split$/.exec(path);
    if (m === "POST" && splitMatch) return sendJson(res, 200, { package_list: splitOrder(decodeURIComponent(splitMatch[1]!), body.groups as number[][]) });
    if (m === "POST" && path === "/orders/advance") return sendJson(res, 200, { changed: advanceOrders(Number(body.count ?? 1), body.shopId as number | undefined) });
    if (m === "POST" && path === "/escrows") return sendJson(res, 200, releaseEscrow(String(body.orderSn), body as Parameters<typeof releaseEscrow>[1]));
    if (m === "POST" && path === "/catalog") return sendJson(res, 200, addCatalogItem(body as Parameters<typeof addCatalogItem>[0]));
    if (m === "POST" && path === "/clock") {
      const now = body.nowMs !== undefined ? clock.set(Number(body.nowMs)) : clock.advance(Number(body.advanceMs ?? 0));
      return sendJson(res, 200, { now: new Date(now).toISOString() });
    }
    if (m === "GET" && path === "/clock") return sendJson(res, 200, { now: new Date(clock.now()).toISOString() });
    if (m === "POST" && path === "/faults") {
      faults.add((body.faults as FaultRule[]) ?? []);
      return sendJson(res, 200, { pending: faults.pending() });
    }
    if (m === "DELETE" && path === "/faults") {
      faults.clear();
      return sendJson(res, 200, { pending: 0 });
    }
    if (m === "POST" && path === "/rate-limit") {
      rateLimit = limitsFrom(body.off ? false : (body as Partial<SimRateLimit>));
      windows.clear();
      return sendJson(res, 200, rateLimit);
    }
    if (m === "POST" && path === "/push") {
      setPush(body as Parameters<typeof setPush>[0]);
      return sendJson(res, 200, { callbackUrl: push.callbackUrl, duplicates: push.duplicates, hold: push.hold });
    }
    if (m === "POST" && path === "/push/flush") {
      await flushPushes({ reverse: Boolean(body.reverse) });
      return sendJson(res, 200, { delivered: push.deliveries.length });
    }
    if (m === "POST" && path === "/push/retry") {
      await deliverDuePushes();
      return sendJson(res, 200, { pending: push.deliveries.filter((d) => d.state === "pending").length });
    }
    if (m === "GET" && path === "/pushes") return sendJson(res, 200, { deliveries: push.deliveries, queued: push.queue.length, lost: push.lost, disabled: push.disabled });
    if (m === "POST" && path === "/authorize") return sendJson(res, 200, { callbackUrl: approve({ redirect: String(body.redirect), shopId: body.shopId as number | undefined }) });
    if (m === "POST" && path === "/revoke") {
      revoke(Number(body.shopId ?? DEFAULT_SHOP.shopId));
      return sendJson(res, 200, { ok: true });
    }
    if (m === "POST" && path === "/tokens/expire") {
      expireAccessTokens(body.shopId === undefined ? undefined : Number(body.shopId));
      return sendJson(res, 200, { ok: true });
    }
    if (m === "GET" && path === "/shipments") return sendJson(res, 200, { shipments });
    if (m === "GET" && path === "/stock") return sendJson(res, 200, { stock: stockUpdates });
    if (m === "GET" && path === "/stats") return sendJson(res, 200, { stats, faults: faults.hits });
    return sendJson(res, 404, { error: "unknown simulator control route" });
  }

  function addShop(s: Partial<SimShop> & { shopId: number }) {
    const shop = { ...DEFAULT_SHOP, shopName: `Shop ${s.shopId}`, ...s };
    shops.set(shop.shopId, shop);
    return shop;
  }

  function setPush(cfg: { callbackUrl?: string | null; duplicates?: number; hold?: boolean }) {
    if (cfg.callbackUrl !== undefined) push.callbackUrl = cfg.callbackUrl;
    if (cfg.duplicates !== undefined) push.duplicates = cfg.duplicates;
    if (cfg.hold !== undefined) push.hold = cfg.hold;
  }

  const server = await listen(async (req, res, url) => {
    if (url.pathname.startsWith("/__sim/")) return control(req, res, url);
    const q = url.searchParams;
    const path = url.pathname;
    const reply = (r: Result) => sendJson(res, r.status, r.body);

    if (path === "/api/v2/shop/auth_partner") {
      if (req.method === "GET") {
        const check = checkCommon(path, q, false);
        if (!check.ok) return sendJson(res, check.status, { ...check.body, request_id: requestId() });
        if (!q.get("redirect")) return sendJson(res, 400, { error: "error_param", message: "redirect is required", request_id: requestId() });
        return sendHtml(res, 200, authPage(q));
      }
      const form = new URLSearchParams(await readBody(req));
      try {
        res.writeHead(302, { location: approve({ redirect: form.get("redirect") ?? "", shopId: Number(form.get("shop_id")) || undefined }) });
        return void res.end();
      } catch (e) {
        return sendHtml(res, 400, `<h1>Authorization failed</h1><p>${escapeHtml((e as Error).message)}</p>`);
      }
    }

    const publicRoute = PUBLIC_ROUTES[path];
    const publicOp = publicRoute?.op ?? null;
    const route = SHOP_ROUTES[path];
    const op = publicOp ?? route?.op;
    if (!op) return reply(err(404, "error_not_found", `No API at ${path}`));
    const s = stat(op);
    s.requests++;
    const fault = faults.take(op);
    if (fault) s.faults++;
    const answered = await applyFault(fault, res, (status) =>
      reply(status === 429 ? err(429, "error_rate_limit", "Too many requests. You have reached the rate limit. Please try again later.") : err(status, "error_server", "System error. Please try again later.")),
    );
    if (answered) return;
    const record = (r: Result) => {
      const code = String(r.body.error ?? "");
      if (code) s.errors[code] = (s.errors[code] ?? 0) + 1;
      return reply(r);
    };

    const throttled = (shopId: number | null) => {
      const refusal = limited(shopId);
      if (refusal) s.throttled++;
      return refusal;
    };
    if (publicOp) {
      if (req.method !== publicRoute!.method) return record(err(405, "error_param", "Method not allowed"));
      const check = checkCommon(path, q, false);
      if (!check.ok) return record({ status: check.status, body: { request_id: requestId(), ...check.body } });
      const refusal = throttled(null);
      if (refusal) return record(refusal);
      if (publicOp === "auth.token.get") return record(await tokenGet(req));
      if (publicOp === "auth.access_token.get") return record(await refreshGet(req));
      if (publicOp === "push.get_lost_push_message") return record(lostPushes());
      return record(await confirmLost(req));
    }
    if (req.method !== route!.method) return record(err(405, "error_param", "Method not allowed"));
    const check = checkCommon(path, q, true);
    if (!check.ok) return record({ status: check.status, body: { request_id: requestId(), ...check.body } });
    const refusal = throttled(check.shopId!);
    if (refusal) return record(refusal);
    return record(await shopApi(op, check.shopId!, req, q));
  }, options.port ?? 0);

  return {
    baseUrl: server.baseUrl,
    async close() {
      clearInterval(retryTimer);
      await Promise.all([...push.inflight]);
      await server.close();
    },
    partner,
    clock,
    faults,
    defaultShopId: DEFAULT_SHOP.shopId,
    shops,
    orders,
    catalog,
    shipments,
    stockUpdates,
    stats,
    pushes: push.deliveries,
    seedOrders,
    setStatus,
    escrows,
    releaseEscrow,
    splitOrder,
    advanceOrders,
    addCatalogItem,
    approve,
    revoke,
    expireAccessTokens,
    addShop,
    setPush,
    flushPushes,
    deliverDuePushes,
    lostPushes: push.lost,
    pushState: () => ({ disabled: push.disabled, warnings: push.warnings }),
    /** New limits (merged over the defaults); no argument: the defaults; `false`: off. */
    setRateLimit(next?: Partial<SimRateLimit> | false) {
      rateLimit = limitsFrom(next);
      windows.clear();
    },
    setLogistics(shopId: number, mode: LogisticsMode) {
      shops.get(shopId)!.logistics = mode;
    },
  };
}

export type ShopeeSimulator = Awaited<ReturnType<typeof startShopeeSimulator>>;
