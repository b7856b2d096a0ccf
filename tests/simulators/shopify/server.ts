import { createHmac, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { execute, GraphQLError as GraphQLErrorClass, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type GraphQLError, type GraphQLResolveInfo, type OperationDefinitionNode } from "graphql";
import { adminSchema, CostError, MAX_QUERY_COST, maxCostMessage, queryCost, SUPPORTED_API_VERSIONS } from "./admin-schema";
import { SimStore, type NewOrderInput, type SimFulfillment, type SimFulfillmentOrder, type SimLineItem, type SimOrder, type SimPayout } from "./store";

/**
 * A local Shopify that enforces the rules a connector must get right (../../../../shared/marketplace-apis.md §1):
 * - OAuth: authorize page → redirect with code, hmac (hex HMAC-SHA256 of the sorted query), shop, state,
 *   timestamp; single-use codes; `access_token` exchange with client secret; expiring offline tokens
 *   (1 h access / 90 d refresh, rotating refresh tokens) on a controllable clock.
 * - Admin GraphQL at /admin/api/<version>/graphql.json with X-Shopify-Access-Token, for the supported
 *   versions only (admin-schema.ts): every document is parsed and validated against the Admin schema with
 *   the `graphql` reference implementation (unknown fields, arguments and removed inputs are refused as
 *   Shopify refuses them), priced as shopify.dev documents (2 + first × node, nested; mutations 10) and
 *   refused over 1,000 points with MAX_COST_EXCEEDED, then executed by graphql-js, so the answer holds what
 *   was asked. A leaky bucket per shop (default Shopify's real 1,000 points restoring 100/s) takes the
 *   requested cost and refunds the difference to the actual cost; THROTTLED with `throttleStatus`.
 * - Several locations; one fulfillment order per location per order; partial fulfilment by line and
 *   quantity; inventorySetQuantities with changeFromQuantity (compare-and-set) and @idempotent(key:).
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
  /** Test hook: runs just before an admitted operation executes (e.g. the merchant changes stock meanwhile). */
  beforeExecute: ((store: SimStore, operation: string, variables: Record<string, unknown>) => void) | null = null;
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
      for (const fo of o.fulfillmentOrders) fo.status = "CANCELLED";
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
          // The newer event headers Shopify sends alongside.
          "shopify-topic": wh.topic,
          "shopify-shop-domain": wh.shop,
          "shopify-webhook-id": wh.webhookId,
          "shopify-event-id": wh.eventId,
          "shopify-triggered-at": wh.triggeredAt,
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
    const api = /^\/admin\/api\/([0-9a-z-]+)\/graphql\.json$/.exec(rest);
    if (api && req.method === "POST") return this.graphql(s, api[1]!, req, body, res);
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
      // Standard base64, which can end in `=` padding: the signature covers values form-encoded.
      host: Buffer.from(`admin.shopify.com/store/${s.shop}`).toString("base64"),
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

  /**
   * Shopify's callback signature: the parameters but hmac/signature, sorted by key, form-encoded
   * (application/x-www-form-urlencoded, as a URL query carries them: `=` in a value is `%3D`), hex
   * HMAC-SHA256 with the app secret. Written here from shopify.dev's "Verify a request" steps.
   */
  queryHmac(params: Record<string, string>) {
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const message = Object.keys(params)
      .filter((k) => k !== "hmac" && k !== "signature")
      .sort()
      .map((k) => `${enc(k)}=${enc(params[k]!)}`)
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
      scope: "read_orders,read_all_orders,write_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_inventory,write_inventory,read_shopify_payments_payouts",
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

  private async graphql(s: SimStore, version: string, req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    let body: { query?: string; operationName?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { errors: "Invalid JSON in request body" });
    }
    const token = String(req.headers["x-shopify-access-token"] ?? "");
    const t = s.tokenByAccess(token);
    if (!t || t.revoked || t.accessExpiresAt <= this.now() || !s.installed) {
      this.requestLog.push({ shop: s.shop, operation: body.operationName ?? "", outcome: "401" });
      return sendJson(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    if (!SUPPORTED_API_VERSIONS.includes(version)) {
      this.requestLog.push({ shop: s.shop, operation: body.operationName ?? "", outcome: "bad_version" });
      return sendJson(res, 404, { errors: `API version ${version} is not supported (supported: ${SUPPORTED_API_VERSIONS.join(", ")})` });
    }
    // Parse and validate the document against the schema, the way Shopify's GraphQL front end does.
    let doc: DocumentNode;
    try {
      doc = parse(body.query ?? "");
    } catch (e) {
      return sendJson(res, 200, { errors: [{ message: (e as GraphQLError).message, locations: (e as GraphQLError).locations, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] });
    }
    const invalid = validate(adminSchema, doc);
    if (invalid.length) {
      this.requestLog.push({ shop: s.shop, operation: body.operationName ?? "", outcome: "invalid" });
      return sendJson(res, 200, { errors: invalid.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) });
    }
    const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const opNode = body.operationName ? ops.find((o) => o.name?.value === body.operationName) : ops.length === 1 ? ops[0] : undefined;
    if (!opNode) return sendJson(res, 200, { errors: [{ message: `Unknown operation named "${body.operationName ?? ""}".`, extensions: { code: "BAD_REQUEST" } }] });
    const op = opNode.name?.value ?? "";
    const vars = body.variables ?? {};
    const fragments = doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    let cost: number;
    try {
      cost = queryCost(opNode, fragments, vars);
    } catch (e) {
      if (e instanceof CostError) return sendJson(res, 200, { errors: [{ message: e.message, extensions: { code: e.code } }] });
      throw e;
    }
    if (cost > MAX_QUERY_COST) {
      this.requestLog.push({ shop: s.shop, operation: op, outcome: "max_cost" });
      return sendJson(res, 200, {
        errors: [{ message: maxCostMessage(cost), extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: MAX_QUERY_COST } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: this.throttleExt(this.throttleStatus(s.shop)) } },
      });
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
    const bucket = this.throttleStatus(s.shop);
    if (fault === "throttle" || bucket.available < cost) {
      if (fault !== "throttle") this.requestLog.push({ shop: s.shop, operation: op, outcome: "throttled" });
      return sendJson(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: this.throttleExt(bucket) } },
      });
    }
    // The requested cost is taken up front; after the run the difference to the actual cost is refunded.
    bucket.available -= cost;
    this.requestLog.push({ shop: s.shop, operation: op, outcome: "ok" });
    this.beforeExecute?.(s, op, vars);
    const result = await execute({ schema: adminSchema, document: doc, operationName: op || undefined, variableValues: vars, rootValue: this.root(s), contextValue: { store: s } });
    const actual = result.data && opNode.operation === "query" ? queryCost(opNode, fragments, vars, result.data) : cost;
    bucket.available = Math.min(this.bucketSize, bucket.available + Math.max(0, cost - actual));
    const errors = result.errors?.map((e) => ({ message: e.message, locations: e.locations, path: e.path, extensions: e.extensions }));
    sendJson(res, 200, {
      ...(errors?.length ? { errors } : {}),
      data: result.data ?? null,
      extensions: { cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: this.throttleExt(bucket) } },
    });
  }

  private throttleExt(b: { available: number }) {
    return { maximumAvailable: this.bucketSize, currentlyAvailable: Math.floor(b.available), restoreRate: this.restoreRate };
  }

  // ---------------------------------------------------------------- resolvers (graphql-js default resolvers call functions with args)

  private root(s: SimStore) {
    const locationObj = (id: number) => {
      const l = s.locations.find((x) => x.id === id);
      return l ? { id: gid("Location", l.id), name: l.name, isActive: true } : null;
    };
    const lineItemObj = (o: SimOrder, l: SimLineItem) => ({
      id: gid("LineItem", l.id),
      sku: l.sku,
      title: l.title,
      name: l.title,
      quantity: l.quantity,
      currentQuantity: l.quantity,
      originalUnitPriceSet: moneyBag(l.price, o.currency),
      variant: variantObj(l.sku),
    });
    const inventoryItemObj = (itemId: number, sku: string) => ({
      id: gid("InventoryItem", itemId),
      sku,
      tracked: true,
      inventoryLevel: ({ locationId }: { locationId: string }) => {
        const q = s.level(itemId, gidNum(locationId));
        if (q === undefined) return null;
        return {
          id: `gid://shopify/InventoryLevel/${itemId}?inventory_item_id=${itemId}`,
          location: locationObj(gidNum(locationId)),
          quantities: ({ names }: { names: string[] }) => names.filter((n) => n === "available" || n === "on_hand").map((name) => ({ name, quantity: q })),
        };
      },
    });
    const variantObj = (sku: string) => {
      const v = s.variants.get(sku);
      return v ? { id: gid("ProductVariant", v.variantId), sku, title: sku, inventoryItem: inventoryItemObj(v.inventoryItemId, sku) } : null;
    };
    const fulfillmentObj = (o: SimOrder, f: SimFulfillment) => ({
      id: gid("Fulfillment", f.id),
      status: "SUCCESS",
      createdAt: f.createdAt.toISOString(),
      trackingInfo: () => [{ number: f.trackingNumber, company: f.company, url: null }],
      fulfillmentLineItems: (args: ConnArgs) =>
        connection(
          f.lines.map((x) => ({ id: gid("FulfillmentLineItem", x.lineItemId), quantity: x.quantity, lineItem: lineItemObj(o, o.lineItems.find((l) => l.id === x.lineItemId)!) })),
          args,
        ),
    });
    const fulfillmentOrderObj = (o: SimOrder, fo: SimFulfillmentOrder) => ({
      id: gid("FulfillmentOrder", fo.id),
      status: fo.status,
      assignedLocation: { name: s.locations.find((l) => l.id === fo.locationId)?.name ?? "", location: locationObj(fo.locationId) },
      lineItems: (args: ConnArgs) =>
        connection(
          fo.lineItems.map((x) => ({
            id: gid("FulfillmentOrderLineItem", x.id),
            totalQuantity: x.totalQuantity,
            remainingQuantity: fo.status === "CANCELLED" ? 0 : x.remainingQuantity,
            lineItem: lineItemObj(o, o.lineItems.find((l) => l.id === x.lineItemId)!),
          })),
          args,
        ),
    });
    const orderObj = (o: SimOrder) => ({
      ...orderNode(o),
      shippingLine: { id: null, title: o.shippingLine, code: null },
      shippingLines: (args: ConnArgs) => connection([{ id: null, title: o.shippingLine, code: null }], args),
      lineItems: (args: ConnArgs) => connection(o.lineItems.map((l) => lineItemObj(o, l)), args),
      fulfillments: ({ first }: { first?: number }) => o.fulfillments.slice(0, first ?? 250).map((f) => fulfillmentObj(o, f)),
      fulfillmentOrders: (args: ConnArgs) => connection(o.fulfillmentOrders.map((fo) => fulfillmentOrderObj(o, fo)), args),
    });
    return {
      shop: { id: gid("Shop", 1), name: s.name, myshopifyDomain: s.domain, email: null, currencyCode: "USD" },
      locations: (args: ConnArgs) => connection(s.locations.map((l) => locationObj(l.id)), args),
      orders: (args: ConnArgs & { query?: string }) => this.ordersQuery(s, args, orderObj),
      order: ({ id }: { id: string }) => {
        const o = s.orders.get(gidNum(id));
        return o && id.startsWith("gid://shopify/Order/") ? orderObj(o) : null;
      },
      fulfillmentOrder: ({ id }: { id: string }) => {
        for (const o of s.orders.values()) {
          const fo = o.fulfillmentOrders.find((f) => f.id === gidNum(id));
          if (fo) return fulfillmentOrderObj(o, fo);
        }
        return null;
      },
      productVariants: (args: ConnArgs & { query?: string }) => {
        const sku = /sku:"?([^"]+)"?/.exec(String(args.query ?? ""))?.[1];
        const list = [...s.variants.keys()].filter((k) => sku === undefined || k === sku).map(variantObj);
        return connection(list, args);
      },
      inventoryItem: ({ id }: { id: string }) => {
        const itemId = gidNum(id);
        const entry = [...s.variants.entries()].find(([, v]) => v.inventoryItemId === itemId);
        return entry ? inventoryItemObj(itemId, entry[0]) : null;
      },
      shopifyPaymentsAccount: () => this.paymentsAccount(s),
      fulfillmentCreate: (args: { fulfillment: FulfillmentInput }) => this.fulfillmentCreate(s, args.fulfillment, fulfillmentObj),
      inventorySetQuantities: (args: { input: InventoryInput }, _ctx: unknown, info: GraphQLResolveInfo) => {
        const key = idempotencyKey(info);
        if (!key) {
          return {
            inventoryAdjustmentGroup: null,
            userErrors: [{ code: "IDEMPOTENCY_KEY_REQUIRED", field: null, message: "The @idempotent directive with a key is required for this mutation." }],
          };
        }
        const seen = s.idempotencyKeys.get(`inventorySetQuantities:${key}`);
        if (seen) return seen;
        const result = this.inventorySet(s, args.input);
        s.idempotencyKeys.set(`inventorySetQuantities:${key}`, result);
        return result;
      },
      webhookSubscriptionCreate: ({ topic, webhookSubscription }: { topic: string; webhookSubscription: { callbackUrl?: string } }) => {
        const callbackUrl = String(webhookSubscription.callbackUrl ?? "");
        if (!/^https?:\/\//.test(callbackUrl)) return { webhookSubscription: null, userErrors: [{ field: ["callbackUrl"], message: "Address is invalid" }] };
        const existing = s.webhookSubscriptions.find((w) => w.topic === topic && w.callbackUrl === callbackUrl);
        const sub = existing ?? { id: s.nextId(), topic, callbackUrl };
        if (!existing) s.webhookSubscriptions.push(sub);
        return { webhookSubscription: { id: gid("WebhookSubscription", sub.id), topic }, userErrors: [] };
      },
    };
  }

  /**
   * shopifyPaymentsAccount: payouts (query `issued_at:>=… issued_at:<…`, oldest first) and balance
   * transactions (query `payout_id:<id>`), Relay connections with the usual first/after paging.
   */
  private paymentsAccount(s: SimStore) {
    const money = (amount: string, currencyCode: string) => ({ amount, currencyCode });
    return {
      id: gid("ShopifyPaymentsAccount", 1),
      payouts: (args: ConnArgs & { query?: string }) => {
        const q = String(args.query ?? "");
        const conds: ((t: number) => boolean)[] = [];
        for (const m of q.matchAll(/issued_at:(>=|<=|>|<)'?([0-9T:.\-+Z]+)'?/g)) {
          const v = Date.parse(m[2]!);
          if (Number.isNaN(v)) throw new GraphqlError(`Invalid date in query: ${m[2]}`, "BAD_REQUEST");
          conds.push(m[1] === ">=" ? (t) => t >= v : m[1] === "<=" ? (t) => t <= v : m[1] === ">" ? (t) => t > v : (t) => t < v);
        }
        const list = s.payouts
          .filter((p) => conds.every((c) => c(p.issuedAt.getTime())))
          .sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime() || a.id - b.id)
          .map((p) => ({ id: gid("ShopifyPaymentsPayout", p.id), issuedAt: p.issuedAt.toISOString(), status: p.status, net: money(p.net, p.currency), transactionType: "DEPOSIT" }));
        return connection(list, args);
      },
      balanceTransactions: (args: ConnArgs & { query?: string }) => {
        const payout = /payout_id:(\d+)/.exec(String(args.query ?? ""))?.[1];
        const list = s.balanceTransactions
          .filter((t) => payout === undefined || t.payoutId === Number(payout))
          .map((t) => {
            const p = s.payouts.find((x) => x.id === t.payoutId);
            const o = t.orderId ? s.orders.get(t.orderId) : undefined;
            return {
              id: gid("ShopifyPaymentsBalanceTransaction", t.id),
              type: t.type,
              test: false,
              transactionDate: t.at.toISOString(),
              amount: money(t.amount, t.currency),
              fee: money(t.fee, t.currency),
              net: money(t.net, t.currency),
              associatedOrder: o ? { id: gid("Order", o.id), name: o.name } : null,
              associatedPayout: { id: p ? gid("ShopifyPaymentsPayout", p.id) : null, status: p ? p.status : "PENDING" },
            };
          });
        return connection(list, args);
      },
    };
  }

  /**
   * The shop is paid out for these orders: a CHARGE per order (its total, Shopify Payments' fee
   * `feePct` % + `feeFixed`, rounded half-up to the cent), a REFUND per `refunds` entry (fee 0), in one
   * payout whose net is the sum of their nets. Cents throughout, so no float sums.
   */
  payout(shop: string, args: { orderIds: number[]; refunds?: { orderId: number; amount: string }[]; status?: SimPayout["status"]; issuedAt?: Date; feePct?: number; feeFixed?: string }): SimPayout {
    const s = this.store(shop);
    const cents = (v: string) => Math.round(Number(v) * 100);
    const text = (c: number) => (c < 0 ? "-" : "") + `${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, "0")}`;
    const pct = Math.round((args.feePct ?? 2.9) * 100);
    const fixed = cents(args.feeFixed ?? "0.30");
    const at = args.issuedAt ?? this.now();
    const payout: SimPayout = { id: s.nextId(), issuedAt: at, status: args.status ?? "PAID", currency: "USD", net: "0" };
    let net = 0;
    for (const id of args.orderIds) {
      const o = s.orders.get(id);
      if (!o) throw new Error(`no order ${id}`);
      const amount = cents(o.total);
      const fee = Math.round((amount * pct) / 10000) + fixed;
      payout.currency = o.currency;
      s.balanceTransactions.push({ id: s.nextId(), type: "CHARGE", orderId: id, payoutId: payout.id, currency: o.currency, amount: text(amount), fee: text(fee), net: text(amount - fee), at });
      net += amount - fee;
    }
    for (const r of args.refunds ?? []) {
      const amount = -cents(r.amount);
      s.balanceTransactions.push({ id: s.nextId(), type: "REFUND", orderId: r.orderId, payoutId: payout.id, currency: payout.currency, amount: text(amount), fee: "0.00", net: text(amount), at });
      net += amount;
    }
    payout.net = text(net);
    s.payouts.push(payout);
    return payout;
  }

  private ordersQuery(s: SimStore, args: ConnArgs & { query?: string }, orderObj: (o: SimOrder) => unknown) {
    const first = args.first ?? 0;
    const conds = parseUpdatedAtQuery(String(args.query ?? ""));
    const after = args.after ? decodeSimCursor(String(args.after)) : null;
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
    const objs = nodes.map(orderObj);
    return {
      nodes: objs,
      edges: objs.map((node, i) => ({ cursor: encodeSimCursor(nodes[i]!), node })),
      pageInfo: { hasNextPage: hasNext, hasPreviousPage: !!after, startCursor: nodes[0] ? encodeSimCursor(nodes[0]) : null, endCursor: last ? encodeSimCursor(last) : null },
    };
  }

  /**
   * fulfillmentCreate: the fulfillment orders named must all be open and assigned to one location;
   * each named line item at most its remaining quantity; no line items = everything remaining on that
   * fulfillment order. Fulfillment orders and the order move to IN_PROGRESS/PARTIALLY_FULFILLED or
   * CLOSED/FULFILLED by what is left.
   */
  private fulfillmentCreate(s: SimStore, input: FulfillmentInput, fulfillmentObj: (o: SimOrder, f: SimFulfillment) => unknown) {
    const fail = (message: string, field = ["fulfillment"]) => ({ fulfillment: null, userErrors: [{ field, message }] });
    const groups = input.lineItemsByFulfillmentOrder ?? [];
    if (groups.length === 0) return fail("Line items by fulfillment order must not be empty.", ["fulfillment", "lineItemsByFulfillmentOrder"]);
    const found = groups.map((g) => {
      const foId = gidNum(g.fulfillmentOrderId);
      for (const o of s.orders.values()) {
        const fo = o.fulfillmentOrders.find((f) => f.id === foId);
        if (fo) return { order: o, fo, g };
      }
      return null;
    });
    if (found.some((x) => !x)) return fail("Fulfillment order does not exist.");
    const list = found as { order: SimOrder; fo: SimFulfillmentOrder; g: FulfillmentInput["lineItemsByFulfillmentOrder"][number] }[];
    const order = list[0]!.order;
    if (list.some((x) => x.order !== order)) return fail("All fulfillment orders must belong to the same order.");
    if (new Set(list.map((x) => x.fo.locationId)).size > 1) return fail("All fulfillment orders must be assigned to the same location.");
    const take: { foLine: SimFulfillmentOrder["lineItems"][number]; quantity: number }[] = [];
    for (const { fo, g } of list) {
      if (fo.status !== "OPEN" && fo.status !== "IN_PROGRESS") return fail("Invalid fulfillment order line item quantity requested.");
      const wanted = g.fulfillmentOrderLineItems;
      if (!wanted || wanted.length === 0) {
        for (const l of fo.lineItems) if (l.remainingQuantity > 0) take.push({ foLine: l, quantity: l.remainingQuantity });
        continue;
      }
      for (const w of wanted) {
        const l = fo.lineItems.find((x) => x.id === gidNum(w.id));
        if (!l) return fail("Fulfillment order line item does not exist.");
        if (!Number.isInteger(w.quantity) || w.quantity <= 0 || w.quantity > l.remainingQuantity) return fail("Invalid fulfillment order line item quantity requested.");
        take.push({ foLine: l, quantity: w.quantity });
      }
    }
    if (take.length === 0) return fail("Invalid fulfillment order line item quantity requested.");
    const f: SimFulfillment = {
      id: s.nextId(),
      trackingNumber: input.trackingInfo?.number ?? input.trackingInfo?.numbers?.[0] ?? "",
      company: input.trackingInfo?.company ?? "",
      createdAt: this.now(),
      lines: take.map((t) => ({ lineItemId: t.foLine.lineItemId, quantity: t.quantity })),
    };
    for (const t of take) t.foLine.remainingQuantity -= t.quantity;
    for (const { fo } of list) fo.status = fo.lineItems.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
    order.fulfillments.push(f);
    const open = order.fulfillmentOrders.filter((fo) => fo.status !== "CANCELLED");
    order.fulfillmentStatus = open.every((fo) => fo.status === "CLOSED") ? "FULFILLED" : "PARTIALLY_FULFILLED";
    s.touch(order, this.now());
    this.emit(s, "orders/updated", orderPayload(order));
    return { fulfillment: fulfillmentObj(order, f), userErrors: [] };
  }

  /** inventorySetQuantities (2026-04+): `changeFromQuantity` on every quantity — compare-and-set, null opts out. */
  private inventorySet(s: SimStore, input: InventoryInput) {
    const fail = (errors: { code: string; field: string[]; message: string }[]) => ({ inventoryAdjustmentGroup: null, userErrors: errors });
    if (input.name !== "available" && input.name !== "on_hand") return fail([{ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" }]);
    const errors = [];
    for (const [i, q] of input.quantities.entries()) {
      const field = ["input", "quantities", String(i)];
      const item = gidNum(q.inventoryItemId);
      const current = s.level(item, gidNum(q.locationId));
      if (![...s.variants.values()].some((v) => v.inventoryItemId === item)) errors.push({ field, message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
      else if (!s.locations.some((l) => l.id === gidNum(q.locationId))) errors.push({ field, message: "The specified location could not be found.", code: "INVALID_LOCATION" });
      else if (current === undefined) errors.push({ field, message: "The item is not stocked at the location.", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
      else if (!("changeFromQuantity" in q)) errors.push({ field: [...field, "changeFromQuantity"], message: "changeFromQuantity is required; pass null to skip the check.", code: "CHANGE_FROM_QUANTITY_REQUIRED" });
      else if (q.changeFromQuantity !== null && q.changeFromQuantity !== current) {
        errors.push({ field: [...field, "changeFromQuantity"], message: "The specified compare quantity does not match the current quantity.", code: "CHANGE_FROM_QUANTITY_STALE" });
      } else if (q.quantity < 0 && input.name === "on_hand") errors.push({ field, message: "The quantity can't be negative.", code: "INVALID_QUANTITY_NEGATIVE" });
    }
    if (errors.length) return fail(errors);
    for (const q of input.quantities) {
      s.levels.set(`${gidNum(q.inventoryItemId)}:${gidNum(q.locationId)}`, q.quantity);
      s.inventorySets.push({ inventoryItemId: gidNum(q.inventoryItemId), locationId: gidNum(q.locationId), quantity: q.quantity, at: this.now() });
    }
    return { inventoryAdjustmentGroup: { id: gid("InventoryAdjustmentGroup", s.nextId()), reason: input.reason, createdAt: this.now().toISOString() }, userErrors: [] };
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
    if (method === "POST" && sub === "payouts") {
      const p = this.payout(shop, body as unknown as Parameters<ShopifySimulator["payout"]>[1]);
      return sendJson(res, 200, { id: p.id, net: p.net, currency: p.currency });
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
      inventory: Object.fromEntries([...s.variants.entries()].map(([sku, v]) => [sku, s.level(v.inventoryItemId) ?? 0])),
      inventorySets: s.inventorySets.length,
      webhookSubscriptions: s.webhookSubscriptions.map((w) => ({ topic: w.topic, callbackUrl: w.callbackUrl })),
      activeTokens: s.tokens.filter((t) => !t.revoked).length,
    };
  }
}

/** An error raised while resolving: graphql-js places it in `errors` with its path; `code` as Shopify's extensions.code. */
class GraphqlError extends GraphQLErrorClass {
  constructor(message: string, code: string) {
    super(message, { extensions: { code } });
  }
}

// -------------------------------------------------------------------- helpers

type ConnArgs = { first?: number; last?: number; after?: string; before?: string };
type FulfillmentInput = {
  lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[];
  notifyCustomer?: boolean;
  trackingInfo?: { number?: string; numbers?: string[]; company?: string; url?: string } | null;
};
type InventoryInput = { name: string; reason: string; quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[] };

/** A Relay connection over an in-memory list; cursors are positions (the cost check already bounded first/last). */
function connection<T>(all: T[], args: ConnArgs) {
  const pos = (c: string | undefined) => (c ? Number(Buffer.from(c, "base64").toString("utf8").replace(/^pos:/, "")) : NaN);
  let start = Number.isFinite(pos(args.after)) ? pos(args.after) + 1 : 0;
  let end = Number.isFinite(pos(args.before)) ? pos(args.before) : all.length;
  if (args.first !== undefined) end = Math.min(end, start + args.first);
  else if (args.last !== undefined) start = Math.max(start, end - args.last);
  const slice = all.slice(start, end);
  const cursor = (i: number) => Buffer.from(`pos:${i}`).toString("base64");
  return {
    nodes: slice,
    edges: slice.map((node, i) => ({ cursor: cursor(start + i), node })),
    pageInfo: { hasNextPage: end < all.length, hasPreviousPage: start > 0, startCursor: slice.length ? cursor(start) : null, endCursor: slice.length ? cursor(end - 1) : null },
  };
}

/** The key of an `@idempotent(key: …)` directive on the mutation field, or null. */
function idempotencyKey(info: GraphQLResolveInfo): string | null {
  const d = info.fieldNodes[0]?.directives?.find((x) => x.name.value === "idempotent");
  const arg = d?.arguments?.find((a) => a.name.value === "key")?.value;
  if (!arg) return null;
  if (arg.kind === Kind.STRING) return arg.value || null;
  if (arg.kind === Kind.VARIABLE) {
    const v = info.variableValues[arg.name.value];
    return typeof v === "string" && v ? v : null;
  }
  return null;
}

const moneyBag = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode }, presentmentMoney: { amount, currencyCode } });

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
