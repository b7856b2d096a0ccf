import { createHmac, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SimStore, type NewOrderInput, type SimOrder } from "./store";

/**
 * A local Shopify that enforces the rules a connector must get right (../../../../shared/marketplace-apis.md §1):
 * - OAuth: authorize page → redirect with code, hmac (hex HMAC-SHA256 of the sorted query), shop, state,
 *   timestamp; single-use codes; `access_token` exchange with client secret; expiring offline tokens
 *   (1 h access / 90 d refresh, rotating refresh tokens) on a controllable clock.
 * - Admin GraphQL at /admin/api/<version>/graphql.json with X-Shopify-Access-Token; operations are
 *   dispatched on `operationName` (Orders, ShopInfo, FulfillmentOrders, FulfillmentCreate,
 *   InventorySet, VariantBySku, WebhookSubscriptionCreate); `orders(first ≤ 250)` with cursor pages and
 *   `updated_at` search; a cost-based leaky bucket answering THROTTLED with `extensions.cost.throttleStatus`.
 * - Webhooks signed base64 HMAC-SHA256 of the raw body, delivered at least once and in any order when asked.
 * - Fault injection: HTTP 429 (Retry-After), 500, and requests that never answer (timeouts).
 * Stores live under /store/<shop>/…; /_sim/… is the control API for tests, the demo and the bench.
 */

export const SIM_DEFAULT_CLIENT_ID = "manifold-dev-shopify-client";
export const SIM_DEFAULT_CLIENT_SECRET = "manifold-dev-shopify-secret";

export const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;
const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_PAGE_SIZE = 250;

export type FaultPlan = {
  /** Probabilities per GraphQL request (seeded, so a test run is reproducible). */
  rate429?: number;
  rate500?: number;
  rateTimeout?: number;
  /** The next N requests fail this way, before probabilities apply. */
  queue?: ("429" | "500" | "timeout" | "throttle")[];
  /** Only for these operations (default: all). */
  operations?: string[];
};

export type SimOptions = {
  clientId?: string;
  clientSecret?: string;
  /** Leaky bucket: points, and points restored per (real) second. */
  bucketSize?: number;
  restoreRate?: number;
  /** How long a "timeout" fault holds the request before dropping the socket. */
  timeoutHoldMs?: number;
  seed?: number;
  /** Webhooks: delivered at once (default) or held until flushWebhooks(). */
  holdWebhooks?: boolean;
};

type PendingWebhook = { url: string; topic: string; shop: string; body: string; webhookId: string; eventId: string; triggeredAt: string };

export class ShopifySimulator {
  readonly clientId: string;
  readonly clientSecret: string;
  private stores = new Map<string, SimStore>();
  private clockOffsetMs = 0;
  private server: http.Server | null = null;
  url = "";
  faults = new Map<string, FaultPlan>();
  private rng: () => number;
  private buckets = new Map<string, { available: number; at: number }>();
  bucketSize: number;
  restoreRate: number;
  timeoutHoldMs: number;
  holdWebhooks: boolean;
  heldWebhooks: PendingWebhook[] = [];
  deliveries: { webhookId: string; topic: string; status: number }[] = [];
  requestLog: { shop: string; operation: string; outcome: string }[] = [];
  private openSockets = new Set<Socket>();

  constructor(opts: SimOptions = {}) {
    this.clientId = opts.clientId ?? SIM_DEFAULT_CLIENT_ID;
    this.clientSecret = opts.clientSecret ?? SIM_DEFAULT_CLIENT_SECRET;
    this.bucketSize = opts.bucketSize ?? 1000;
    this.restoreRate = opts.restoreRate ?? 100;
    this.timeoutHoldMs = opts.timeoutHoldMs ?? 30_000;
    this.holdWebhooks = opts.holdWebhooks ?? false;
    this.rng = mulberry32(opts.seed ?? 42);
  }

  // ---------------------------------------------------------------- clock & stores

  now() {
    return new Date(Date.now() + this.clockOffsetMs);
  }
  advanceClock(ms: number) {
    this.clockOffsetMs += ms;
  }

  store(shop: string): SimStore {
    const key = shop.replace(/\.myshopify\.com$/, "");
    let s = this.stores.get(key);
    if (!s) {
      s = new SimStore(key);
      this.stores.set(key, s);
    }
    return s;
  }

  resetStore(shop: string) {
    const key = shop.replace(/\.myshopify\.com$/, "");
    this.stores.delete(key);
    this.faults.delete(key);
    this.buckets.delete(key);
    return this.store(key);
  }

  storeUrl(shop: string) {
    return `${this.url}/store/${shop.replace(/\.myshopify\.com$/, "")}`;
  }

  // ---------------------------------------------------------------- merchant-side actions (control API)

  createOrder(shop: string, input: NewOrderInput): SimOrder {
    const s = this.store(shop);
    const order = s.addOrder(input, this.now());
    this.emit(s, "orders/create", orderPayload(order));
    return order;
  }

  /** Many orders at once, spread over `spanMs` ending now (for the bench); no webhooks. */
  bulkCreateOrders(shop: string, count: number, make: (i: number) => NewOrderInput, spanMs = 24 * 3600_000) {
    const s = this.store(shop);
    const end = this.now().getTime();
    for (let i = 0; i < count; i++) {
      const at = new Date(end - spanMs + Math.floor((spanMs * i) / Math.max(1, count)));
      s.addOrder(make(i), at);
    }
  }

  updateOrder(shop: string, orderId: number, change: { financialStatus?: SimOrder["financialStatus"]; cancel?: boolean; close?: boolean; note?: string }) {
    const s = this.store(shop);
    const o = s.orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    if (change.financialStatus) o.financialStatus = change.financialStatus;
    if (change.note !== undefined) o.note = change.note;
    if (change.close) o.closed = true;
    if (change.cancel) {
      o.cancelledAt = this.now();
      o.fulfillmentOrder.status = "CANCELLED";
    }
    s.touch(o, this.now());
    this.emit(s, change.cancel ? "orders/cancelled" : "orders/updated", orderPayload(o));
    return o;
  }

  uninstall(shop: string) {
    const s = this.store(shop);
    s.installed = false;
    for (const t of s.tokens) t.revoked = true;
    this.emit(s, "app/uninstalled", { id: s.nextId(), name: s.name, domain: s.domain, myshopify_domain: s.domain });
  }

  // ---------------------------------------------------------------- webhooks

  private emit(s: SimStore, topic: string, payload: unknown) {
    const subs = s.webhookSubscriptions.filter((w) => w.topic === topic.toUpperCase().replace("/", "_"));
    for (const sub of subs) {
      const body = JSON.stringify(payload);
      const wh: PendingWebhook = {
        url: sub.callbackUrl,
        topic,
        shop: s.domain,
        body,
        webhookId: randomUUID(),
        eventId: randomUUID(),
        triggeredAt: this.now().toISOString(),
      };
      if (this.holdWebhooks) this.heldWebhooks.push(wh);
      else void this.deliver(wh);
    }
  }

  signWebhook(body: string, secret = this.clientSecret) {
    return createHmac("sha256", secret).update(body, "utf8").digest("base64");
  }

  async deliver(wh: PendingWebhook, opts: { badSignature?: boolean } = {}) {
    try {
      const res = await fetch(wh.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": wh.topic,
          "x-shopify-hmac-sha256": opts.badSignature ? this.signWebhook(wh.body, "wrong-secret") : this.signWebhook(wh.body),
          "x-shopify-shop-domain": wh.shop,
          "x-shopify-api-version": "2026-10",
          "x-shopify-webhook-id": wh.webhookId,
          "x-shopify-event-id": wh.eventId,
          "x-shopify-triggered-at": wh.triggeredAt,
        },
        body: wh.body,
        signal: AbortSignal.timeout(5000),
      });
      this.deliveries.push({ webhookId: wh.webhookId, topic: wh.topic, status: res.status });
      return res.status;
    } catch {
      this.deliveries.push({ webhookId: wh.webhookId, topic: wh.topic, status: 0 });
      return 0;
    }
  }

  /** Deliver held webhooks: each `copies` times (duplicates keep their webhook id), shuffled when asked. */
  async flushWebhooks(opts: { copies?: number; shuffle?: boolean; dropRate?: number } = {}) {
    const list: PendingWebhook[] = [];
    for (const wh of this.heldWebhooks) {
      if (opts.dropRate && this.rng() < opts.dropRate) continue;
      for (let i = 0; i < (opts.copies ?? 1); i++) list.push(wh);
    }
    this.heldWebhooks = [];
    if (opts.shuffle) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    }
    const statuses = [];
    for (const wh of list) statuses.push(await this.deliver(wh));
    return statuses;
  }

  // ---------------------------------------------------------------- HTTP

  async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        if (!res.headersSent) sendJson(res, 500, { errors: String(e?.message ?? e) });
      });
    });
    this.server.on("connection", (s) => {
      this.openSockets.add(s);
      s.on("close", () => this.openSockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    this.url = `http://${host}:${a.port}`;
    return this.url;
  }

  async stop() {
    for (const s of this.openSockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://sim");
    const body = await readBody(req);
    if (url.pathname.startsWith("/_sim")) return this.control(req.method ?? "GET", url, body, res);
    const m = /^\/store\/([a-z0-9-]+)(\/.*)$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { errors: "Not Found" });
    const [, shop, rest] = m as unknown as [string, string, string];
    const s = this.store(shop);
    if (rest === "/admin/oauth/authorize") return this.authorizePage(s, url, res);
    if (rest === "/admin/oauth/approve") return this.approve(s, url, res);
    if (rest === "/admin/oauth/access_token" && req.method === "POST") return this.accessToken(s, body, req, res);
    if (/^\/admin\/api\/[0-9-]+\/graphql\.json$/.test(rest) && req.method === "POST") return this.graphql(s, req, body, res);
    return sendJson(res, 404, { errors: "Not Found" });
  }

  // ---------------------------------------------------------------- OAuth

  private authorizePage(s: SimStore, url: URL, res: http.ServerResponse) {
    const q = url.searchParams;
    if (q.get("client_id") !== this.clientId) {
      return sendHtml(res, 400, `<h1>Oauth error invalid_request</h1><p>The client_id is invalid.</p>`);
    }
    const redirect = q.get("redirect_uri") ?? "";
    if (!/^https?:\/\//.test(redirect)) return sendHtml(res, 400, `<h1>Oauth error invalid_request</h1><p>The redirect_uri is missing or not whitelisted.</p>`);
    const approve = new URL(`${this.storeUrl(s.shop)}/admin/oauth/approve`);
    for (const k of ["redirect_uri", "state", "scope", "client_id"]) approve.searchParams.set(k, q.get(k) ?? "");
    const scopes = (q.get("scope") ?? "").split(",").filter(Boolean);
    sendHtml(
      res,
      200,
      `<!doctype html><html><head><meta charset="utf-8"><title>Install app · ${esc(s.name)}</title></head>
<body style="font-family:sans-serif;max-width:560px;margin:40px auto">
<p style="color:#666">Shopify simulator · ${esc(s.domain)}</p>
<h1>Install Manifold OMS?</h1>
<p>The app will be able to:</p><ul>${scopes.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>
<p><a id="sim-install" href="${esc(approve.toString())}" style="display:inline-block;padding:8px 16px;background:#008060;color:#fff;text-decoration:none;border-radius:4px">Install app</a>
 <a id="sim-cancel" href="${esc(redirect)}?error=access_denied&error_description=The+merchant+declined&state=${encodeURIComponent(q.get("state") ?? "")}" style="margin-left:12px">Cancel</a></p>
</body></html>`,
    );
  }

  private approve(s: SimStore, url: URL, res: http.ServerResponse) {
    const q = url.searchParams;
    if (q.get("client_id") !== this.clientId) return sendHtml(res, 400, "<h1>invalid client</h1>");
    const code = randomBytes(16).toString("hex");
    s.codes.set(code, { expiresAt: new Date(this.now().getTime() + CODE_TTL_MS), used: false });
    s.installed = true;
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${s.shop}`).toString("base64url"),
      shop: s.domain,
      state: q.get("state") ?? "",
      timestamp: String(Math.floor(this.now().getTime() / 1000)),
    };
    params.hmac = this.queryHmac(params);
    const target = new URL(q.get("redirect_uri") ?? "");
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    res.writeHead(302, { location: target.toString() });
    res.end();
  }

  /** Shopify's callback signature: hex HMAC-SHA256 over `k=v` pairs sorted by key, joined with `&`. */
  queryHmac(params: Record<string, string>) {
    const message = Object.keys(params)
      .filter((k) => k !== "hmac" && k !== "signature")
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join("&");
    return createHmac("sha256", this.clientSecret).update(message).digest("hex");
  }

  private accessToken(s: SimStore, raw: string, req: http.IncomingMessage, res: http.ServerResponse) {
    let body: Record<string, string>;
    try {
      body = (req.headers["content-type"] ?? "").includes("json") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return sendJson(res, 400, { error: "invalid_request", error_description: "Malformed body" });
    }
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      return sendJson(res, 400, { error: "invalid_client", error_description: "Client credentials are invalid" });
    }
    const now = this.now();
    if (body.grant_type === "refresh_token") {
      const t = s.tokens.find((x) => x.refreshToken === body.refresh_token);
      if (!t || t.revoked || t.refreshExpiresAt <= now) {
        return sendJson(res, 400, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked" });
      }
      // Rotation: the old pair stops working.
      t.revoked = true;
      return sendJson(res, 200, this.issueToken(s));
    }
    const code = s.codes.get(body.code ?? "");
    if (!code || code.used || code.expiresAt <= now) {
      return sendJson(res, 400, { error: "invalid_request", error_description: "The authorization code was not found or was already used" });
    }
    code.used = true;
    return sendJson(res, 200, this.issueToken(s));
  }

  private issueToken(s: SimStore) {
    const now = this.now().getTime();
    const t = {
      accessToken: `shpat_${randomBytes(16).toString("hex")}`,
      accessExpiresAt: new Date(now + ACCESS_TOKEN_TTL_MS),
      refreshToken: `shprt_${randomBytes(16).toString("hex")}`,
      refreshExpiresAt: new Date(now + REFRESH_TOKEN_TTL_MS),
      revoked: false,
    };
    s.tokens.push(t);
    return {
      access_token: t.accessToken,
      scope: "read_orders,write_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_inventory,write_inventory",
      expires_in: ACCESS_TOKEN_TTL_MS / 1000,
      refresh_token: t.refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_MS / 1000,
    };
  }

  // ---------------------------------------------------------------- GraphQL

  private takeFault(s: SimStore, operation: string): "429" | "500" | "timeout" | "throttle" | null {
    const plan = this.faults.get(s.shop);
    if (!plan) return null;
    if (plan.operations && !plan.operations.includes(operation)) return null;
    if (plan.queue?.length) return plan.queue.shift()!;
    const r = this.rng();
    if (r < (plan.rate429 ?? 0)) return "429";
    if (r < (plan.rate429 ?? 0) + (plan.rate500 ?? 0)) return "500";
    if (r < (plan.rate429 ?? 0) + (plan.rate500 ?? 0) + (plan.rateTimeout ?? 0)) return "timeout";
    return null;
  }

  private throttleStatus(shop: string) {
    const b = this.buckets.get(shop) ?? { available: this.bucketSize, at: Date.now() };
    const now = Date.now();
    b.available = Math.min(this.bucketSize, b.available + ((now - b.at) / 1000) * this.restoreRate);
    b.at = now;
    this.buckets.set(shop, b);
    return b;
  }

  private async graphql(s: SimStore, req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    let body: { query?: string; operationName?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { errors: "Invalid JSON in request body" });
    }
    const op = body.operationName ?? "";
    const token = String(req.headers["x-shopify-access-token"] ?? "");
    const t = s.tokenByAccess(token);
    if (!t || t.revoked || t.accessExpiresAt <= this.now() || !s.installed) {
      this.requestLog.push({ shop: s.shop, operation: op, outcome: "401" });
      return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const fault = this.takeFault(s, op);
    if (fault) this.requestLog.push({ shop: s.shop, operation: op, outcome: fault });
    if (fault === "429") {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      return res.end(JSON.stringify({ errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }));
    }
    if (fault === "500") return sendJson(res, 500, { errors: "Internal Server Error" });
    if (fault === "timeout") {
      // Never answer; the client must give up on its own.
      setTimeout(() => req.socket.destroy(), this.timeoutHoldMs).unref();
      return;
    }
    const vars = body.variables ?? {};
    const cost = op === "Orders" ? 2 + Math.min(Number(vars.first ?? 50), MAX_PAGE_SIZE) : /Create|Set/.test(op) ? 10 : 1;
    const bucket = this.throttleStatus(s.shop);
    if (fault === "throttle" || bucket.available < cost) {
      if (fault !== "throttle") this.requestLog.push({ shop: s.shop, operation: op, outcome: "throttled" });
      return sendJson(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: this.throttleExt(bucket) } },
      });
    }
    bucket.available -= cost;
    this.requestLog.push({ shop: s.shop, operation: op, outcome: "ok" });
    let data: unknown;
    try {
      data = this.execute(s, op, vars);
    } catch (e) {
      if (e instanceof GraphqlError) return sendJson(res, 200, { errors: [{ message: e.message, extensions: { code: e.code } }] });
      throw e;
    }
    sendJson(res, 200, { data, extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: this.throttleExt(bucket) } } });
  }

  private throttleExt(b: { available: number }) {
    return { maximumAvailable: this.bucketSize, currentlyAvailable: Math.floor(b.available), restoreRate: this.restoreRate };
  }

  private execute(s: SimStore, op: string, vars: Record<string, unknown>): unknown {
    switch (op) {
      case "ShopInfo":
        return { shop: { name: s.name, myshopifyDomain: s.domain }, locations: { nodes: [{ id: `gid://shopify/Location/${s.locationId}` }] } };
      case "Orders":
        return this.ordersQuery(s, vars);
      case "FulfillmentOrders": {
        const o = s.orders.get(gidNum(vars.id));
        if (!o) return { order: null };
        return {
          order: {
            id: gid("Order", o.id),
            fulfillments: o.fulfillments.map((f) => ({ id: gid("Fulfillment", f.id), trackingInfo: [{ number: f.trackingNumber, company: f.company }] })),
            fulfillmentOrders: {
              nodes: [
                {
                  id: gid("FulfillmentOrder", o.fulfillmentOrder.id),
                  status: o.fulfillmentOrder.status,
                  lineItems: { nodes: o.lineItems.map((l) => ({ id: gid("FulfillmentOrderLineItem", l.id), remainingQuantity: o.fulfillmentOrder.status === "OPEN" ? l.quantity : 0 })) },
                },
              ],
            },
          },
        };
      }
      case "FulfillmentCreate":
        return this.fulfillmentCreate(s, vars);
      case "InventorySet":
        return this.inventorySet(s, vars);
      case "VariantBySku": {
        const sku = /sku:"?([^"]+)"?/.exec(String(vars.query ?? ""))?.[1] ?? "";
        const v = s.variants.get(sku);
        return { productVariants: { nodes: v ? [{ id: gid("ProductVariant", v.variantId), sku, inventoryItem: { id: gid("InventoryItem", v.inventoryItemId) } }] : [] } };
      }
      case "WebhookSubscriptionCreate": {
        const topic = String(vars.topic ?? "");
        const callbackUrl = String((vars.webhookSubscription as { callbackUrl?: string } | undefined)?.callbackUrl ?? "");
        if (!/^https?:\/\//.test(callbackUrl)) return { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ field: ["callbackUrl"], message: "Address is invalid" }] } };
        const existing = s.webhookSubscriptions.find((w) => w.topic === topic && w.callbackUrl === callbackUrl);
        const sub = existing ?? { id: s.nextId(), topic, callbackUrl };
        if (!existing) s.webhookSubscriptions.push(sub);
        return { webhookSubscriptionCreate: { webhookSubscription: { id: gid("WebhookSubscription", sub.id), topic }, userErrors: [] } };
      }
      default:
        throw new GraphqlError(`Unknown operation ${op || "(none)"}`, "UNKNOWN_OPERATION");
    }
  }

  private ordersQuery(s: SimStore, vars: Record<string, unknown>) {
    const first = Number(vars.first ?? 50);
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new GraphqlError(`The page size must be between 1 and ${MAX_PAGE_SIZE}; requested ${vars.first}`, "BAD_REQUEST");
    }
    const conds = parseUpdatedAtQuery(String(vars.query ?? ""));
    const after = vars.after ? decodeSimCursor(String(vars.after)) : null;
    const nodes: SimOrder[] = [];
    let hasNext = false;
    for (const o of s.sorted()) {
      const t = o.updatedAt.getTime();
      if (!conds.every((c) => c(t))) continue;
      if (after && (t < after.t || (t === after.t && o.id <= after.id))) continue;
      if (nodes.length === first) {
        hasNext = true;
        break;
      }
      nodes.push(o);
    }
    const last = nodes[nodes.length - 1];
    return {
      orders: {
        nodes: nodes.map(orderNode),
        pageInfo: { hasNextPage: hasNext, endCursor: last ? encodeSimCursor(last) : null },
      },
    };
  }

  private fulfillmentCreate(s: SimStore, vars: Record<string, unknown>) {
    const input = (vars.fulfillment ?? {}) as {
      lineItemsByFulfillmentOrder?: { fulfillmentOrderId: string }[];
      trackingInfo?: { number?: string; company?: string };
    };
    const foIds = (input.lineItemsByFulfillmentOrder ?? []).map((x) => gidNum(x.fulfillmentOrderId));
    const order = [...s.orders.values()].find((o) => foIds.includes(o.fulfillmentOrder.id));
    if (!order) return { fulfillmentCreate: { fulfillment: null, userErrors: [{ field: ["fulfillment"], message: "Fulfillment order does not exist." }] } };
    if (order.fulfillmentOrder.status !== "OPEN") {
      return { fulfillmentCreate: { fulfillment: null, userErrors: [{ field: ["fulfillment"], message: "Invalid fulfillment order line item quantity requested." }] } };
    }
    const f = { id: s.nextId(), trackingNumber: input.trackingInfo?.number ?? "", company: input.trackingInfo?.company ?? "", createdAt: this.now() };
    order.fulfillments.push(f);
    order.fulfillmentOrder.status = "CLOSED";
    order.fulfillmentStatus = "FULFILLED";
    s.touch(order, this.now());
    this.emit(s, "orders/updated", orderPayload(order));
    return { fulfillmentCreate: { fulfillment: { id: gid("Fulfillment", f.id), status: "SUCCESS", trackingInfo: [{ number: f.trackingNumber, company: f.company }] }, userErrors: [] } };
  }

  private inventorySet(s: SimStore, vars: Record<string, unknown>) {
    const input = (vars.input ?? {}) as { name?: string; quantities?: { inventoryItemId: string; locationId: string; quantity: number }[] };
    if (input.name !== "available") return { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ field: ["input", "name"], message: "Name is invalid", code: "INVALID_NAME" }] } };
    const errors = [];
    for (const q of input.quantities ?? []) {
      const item = gidNum(q.inventoryItemId);
      if (!s.inventory.has(item)) errors.push({ field: ["input", "quantities"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
      else if (gidNum(q.locationId) !== s.locationId) errors.push({ field: ["input", "quantities"], message: "The specified location could not be found.", code: "INVALID_LOCATION" });
      else if (!Number.isInteger(q.quantity)) errors.push({ field: ["input", "quantities"], message: "Quantity must be an integer", code: "INVALID_QUANTITY" });
    }
    if (errors.length) return { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: errors } };
    for (const q of input.quantities ?? []) {
      s.inventory.set(gidNum(q.inventoryItemId), q.quantity);
      s.inventorySets.push({ inventoryItemId: gidNum(q.inventoryItemId), quantity: q.quantity, at: this.now() });
    }
    return { inventorySetQuantities: { inventoryAdjustmentGroup: { id: gid("InventoryAdjustmentGroup", s.nextId()) }, userErrors: [] } };
  }

  // ---------------------------------------------------------------- control API (/_sim)

  private async control(method: string, url: URL, raw: string, res: http.ServerResponse) {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const parts = url.pathname.split("/").filter(Boolean); // _sim, ...
    if (parts[1] === "health") return sendJson(res, 200, { ok: true, simulator: "shopify" });
    if (parts[1] === "clock" && method === "POST") {
      this.advanceClock(Number(body.advanceMs ?? 0));
      return sendJson(res, 200, { now: this.now().toISOString() });
    }
    if (parts[1] === "webhooks" && parts[2] === "flush" && method === "POST") {
      const statuses = await this.flushWebhooks(body as { copies?: number; shuffle?: boolean });
      return sendJson(res, 200, { delivered: statuses });
    }
    if (parts[1] !== "shops" || !parts[2]) return sendJson(res, 404, { error: "unknown control path" });
    const shop = parts[2];
    const s = this.store(shop);
    const sub = parts.slice(3).join("/");
    if (method === "POST" && sub === "reset") {
      this.resetStore(shop);
      return sendJson(res, 200, { ok: true });
    }
    if (method === "POST" && sub === "orders") {
      const order = this.createOrder(shop, body as unknown as NewOrderInput);
      return sendJson(res, 200, { id: order.id, gid: gid("Order", order.id), name: order.name });
    }
    if (method === "POST" && /^orders\/\d+$/.test(sub)) {
      const o = this.updateOrder(shop, Number(parts[4]), body as Parameters<ShopifySimulator["updateOrder"]>[2]);
      return sendJson(res, 200, { id: o.id });
    }
    if (method === "POST" && sub === "faults") {
      this.faults.set(s.shop, body as FaultPlan);
      return sendJson(res, 200, { ok: true });
    }
    if (method === "POST" && sub === "uninstall") {
      this.uninstall(shop);
      return sendJson(res, 200, { ok: true });
    }
    if (method === "GET" && sub === "") return sendJson(res, 200, this.snapshot(shop));
    return sendJson(res, 404, { error: "unknown control path" });
  }

  snapshot(shop: string) {
    const s = this.store(shop);
    return {
      domain: s.domain,
      installed: s.installed,
      orders: [...s.orders.values()].map((o) => ({
        id: o.id,
        name: o.name,
        financialStatus: o.financialStatus,
        fulfillmentStatus: o.fulfillmentStatus,
        cancelled: !!o.cancelledAt,
        fulfillments: o.fulfillments.map((f) => ({ trackingNumber: f.trackingNumber, company: f.company })),
      })),
      inventory: Object.fromEntries([...s.variants.entries()].map(([sku, v]) => [sku, s.inventory.get(v.inventoryItemId) ?? 0])),
      inventorySets: s.inventorySets.length,
      webhookSubscriptions: s.webhookSubscriptions.map((w) => ({ topic: w.topic, callbackUrl: w.callbackUrl })),
      activeTokens: s.tokens.filter((t) => !t.revoked).length,
    };
  }
}

class GraphqlError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

// -------------------------------------------------------------------- helpers

const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
const gidNum = (v: unknown) => Number(String(v ?? "").split("/").pop());

function orderNode(o: SimOrder) {
  return {
    id: gid("Order", o.id),
    name: o.name,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    cancelledAt: o.cancelledAt?.toISOString() ?? null,
    closed: o.closed,
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: o.fulfillmentStatus,
    currencyCode: o.currency,
    totalPriceSet: { shopMoney: { amount: o.total, currencyCode: o.currency } },
    email: o.email,
    note: o.note || null,
    customer: { displayName: o.customerName },
    shippingAddress: {
      name: o.shipping.name,
      phone: o.shipping.phone,
      address1: o.shipping.address1,
      address2: o.shipping.address2 || null,
      city: o.shipping.city,
      province: o.shipping.province,
      countryCodeV2: o.shipping.countryCode,
      zip: o.shipping.zip,
    },
    shippingLines: { nodes: [{ title: o.shippingLine }] },
    lineItems: {
      nodes: o.lineItems.map((l) => ({
        id: gid("LineItem", l.id),
        sku: l.sku,
        title: l.title,
        quantity: l.quantity,
        originalUnitPriceSet: { shopMoney: { amount: l.price, currencyCode: o.currency } },
        variant: { inventoryItem: { id: gid("InventoryItem", l.inventoryItemId) } },
      })),
    },
  };
}

/** The REST-shaped payload Shopify sends with order webhooks. */
function orderPayload(o: SimOrder) {
  return {
    id: o.id,
    admin_graphql_api_id: gid("Order", o.id),
    name: o.name,
    updated_at: o.updatedAt.toISOString(),
    created_at: o.createdAt.toISOString(),
    cancelled_at: o.cancelledAt?.toISOString() ?? null,
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: o.fulfillmentStatus === "FULFILLED" ? "fulfilled" : null,
    line_items: o.lineItems.map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity, price: l.price })),
  };
}

function encodeSimCursor(o: SimOrder) {
  return Buffer.from(JSON.stringify({ t: o.updatedAt.getTime(), id: o.id })).toString("base64");
}
function decodeSimCursor(c: string): { t: number; id: number } {
  try {
    const v = JSON.parse(Buffer.from(c, "base64").toString("utf8"));
    if (typeof v.t === "number" && typeof v.id === "number") return v;
  } catch {
    /* fall through */
  }
  throw new GraphqlError("Invalid cursor for current pagination sort.", "BAD_REQUEST");
}

/** `updated_at:>'2026-01-01T00:00:00Z' AND updated_at:<=2026-…` → predicates on epoch ms. */
export function parseUpdatedAtQuery(q: string): ((t: number) => boolean)[] {
  const out: ((t: number) => boolean)[] = [];
  const re = /updated_at:(>=|<=|>|<)'?([0-9T:.\-+Z]+)'?/g;
  for (const m of q.matchAll(re)) {
    const v = Date.parse(m[2]!);
    if (Number.isNaN(v)) throw new GraphqlError(`Invalid date in query: ${m[2]}`, "BAD_REQUEST");
    const op = m[1];
    out.push(op === ">=" ? (t) => t >= v : op === "<=" ? (t) => t <= v : op === ">" ? (t) => t > v : (t) => t < v);
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendHtml(res: http.ServerResponse, status: number, html: string) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
