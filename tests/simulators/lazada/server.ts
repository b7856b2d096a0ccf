import { createHmac, randomBytes } from "node:crypto";
import type http from "node:http";
import { applyFault, escapeHtml, FaultQueue, listen, readBody, seededRandom, sendHtml, sendJson, SimClock, type FaultRule } from "../amazon/kit";

/**
 * A local Lazada Open Platform: the consent page (`/oauth/authorize` → redirect with a single-use
 * `code`, 30 minutes), token create / refresh on the auth host (`/auth/rest/auth/token/*`: a cross-border
 * seller's one authorization lists every venture in `country_user_info`; a refresh retires the old
 * refresh token), and one API host per venture (`/<venture>/rest/...`) with the IOP signature checked on
 * every call (`IncompleteSignature`), the timestamp window (±7200 s), access tokens (`IllegalAccessToken`,
 * and only for the ventures they cover), /seller/get, /orders/get (update_after / update_before,
 * updated_at sort, offset + limit ≤ 100, E019 past it), /orders/items/get (≤ 50 ids, E038), the
 * fulfilment flow (/order/shipment/providers/get, /order/fulfill/pack assigning package id and tracking
 * number, /order/package/rts, /order/package/document/get returning the AWB PDF), stock updates
 * (/product/stock/sellable/update, XML payload, ≤ 50 SKUs, E204), a per-app calls-per-second limit
 * (`ApiCallLimit`), injected faults, and signed pushes to a callback URL
 * (`Authorization = hex HMAC-SHA256(app_secret, app_key + body)`) that it can deliver more than once.
 * The signature is implemented here on its own (not imported from the connector), so a mistake on one
 * side does not hide on the other.
 */

export const SIM_LAZADA_APP = { appKey: "100801", appSecret: "6d616e69666f6c642d73696d2d6c617a6164612d736563726574" } as const;
export const SIM_LAZADA_VENTURES = ["sg", "my", "th", "vn", "ph", "id"] as const;
type Venture = (typeof SIM_LAZADA_VENTURES)[number];
const CURRENCY: Record<Venture, string> = { sg: "SGD", my: "MYR", th: "THB", vn: "VND", ph: "PHP", id: "IDR" };

export type SimLazadaSeller = { sellerId: string; venture: Venture; name: string; shortCode: string };
export type SimLazadaItem = {
  order_item_id: number;
  order_id: number;
  sku: string;
  shop_sku: string;
  sku_id: number;
  name: string;
  variation: string;
  item_price: string;
  paid_price: string;
  currency: string;
  status: string;
  package_id: string;
  tracking_code: string;
  shipment_provider: string;
  shipping_type: string;
};
export type SimLazadaOrder = {
  sellerId: string;
  venture: Venture;
  order_id: number;
  order_number: number;
  created_at: number;
  updated_at: number;
  shipping_fee: string;
  customer_first_name: string;
  address_shipping: Record<string, string>;
  remarks: string;
  items: SimLazadaItem[];
};
export type RecordedPack = { orderId: number; itemIds: number[]; packageId: string; trackingNumber: string; at: number };
export type RecordedStock = { sellerId: string; sellerSku: string; skuId: string | null; quantity: number; at: number };

const iso = (ms: number) => {
  // Lazada's own format: "2026-03-01 10:20:30 +0800" (venture time; +08:00 for all but VN/TH/ID, which the simulator ignores).
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} +0800`;
};

function simSign(secret: string, apiPath: string, params: Record<string, string>): string {
  const base = apiPath + Object.keys(params).filter((k) => k !== "sign" && params[k] !== "").sort().map((k) => k + params[k]).join("");
  return createHmac("sha256", secret).update(base, "utf8").digest("hex").toUpperCase();
}

export type LazadaSimulatorOptions = { port?: number; seed?: number; app?: { appKey: string; appSecret: string }; callsPerSecond?: number | false };

export async function startLazadaSimulator(options: LazadaSimulatorOptions = {}) {
  const app = options.app ?? SIM_LAZADA_APP;
  const clock = new SimClock();
  const faults = new FaultQueue();
  const random = seededRandom(options.seed ?? 20261206);
  let callsPerSecond = options.callsPerSecond === false ? Infinity : (options.callsPerSecond ?? 20);
  const account = "seller@manifold-demo.example";
  /** Sellers by authorization: one cross-border seller's shops in its ventures (the consent page approves `current`). */
  const groups = new Map<string, SimLazadaSeller[]>();
  let current = "demo";
  groups.set("demo", [
    { sellerId: "1000100001", venture: "my", name: "Manifold Demo MY", shortCode: "MY1A2B3C" },
    { sellerId: "1000100002", venture: "ph", name: "Manifold Demo PH", shortCode: "PH1A2B3C" },
    { sellerId: "1000100003", venture: "th", name: "Manifold Demo TH", shortCode: "TH1A2B3C" },
  ]);
  /** A new seller (fresh seller ids) in these ventures; the consent page approves it from now on. */
  function addSeller(ventures: Venture[], name = "Seller"): SimLazadaSeller[] {
    const id = `g${groups.size + 1}`;
    // Not from the seeded random: a seller stays claimed by a merchant of an earlier run in a reused database.
    const base = 2_000_000_000 + (randomBytes(4).readUInt32BE() % 99_999_999) * 10;
    const list = ventures.map((venture, i) => ({ sellerId: String(base + i), venture, name: `${name} ${venture.toUpperCase()}`, shortCode: `${venture.toUpperCase()}${hex(3).toUpperCase()}` }));
    groups.set(id, list);
    current = id;
    return list;
  }
  const sellersOf = (group: string) => groups.get(group) ?? [];
  const orders = new Map<number, SimLazadaOrder>();
  const codes = new Map<string, { expiresAt: number; used: boolean; group: string }>();
  const accessTokens = new Map<string, { expiresAt: number; group: string }>();
  const refreshTokens = new Map<string, { expiresAt: number; used: boolean; group: string }>();
  const packs: RecordedPack[] = [];
  const handovers: { packageId: string; at: number }[] = [];
  const stock: RecordedStock[] = [];
  const duplicates = { pack: 0, rts: 0 };
  const stats: Record<string, { requests: number; errors: Record<string, number> }> = {};
  let window = { second: 0, n: 0 };
  let nextOrderId = 300_000_000_000_000 + random.int(1, 999_999);
  let nextItemId = 400_000_000_000_000 + random.int(1, 999_999);
  const hex = (n: number) => randomBytes(n).toString("hex");
  const requestId = () => hex(12);
  const ok = (data: unknown) => ({ code: "0", data, request_id: requestId() });
  const result = (data: unknown) => ({ code: "0", result: { success: true, data, error_code: null, error_msg: null }, request_id: requestId() });
  const fail = (type: "ISV" | "ISP" | "SYSTEM", code: string, message: string) => ({ type, code, message, request_id: requestId() });

  function seedOrders(args: { count: number; skus: string[]; venture?: Venture; sellerId?: string; statuses?: string[]; createdAt?: number; unitsPerLine?: number }) {
    const all = [...groups.values()].flat();
    const seller = args.sellerId ? all.find((s) => s.sellerId === args.sellerId)! : sellersOf(current).find((s) => s.venture === (args.venture ?? "ph"))!;
    if (!seller) throw new Error(`no seller for ${args.sellerId ?? args.venture}`);
    const venture = seller.venture;
    const created: SimLazadaOrder[] = [];
    for (let n = 0; n < args.count; n++) {
      const at = (args.createdAt ?? clock.now() - random.int(1, 6 * 86_400) * 1000) + n;
      const orderId = ++nextOrderId;
      const status = args.statuses ? args.statuses[n % args.statuses.length]! : "pending";
      const sku = args.skus[n % args.skus.length]!;
      const units = args.unitsPerLine ?? 1 + (n % 2);
      const items: SimLazadaItem[] = [];
      for (let u = 0; u < units; u++) {
        items.push({
          order_item_id: ++nextItemId,
          order_id: orderId,
          sku,
          shop_sku: `${sku}-${venture.toUpperCase()}`,
          sku_id: 2_000_000 + args.skus.indexOf(sku),
          name: `Demo ${sku}`,
          variation: "",
          // Lazada prints amounts with thousands separators ("1,100.50").
          item_price: `${(100 + (n % 5) * 1000).toLocaleString("en-US")}.50`,
          paid_price: `${100 + (n % 5) * 1000}.50`,
          currency: CURRENCY[venture],
          status,
          package_id: "",
          tracking_code: "",
          shipment_provider: "",
          shipping_type: "Dropshipping",
        });
      }
      const o: SimLazadaOrder = {
        sellerId: seller.sellerId,
        venture,
        order_id: orderId,
        order_number: orderId,
        created_at: at,
        updated_at: at,
        shipping_fee: "45.00",
        customer_first_name: `Buyer ${n + 1}`,
        address_shipping: {
          first_name: `Juan ${n + 1}`,
          last_name: "Dela Cruz",
          phone: `+63 917 000 ${String(1000 + n).slice(-4)}`,
          address1: `${10 + n} Rizal Street`,
          address3: "Metro Manila",
          address4: "Quezon City",
          address5: "Diliman",
          post_code: "1101",
          country: venture === "ph" ? "Philippines" : venture.toUpperCase(),
        },
        remarks: "",
        items,
      };
      orders.set(orderId, o);
      created.push(o);
    }
    return created;
  }

  function touch(o: SimLazadaOrder) {
    o.updated_at = Math.max(clock.now(), o.updated_at + 1);
  }

  function setStatus(orderId: number, status: string) {
    const o = orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    for (const i of o.items) i.status = status;
    touch(o);
    return o;
  }

  function issueTokens(group: string) {
    const access = `50000${hex(20)}`;
    const refresh = `50001${hex(20)}`;
    accessTokens.set(access, { expiresAt: clock.now() + 7 * 86_400_000, group });
    refreshTokens.set(refresh, { expiresAt: clock.now() + 30 * 86_400_000, used: false, group });
    return {
      code: "0",
      access_token: access,
      refresh_token: refresh,
      expires_in: 7 * 86_400,
      refresh_expires_in: 30 * 86_400,
      country: "cb",
      account,
      account_platform: "seller_center",
      country_user_info: sellersOf(group).map((s) => ({ country: s.venture, seller_id: s.sellerId, user_id: `${s.sellerId}9`, short_code: s.shortCode })),
      request_id: requestId(),
    };
  }

  function approve(redirect: string, state: string | null, group = current): string {
    const code = `0_${app.appKey}_${hex(12)}`;
    codes.set(code, { expiresAt: clock.now() + 30 * 60_000, used: false, group });
    const u = new URL(redirect);
    u.searchParams.set("code", code);
    if (state) u.searchParams.set("state", state);
    return u.toString();
  }

  const stat = (op: string) => (stats[op] ??= { requests: 0, errors: {} });

  async function pushTo(url: string, body: unknown, times = 1) {
    const raw = JSON.stringify(body);
    const authorization = createHmac("sha256", app.appSecret).update(app.appKey + raw).digest("hex");
    const statuses: number[] = [];
    for (let i = 0; i < times; i++) {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization }, body: raw });
      statuses.push(r.status);
    }
    return { raw, authorization, statuses };
  }

  function itemsForApi(o: SimLazadaOrder) {
    return o.items.map((i) => ({ ...i, created_at: iso(o.created_at), updated_at: iso(o.updated_at) }));
  }

  function orderForApi(o: SimLazadaOrder) {
    return {
      order_id: String(o.order_id),
      order_number: String(o.order_number),
      created_at: iso(o.created_at),
      updated_at: iso(o.updated_at),
      price: o.items.reduce((s, i) => s + Number(i.paid_price), 0).toFixed(2),
      shipping_fee: o.shipping_fee,
      payment_method: "COD",
      remarks: o.remarks,
      customer_first_name: o.customer_first_name,
      customer_last_name: "",
      statuses: [...new Set(o.items.map((i) => i.status))],
      items_count: o.items.length,
      address_shipping: o.address_shipping,
    };
  }

  function parseTime(s: string | null): number | null {
    if (!s) return null;
    const t = Date.parse(s);
    return Number.isNaN(t) ? NaN : t;
  }

  async function api(venture: Venture, path: string, params: Record<string, string>, res: http.ServerResponse) {
    const token = params.access_token ?? "";
    const t = accessTokens.get(token);
    if (!t || t.expiresAt <= clock.now()) return sendJson(res, 200, fail("ISV", "IllegalAccessToken", "The specified access token is invalid or expired"));
    const seller = sellersOf(t.group).find((s) => s.venture === venture);
    if (!seller) return sendJson(res, 200, fail("ISV", "IllegalAccessToken", "The specified access token is invalid or expired"));
    const mine = (id: number) => {
      const o = orders.get(id);
      return o && o.sellerId === seller.sellerId ? o : null;
    };
    switch (path) {
      case "/seller/get":
        return sendJson(res, 200, ok({ seller_id: Number(seller.sellerId), name: seller.name, short_code: seller.shortCode, cb: true, status: "ACTIVE", verified: true, location: venture }));
      case "/orders/get": {
        const after = parseTime(params.update_after ?? null) ?? parseTime(params.created_after ?? null);
        if (after === null) return sendJson(res, 200, fail("ISV", "MissingParameter", "update_after or created_after is required"));
        const before = parseTime(params.update_before ?? null) ?? parseTime(params.created_before ?? null);
        if (Number.isNaN(after) || Number.isNaN(before ?? 0)) return sendJson(res, 200, fail("ISV", "17", 'E017: "update_after" Invalid Date Format'));
        const limit = Number(params.limit ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) return sendJson(res, 200, fail("ISV", "19", `E019: "${params.limit}" Invalid Limit`));
        const offset = Number(params.offset ?? 0);
        if (!Number.isInteger(offset) || offset < 0) return sendJson(res, 200, fail("ISV", "14", `E014: "${params.offset}" Invalid Offset`));
        const byUpdate = params.update_after !== undefined;
        const key = (o: SimLazadaOrder) => (byUpdate ? o.updated_at : o.created_at);
        // Lazada's times have whole seconds: bounds are compared at second precision, both inclusive.
        const sec = (ms: number) => Math.floor(ms / 1000);
        const list = [...orders.values()]
          .filter((o) => o.sellerId === seller.sellerId && sec(key(o)) >= sec(after) && (before === null || sec(key(o)) <= sec(before!)))
          .sort((a, b) => key(a) - key(b) || a.order_id - b.order_id);
        if (params.sort_direction === "DESC") list.reverse();
        const page = list.slice(offset, offset + limit);
        return sendJson(res, 200, ok({ count: page.length, countTotal: list.length, orders: page.map(orderForApi) }));
      }
      case "/orders/items/get": {
        let ids: number[];
        try {
          ids = (JSON.parse(params.order_ids ?? "") as unknown[]).map(Number);
          if (!Array.isArray(ids) || ids.some((x) => !Number.isFinite(x))) throw new Error();
        } catch {
          return sendJson(res, 200, fail("ISV", "56", "E056: Invalid OrdersIdList format. Must use array format [1,2]"));
        }
        if (ids.length > 50) return sendJson(res, 200, fail("ISV", "38", "E038: Too many orders were requested"));
        const found = ids.map(mine).filter((o): o is SimLazadaOrder => Boolean(o));
        if (found.length === 0) return sendJson(res, 200, fail("ISV", "39", "E039: No orders were found"));
        return sendJson(res, 200, ok(found.map((o) => ({ order_id: o.order_id, order_number: o.order_number, order_items: itemsForApi(o) }))));
      }
      case "/order/shipment/providers/get":
        return sendJson(res, 200, result({ platform_default: 0, shipping_allocate_type: "NTFS", shipment_providers: [{ name: "LEX PH", provider_code: "LEXPH" }] }));
      case "/order/fulfill/pack": {
        let req: { pack_order_list?: { order_id: number; order_item_list: number[] }[]; delivery_type?: string; shipping_allocate_type?: string; shipment_provider_code?: string };
        try {
          req = JSON.parse(params.packReq ?? "");
        } catch {
          return sendJson(res, 200, fail("ISV", "700004", "param illegal"));
        }
        const list = req.pack_order_list ?? [];
        if (list.length === 0) return sendJson(res, 200, fail("ISV", "700017", "param can't be null"));
        if (list.length > 20) return sendJson(res, 200, fail("ISV", "700022", "batch size out of limit"));
        if (req.delivery_type !== "dropship" || !req.shipping_allocate_type) return sendJson(res, 200, fail("ISV", "700004", "param illegal"));
        if (req.shipping_allocate_type === "NTFS" && req.shipment_provider_code !== "LEXPH") return sendJson(res, 200, fail("ISV", "700001", "shipment provider code not exits"));
        const out = list.map((p) => {
          const o = mine(p.order_id);
          if (!o) return { order_id: p.order_id, order_item_list: p.order_item_list.map((id) => ({ order_item_id: id, item_err_code: "700021", msg: "order not found", retry: false })) };
          const packageId = `FP${hex(6).toUpperCase()}`;
          const tracking = `PH${hex(5).toUpperCase()}LZ`;
          const packed: number[] = [];
          const rows = p.order_item_list.map((id) => {
            const i = o.items.find((x) => x.order_item_id === Number(id));
            if (!i) return { order_item_id: id, item_err_code: "700025", msg: "order item not found", retry: false };
            if (i.status !== "pending" && i.status !== "repacked") {
              duplicates.pack++;
              return { order_item_id: id, item_err_code: "700026", msg: "item current status not allow to pack", retry: false };
            }
            i.status = "packed";
            i.package_id = packageId;
            i.tracking_code = tracking;
            i.shipment_provider = "LEX PH";
            packed.push(i.order_item_id);
            return { order_item_id: id, item_err_code: "0", msg: "success", tracking_number: tracking, shipment_provider: "LEX PH", package_id: packageId, retry: false };
          });
          if (packed.length) {
            touch(o);
            packs.push({ orderId: o.order_id, itemIds: packed, packageId, trackingNumber: tracking, at: clock.now() });
          }
          return { order_id: o.order_id, order_item_list: rows };
        });
        return sendJson(res, 200, result({ pack_order_list: out }));
      }
      case "/order/package/rts": {
        let req: { packages?: { package_id: string }[] };
        try {
          req = JSON.parse(params.readyToShipReq ?? "");
        } catch {
          return sendJson(res, 200, fail("ISV", "700004", "param illegal"));
        }
        const pk = req.packages ?? [];
        if (pk.length === 0 || pk.length > 20) return sendJson(res, 200, fail("ISV", "700022", "batch size out of limit"));
        const out = pk.map(({ package_id }) => {
          const items = [...orders.values()].filter((o) => o.sellerId === seller.sellerId).flatMap((o) => o.items.filter((i) => i.package_id === package_id).map((i) => ({ o, i })));
          if (items.length === 0) return { package_id, item_err_code: "700021", msg: "package not found" };
          if (items.some(({ i }) => i.status !== "packed")) {
            duplicates.rts++;
            return { package_id, item_err_code: "700000", msg: "current package status not allow to operation" };
          }
          for (const { o, i } of items) {
            i.status = "ready_to_ship";
            touch(o);
          }
          handovers.push({ packageId: package_id, at: clock.now() });
          return { package_id, item_err_code: "0", msg: "success" };
        });
        return sendJson(res, 200, result({ packages: out }));
      }
      case "/order/package/document/get": {
        let req: { doc_type?: string; packages?: { package_id: string }[] };
        try {
          req = JSON.parse(params.getDocumentReq ?? "");
        } catch {
          return sendJson(res, 200, fail("ISV", "700004", "param illegal"));
        }
        const ids = (req.packages ?? []).map((p) => p.package_id);
        const known = [...orders.values()].some((o) => o.sellerId === seller.sellerId && o.items.some((i) => ids.includes(i.package_id)));
        if (!known) return sendJson(res, 200, { code: "0", result: { success: false, error_code: "700021", error_msg: "package not found" }, request_id: requestId() });
        const pdf = `%PDF-1.4\n% Lazada simulator AWB\n1 0 obj<</Type/Catalog>>endobj\n% packages ${ids.join(",")}\n%%EOF\n`;
        return sendJson(res, 200, result({ doc_type: req.doc_type ?? "PDF", file: Buffer.from(pdf).toString("base64") }));
      }
      case "/product/stock/sellable/update": {
        const payload = params.payload ?? "";
        if (!payload) return sendJson(res, 200, fail("ISV", "30", "E030: Empty Request"));
        const skus = [...payload.matchAll(/<Sku>([\s\S]*?)<\/Sku>/g)].map((m) => m[1]!);
        if (skus.length === 0 || !/^<Request><Product><Skus>/.test(payload)) return sendJson(res, 200, fail("ISV", "5", "E005: Invalid Request Format"));
        if (skus.length > 50) return sendJson(res, 200, fail("ISV", "204", "E204: Too many SKU in one request"));
        const tag = (s: string, t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(s)?.[1] ?? null;
        for (const s of skus) {
          const sellerSku = String(tag(s, "SellerSku") ?? "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
          const qty = Number(tag(s, "SellableQuantity"));
          if (!sellerSku || !Number.isInteger(qty) || qty < 0) return sendJson(res, 200, fail("ISV", "5", "E005: Invalid Request Format"));
          stock.push({ sellerId: seller.sellerId, sellerSku, skuId: tag(s, "SkuId"), quantity: qty, at: clock.now() });
        }
        return sendJson(res, 200, ok({}));
      }
      default:
        return sendJson(res, 200, fail("ISV", "InvalidApiPath", `The specified API path is invalid: ${path}`));
    }
  }

  const server = await listen(async (req, res, url) => {
    const m = req.method ?? "GET";
    const path = url.pathname;
    // ---------- control (tests) ----------
    if (path === "/_sim/faults" && m === "POST") {
      faults.add(JSON.parse(await readBody(req)).faults as FaultRule[]);
      return sendJson(res, 200, { pending: faults.pending() });
    }
    if (path === "/_sim/stats") return sendJson(res, 200, { stats, packs, handovers, duplicates, stock });
    if (path === "/_sim/orders" && m === "POST") {
      const b = JSON.parse(await readBody(req)) as Parameters<typeof seedOrders>[0];
      const made = seedOrders({ ...b, sellerId: b.sellerId ?? groups.get("demo")!.find((x) => x.venture === (b.venture ?? "ph"))?.sellerId });
      return sendJson(res, 200, { orders: made.map((o) => ({ orderId: o.order_id, items: o.items.length })) });
    }
    const one = /^\/_sim\/orders\/(\d+)$/.exec(path);
    if (one && m === "GET") {
      const o = orders.get(Number(one[1]));
      return o ? sendJson(res, 200, o) : sendJson(res, 404, { error: "no such order" });
    }
    // ---------- consent page ----------
    if (path === "/oauth/authorize") {
      const q = url.searchParams;
      if (m === "GET") {
        if (q.get("client_id") !== app.appKey) return sendHtml(res, 400, "<h1>invalid client_id</h1>");
        if (!q.get("redirect_uri")) return sendHtml(res, 400, "<h1>redirect_uri is required</h1>");
        return sendHtml(
          res,
          200,
          `<!doctype html><html><head><title>Lazada Seller Center — authorize</title></head><body><h1>Authorize Manifold</h1>
<p>Account ${escapeHtml(account)} · ventures ${sellersOf(current).map((s) => s.venture.toUpperCase()).join(", ")}</p>
<form method="post" action="/oauth/authorize"><input type="hidden" name="redirect_uri" value="${escapeHtml(q.get("redirect_uri")!)}"><input type="hidden" name="state" value="${escapeHtml(q.get("state") ?? "")}">
<p><button type="submit" id="confirm">Authorize</button></p></form></body></html>`,
        );
      }
      const form = new URLSearchParams(await readBody(req));
      res.writeHead(302, { location: approve(form.get("redirect_uri") ?? "", form.get("state")) });
      res.end();
      return;
    }
    // ---------- signed API calls ----------
    const auth = /^\/auth\/rest(\/auth\/token\/(create|refresh))$/.exec(path);
    const venture = /^\/(sg|my|th|vn|ph|id)\/rest(\/.+)$/.exec(path);
    if (!auth && !venture) return sendJson(res, 404, fail("ISV", "InvalidApiPath", "The specified API path is invalid"));
    const apiPath = auth ? auth[1]! : venture![2]!;
    const op = apiPath;
    stat(op).requests++;
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (m === "POST") Object.assign(params, Object.fromEntries(new URLSearchParams(await readBody(req))));
    const reply = (status: number, body: { code?: string }) => {
      if (body.code && body.code !== "0") stat(op).errors[body.code] = (stat(op).errors[body.code] ?? 0) + 1;
      sendJson(res, status, body);
    };
    if (await applyFault(faults.take(op), res, (status) => sendJson(res, status, status === 429 ? fail("ISV", "ApiCallLimit", "The request has failed due to api call limit") : fail("ISP", "ServiceUnavailable", "The service is temporarily unavailable")))) return;
    const second = Math.floor(clock.now() / 1000);
    if (window.second !== second) window = { second, n: 0 };
    if (++window.n > callsPerSecond) return reply(200, fail("ISV", "ApiCallLimit", "The request has failed due to api call limit"));
    if (params.app_key !== app.appKey) return reply(200, fail("ISV", "InvalidAppKey", "The specified app key is invalid"));
    if (!params.sign || params.sign_method !== "sha256") return reply(200, fail("ISV", "MissingParameter", 'the input parameter "sign" that is mandatory for processing this request is not supplied'));
    if (params.sign !== simSign(app.appSecret, apiPath, params)) return reply(200, fail("ISV", "IncompleteSignature", "The request signature does not conform to lazop standards"));
    const ts = Number(params.timestamp);
    if (!Number.isFinite(ts) || Math.abs(ts - clock.now()) > 7_200_000) return reply(200, fail("ISV", "InvalidTimestamp", "The specified timestamp is out of range"));
    if (auth) {
      if (auth[2] === "create") {
        const c = codes.get(params.code ?? "");
        if (!c || c.used || c.expiresAt <= clock.now()) return reply(200, fail("ISV", "InvalidCode", "The specified code is invalid or expired"));
        c.used = true;
        return reply(200, issueTokens(c.group));
      }
      const r = refreshTokens.get(params.refresh_token ?? "");
      if (!r || r.used || r.expiresAt <= clock.now()) return reply(200, fail("ISV", "IllegalRefreshToken", "The specified refresh token is invalid or expired"));
      r.used = true;
      return reply(200, issueTokens(r.group));
    }
    await api(venture![1] as Venture, apiPath, params, res);
  }, options.port ?? 0);

  return {
    baseUrl: server.baseUrl,
    app,
    clock,
    faults,
    get sellers() {
      return sellersOf(current);
    },
    addSeller,
    orders,
    packs,
    handovers,
    stock,
    duplicates,
    stats,
    seedOrders,
    setStatus,
    /** A consent without the browser: the URL the consent page would redirect to. */
    approve,
    /** Sign and post a push to `url` `times` times (Lazada retries a push with the same body). */
    pushTo,
    /** The seller withdrew the app in Seller Center: every token of its authorization stops working. */
    revoke: (sellerId: string) => {
      const group = [...groups.entries()].find(([, list]) => list.some((x) => x.sellerId === sellerId))?.[0];
      for (const [k, t] of accessTokens) if (t.group === group) accessTokens.delete(k);
      for (const [k, t] of refreshTokens) if (t.group === group) refreshTokens.delete(k);
    },
    expireAccessTokens: () => {
      for (const t of accessTokens.values()) t.expiresAt = clock.now();
    },
    setCallsPerSecond: (n: number | false) => {
      callsPerSecond = n === false ? Infinity : n;
    },
    close: server.close,
  };
}

export type LazadaSimulator = Awaited<ReturnType<typeof startLazadaSimulator>>;
