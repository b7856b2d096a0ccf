import { createHash } from "node:crypto";
import { InvalidHmacError, SafeCompareError, WEBHOOK_HEADER_NAMES, WebhookValidationErrorReason } from "@shopify/shopify-api";
import { channelFetch, withRetries } from "../http";
import {
  ChannelError,
  type ChannelAccountRef,
  type ChannelConnector,
  type ChannelCredentials,
  type NormalizedOrder,
  type NormalizedOrderStatus,
  type WebhookDelivery,
} from "../types";
import { platformNotConfigured } from "@/server/secrets";
import { SHOPIFY_SIMULATOR_APP } from "./config";
import { shopifyGraphql } from "./graphql";
import { shopifySdk } from "./sdk";
import { balanceLines, gidNumber, payoutSettlement, type ShopifyBalanceTxNode, type ShopifyPayoutNode } from "./settlements";

/**
 * Shopify (Admin GraphQL). The request checks — the OAuth callback's `hmac` and webhook validation — come
 * from the official `@shopify/shopify-api` (./sdk.ts: configured from our own settings, web-api adapter, no
 * session storage). The token endpoint and the GraphQL documents below are our own calls through
 * channelFetch (each exercised against the simulator), so that simulator accounts keep their base URL.
 */
const SHOPIFY_SCOPES = [
  "read_orders",
  // Without it Shopify shows only the last 60 days of orders (a first pull of history needs more).
  "read_all_orders",
  "write_orders",
  "read_merchant_managed_fulfillment_orders",
  "write_merchant_managed_fulfillment_orders",
  "read_inventory",
  "write_inventory",
  // Shopify Payments payouts and balance transactions (settlements).
  "read_shopify_payments_payouts",
];

/**
 * The app's credentials: from the environment; outside production the simulator's when unset. In
 * production an unconfigured app (server/secrets.ts) is refused here too, so nothing is ever signed or
 * verified with a key that is in the source.
 */
function shopifyApp(env: NodeJS.ProcessEnv = process.env) {
  const problem = platformNotConfigured("shopify", env);
  if (problem) throw new ChannelError("invalid_request", problem);
  return {
    clientId: env.SHOPIFY_API_KEY ?? SHOPIFY_SIMULATOR_APP.clientId,
    clientSecret: env.SHOPIFY_API_SECRET ?? SHOPIFY_SIMULATOR_APP.clientSecret,
  };
}

/** Page size of order pulls: as many orders as fit Shopify's 1,000-point query limit, or less when a test asks. */
const pageSize = (account: ChannelAccountRef) => Math.max(1, Math.min(ORDERS_PER_PAGE, Number(account.settings.pageSize ?? ORDERS_PER_PAGE)));

export function normalizeShopDomain(input: string): string | null {
  const s = input.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  const name = s.endsWith(".myshopify.com") ? s.slice(0, -".myshopify.com".length) : s;
  return /^[a-z0-9][a-z0-9-]{1,60}$/.test(name) ? `${name}.myshopify.com` : null;
}

/**
 * The OAuth callback, checked by `@shopify/shopify-api`'s `utils.validateHmac`: every parameter but
 * `hmac`/`signature`, sorted by key, form-encoded (percent-encoding), hex HMAC-SHA256 with the app secret,
 * compared in constant time; it refuses a `timestamp` more than 90 s from the server's clock itself.
 * Our own 90-second window is kept on top (against `nowMs`, so it is the one a caller can move).
 */
export async function verifyCallbackQuery(query: URLSearchParams, secret: string, nowMs = Date.now(), clientId = shopifyApp().clientId): Promise<"ok" | "bad_hmac" | "stale"> {
  const params: Record<string, string> = {};
  // Shopify's callback names each parameter once; a repeated one is taken as its last value.
  for (const [k, v] of query) params[k] = v;
  let valid: boolean;
  try {
    valid = await shopifySdk({ clientId, clientSecret: secret }).utils.validateHmac(params);
  } catch (e) {
    // InvalidHmacError: no hmac at all, or the library's own timestamp tolerance.
    if (e instanceof InvalidHmacError && /timestamp/i.test(e.message)) return "stale";
    if (e instanceof InvalidHmacError || e instanceof SafeCompareError) return "bad_hmac";
    throw e;
  }
  if (!valid) return "bad_hmac";
  const ts = Number(query.get("timestamp"));
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > CALLBACK_TIMESTAMP_WINDOW_S) return "stale";
  return "ok";
}

/** Shopify's permitted clock tolerance on the callback's `timestamp` (the library's, and ours). */
export const CALLBACK_TIMESTAMP_WINDOW_S = 90;

/**
 * Webhooks, checked by `@shopify/shopify-api`'s `webhooks.validate` through its web-api adapter: the
 * base64 HMAC-SHA256 of the raw body against `X-Shopify-Hmac-Sha256` (classic webhooks) or
 * `shopify-hmac-sha256` (events webhooks), and the headers Shopify always sends (topic, shop domain, API
 * version, webhook id; events also the event id). What it read is what we use.
 */
export async function validateShopifyWebhook(headers: Headers, rawBody: string, keys = shopifyApp()): Promise<WebhookDelivery> {
  // The adapter converts a web Request; only its headers are read (the URL is never used).
  const rawRequest = new Request("https://webhook.invalid/api/webhooks/shopify", { method: "POST", headers });
  const check = await shopifySdk(keys).webhooks.validate({ rawBody, rawRequest });
  if (!check.valid) {
    if (check.reason === WebhookValidationErrorReason.InvalidHmac || check.reason === WebhookValidationErrorReason.MissingHmac) {
      throw new ChannelError("signature", `webhook hmac does not match (${check.reason})`);
    }
    if (check.reason === WebhookValidationErrorReason.MissingHeaders && "missingHeaders" in check) {
      throw new ChannelError("invalid_request", `missing webhook headers: ${check.missingHeaders.join(", ")}`);
    }
    throw new ChannelError("invalid_request", `webhook refused (${check.reason})`);
  }
  const shopId = normalizeShopDomain(check.domain);
  if (!shopId) throw new ChannelError("invalid_request", `webhook shop ${check.domain} is not a myshopify.com domain`);
  // The library gives the topic in its storage form (ORDERS_CREATE); we keep Shopify's own (orders/create).
  const topic = headers.get(WEBHOOK_HEADER_NAMES[check.webhookType].topic) ?? check.topic;
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    throw new ChannelError("invalid_request", "webhook body is not JSON");
  }
  // The webhook id names one delivery (kept across Shopify's retries): the dedupe key.
  return { shopId, webhookId: check.webhookId, topic, payload, triggeredAt: check.triggeredAt ? new Date(check.triggeredAt) : null };
}

type TokenResponse = { access_token: string; expires_in?: number; refresh_token?: string; refresh_token_expires_in?: number; error?: string; error_description?: string };

async function tokenRequest(account: ChannelAccountRef, body: Record<string, string>): Promise<ChannelCredentials> {
  const res = await channelFetch(`${account.baseUrl}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: TokenResponse | null = null;
  try {
    json = JSON.parse(text) as TokenResponse;
  } catch {
    /* not JSON */
  }
  if (res.status >= 500) throw new ChannelError("upstream", `Shopify ${res.status} on token request`, { status: res.status });
  if (res.status === 429) throw new ChannelError("rate_limited", "token endpoint rate limited", { status: 429, retryAfterMs: 1000 });
  if (!res.ok || !json?.access_token) {
    const code = json?.error ?? `HTTP ${res.status}`;
    const message = `${code}: ${json?.error_description ?? text.slice(0, 200)}`;
    throw new ChannelError(code === "invalid_grant" ? "auth_expired" : "invalid_request", message, { status: res.status, platformCode: code });
  }
  const now = Date.now();
  return {
    accessToken: json.access_token,
    accessTokenExpiresAt: json.expires_in ? new Date(now + json.expires_in * 1000) : null,
    refreshToken: json.refresh_token ?? null,
    refreshTokenExpiresAt: json.refresh_token_expires_in ? new Date(now + json.refresh_token_expires_in * 1000) : null,
  };
}

/**
 * Query cost, as Shopify computes the requested cost before running a query (shopify.dev "GraphQL Admin
 * API rate limits"): scalar/enum 0, object 1, connection 2 + first × (one node with all under it),
 * nested connections multiplying; a query over 1,000 is refused outright (MAX_COST_EXCEEDED).
 *
 * One order node below: Order 1 + totalPriceSet/shopMoney 2 + customer 1 + shippingAddress 1 +
 * shippingLine 1 + lineItems (2 + LINES_PER_ORDER × 5: LineItem 1, originalUnitPriceSet/shopMoney 2,
 * variant/inventoryItem 2) = 8 + 5 × LINES_PER_ORDER = 58; a page of ORDERS_PER_PAGE: 2 + 15 × 58 = 872 — kept
 * under 900 so that a page fits the bucket right after authorization (ShopInfo + 4 subscriptions = 42).
 * Orders with more line items than fit get them by follow-up queries (ORDER_LINE_ITEMS: 1 + 2 + 100 × 5 = 503).
 */
export const LINES_PER_ORDER = 10;
const ORDER_NODE_COST = 8 + 5 * LINES_PER_ORDER;
export const ORDERS_PER_PAGE = Math.floor((900 - 2) / ORDER_NODE_COST);
const FOLLOW_UP_LINES = 100;

const LINE_ITEM_FIELDS = `id sku title quantity originalUnitPriceSet { shopMoney { amount } } variant { inventoryItem { id } }`;

const ORDERS_QUERY = /* GraphQL */ `
  query Orders($first: Int!, $after: String, $query: String, $lines: Int!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id name createdAt updatedAt cancelledAt closed
        displayFinancialStatus displayFulfillmentStatus currencyCode
        totalPriceSet { shopMoney { amount } }
        email note
        customer { displayName }
        shippingAddress { name phone address1 address2 city province countryCodeV2 zip }
        shippingLine { title }
        lineItems(first: $lines) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const ORDER_LINE_ITEMS = /* GraphQL */ `
  query OrderLineItems($id: ID!, $first: Int!, $after: String) {
    order(id: $id) {
      lineItems(first: $first, after: $after) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
  }`;

type ShopifyLineItemNode = { id: string; sku: string | null; title: string; quantity: number; originalUnitPriceSet: { shopMoney: { amount: string } }; variant: { inventoryItem: { id: string } } | null };
type LineItemPage = { nodes: ShopifyLineItemNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

type ShopifyOrderNode = {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  closed: boolean;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  currencyCode: string;
  totalPriceSet: { shopMoney: { amount: string } };
  email: string | null;
  note: string | null;
  customer: { displayName: string } | null;
  shippingAddress: { name: string | null; phone: string | null; address1: string | null; address2: string | null; city: string | null; province: string | null; countryCodeV2: string | null; zip: string | null } | null;
  shippingLine: { title: string } | null;
  lineItems: LineItemPage;
};

/** Shopify's two status dimensions folded into 001's lifecycle. */
function shopifyStatus(o: Pick<ShopifyOrderNode, "cancelledAt" | "closed" | "displayFinancialStatus" | "displayFulfillmentStatus">): NormalizedOrderStatus {
  if (o.cancelledAt) return "cancelled";
  const fin = o.displayFinancialStatus ?? "";
  if (fin === "VOIDED" || fin === "REFUNDED") return "cancelled";
  if (o.displayFulfillmentStatus === "FULFILLED") return o.closed ? "completed" : "shipped";
  if (fin === "PAID" || fin === "PARTIALLY_PAID" || fin === "PARTIALLY_REFUNDED") return "unshipped";
  return "pending";
}

function normalizeShopifyOrder(o: ShopifyOrderNode): NormalizedOrder {
  const a = o.shippingAddress;
  return {
    platformOrderId: o.id,
    platformOrderNo: o.name,
    platformStatus: [o.displayFinancialStatus, o.displayFulfillmentStatus, o.cancelledAt ? "CANCELLED" : null, o.closed ? "CLOSED" : null].filter(Boolean).join("/"),
    status: shopifyStatus(o),
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.updatedAt),
    currency: o.currencyCode,
    totalAmount: o.totalPriceSet.shopMoney.amount,
    buyerName: o.customer?.displayName ?? a?.name ?? "",
    buyerEmail: o.email,
    shipping: {
      name: a?.name ?? "",
      phone: a?.phone ?? "",
      country: a?.countryCodeV2 ?? "",
      province: a?.province ?? "",
      city: a?.city ?? "",
      district: "",
      street: [a?.address1, a?.address2].filter(Boolean).join(", "),
      postcode: a?.zip ?? "",
    },
    shippingMethod: o.shippingLine?.title ?? "",
    remark: o.note ?? "",
    lines: o.lineItems.nodes.map((l) => ({
      platformLineId: l.id,
      platformSku: l.sku ?? "",
      title: l.title,
      quantity: String(l.quantity),
      unitPrice: l.originalUnitPriceSet.shopMoney.amount,
      externalListingId: l.variant?.inventoryItem.id ?? null,
    })),
    raw: o,
  };
}

/**
 * The order's fulfillments (for idempotency: what a tracking number already shipped) and its open
 * fulfillment orders, one per assigned location, with their line items. Cost: order 1 + fulfillments
 * (1 + trackingInfo 1 + fulfillmentLineItems 2 + 50 × 2) + fulfillmentOrders (2 + 5 × (1 + location 2 +
 * lineItems 2 + 50 × 2)) = 106 + 527 + 1 = 634. Longer lists page (FULFILLMENT_ORDER_LINES, 1 + 2 + 250 × 2).
 */
const FULFILLMENT_ORDERS_QUERY = /* GraphQL */ `
  query FulfillmentOrders($id: ID!, $after: String) {
    order(id: $id) {
      id
      fulfillments(first: 50) { id trackingInfo(first: 5) { number } fulfillmentLineItems(first: 50) { nodes { quantity lineItem { id } } } }
      fulfillmentOrders(first: 5, after: $after) {
        nodes {
          id status assignedLocation { location { id } }
          lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } pageInfo { hasNextPage endCursor } }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

const FULFILLMENT_ORDER_LINES = /* GraphQL */ `
  query FulfillmentOrderLines($id: ID!, $after: String) {
    fulfillmentOrder(id: $id) {
      lineItems(first: 250, after: $after) { nodes { id remainingQuantity lineItem { id } } pageInfo { hasNextPage endCursor } }
    }
  }`;

const FULFILLMENT_CREATE = /* GraphQL */ `
  mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment { id status }
      userErrors { field message }
    }
  }`;

/** Payouts issued in a window, oldest first; then each payout's balance transactions (see settlements.ts). */
const PAYOUTS = /* GraphQL */ `
  query Payouts($first: Int!, $after: String, $query: String) {
    shopifyPaymentsAccount {
      payouts(first: $first, after: $after, query: $query) {
        nodes { id issuedAt status net { amount currencyCode } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;
const BALANCE_TRANSACTIONS = /* GraphQL */ `
  query BalanceTransactions($first: Int!, $after: String, $query: String) {
    shopifyPaymentsAccount {
      balanceTransactions(first: $first, after: $after, query: $query) {
        nodes { id type test transactionDate amount { amount currencyCode } fee { amount currencyCode } net { amount currencyCode } associatedOrder { id name } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;
const PAYOUTS_PER_PAGE = 10;
const TRANSACTIONS_PER_PAGE = 100;

const SHOP_INFO = /* GraphQL */ `
  query ShopInfo {
    shop { name myshopifyDomain }
    locations(first: 1) { nodes { id } }
  }`;

const VARIANT_BY_SKU = /* GraphQL */ `
  query VariantBySku($query: String!) {
    productVariants(first: 1, query: $query) { nodes { id sku inventoryItem { id } } }
  }`;

const INVENTORY_LEVEL = /* GraphQL */ `
  query InventoryLevel($id: ID!, $locationId: ID!) {
    inventoryItem(id: $id) { inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
  }`;

/** 2026-04+: compare-and-set per quantity (`changeFromQuantity`) and an idempotency key on the mutation. */
const INVENTORY_SET = /* GraphQL */ `
  mutation InventorySet($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { id }
      userErrors { field message code }
    }
  }`;

const WEBHOOK_CREATE = /* GraphQL */ `
  mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
      webhookSubscription { id }
      userErrors { field message }
    }
  }`;

const SHOPIFY_WEBHOOK_TOPICS = ["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "APP_UNINSTALLED"];

/**
 * Shopify's mandatory privacy (compliance) topics. They are not subscribed per shop: the app's
 * configuration names the endpoint (Partner Dashboard / shopify.app.toml `compliance_topics`), and the
 * channels service handles them (server/services/channels/privacy.ts).
 */
export const SHOPIFY_PRIVACY_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

type FoLine = { id: string; remainingQuantity: number; lineItem: { id: string } };
type FoPage = { nodes: FoLine[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
type FoData = {
  order: {
    fulfillments: { id: string; trackingInfo: { number: string | null }[]; fulfillmentLineItems: { nodes: { quantity: number | null; lineItem: { id: string } }[] } }[];
    fulfillmentOrders: {
      nodes: { id: string; status: string; assignedLocation: { location: { id: string } | null }; lineItems: FoPage }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
};

/** Every fulfillment order of the order with all its line items, paging within the cost limit. */
async function readFulfillmentOrders(account: ChannelAccountRef, credentials: ChannelCredentials, orderId: string) {
  const fulfillmentOrders: { id: string; status: string; locationId: string | null; lineItems: FoLine[] }[] = [];
  let fulfillments: NonNullable<FoData["order"]>["fulfillments"] = [];
  let after: string | null = null;
  for (;;) {
    const data: FoData = await shopifyGraphql<FoData>(account, credentials, "FulfillmentOrders", FULFILLMENT_ORDERS_QUERY, { id: orderId, after });
    if (!data.order) throw new ChannelError("invalid_request", `order ${orderId} not found on Shopify`);
    fulfillments = data.order.fulfillments;
    for (const fo of data.order.fulfillmentOrders.nodes) {
      const lines = [...fo.lineItems.nodes];
      let page = fo.lineItems.pageInfo;
      while (page.hasNextPage) {
        const more: { fulfillmentOrder: { lineItems: FoPage } | null } = await shopifyGraphql(account, credentials, "FulfillmentOrderLines", FULFILLMENT_ORDER_LINES, { id: fo.id, after: page.endCursor });
        if (!more.fulfillmentOrder) break;
        lines.push(...more.fulfillmentOrder.lineItems.nodes);
        page = more.fulfillmentOrder.lineItems.pageInfo;
      }
      fulfillmentOrders.push({ id: fo.id, status: fo.status, locationId: fo.assignedLocation.location?.id ?? null, lineItems: lines });
    }
    if (!data.order.fulfillmentOrders.pageInfo.hasNextPage) break;
    after = data.order.fulfillmentOrders.pageInfo.endCursor;
  }
  return { fulfillments, fulfillmentOrders };
}

export const shopifyConnector: ChannelConnector = {
  platform: "shopify",
  // Shopify's order search has no window limit; the service still walks long ranges in steps.
  maxWindowMs: null,

  authorizeUrl({ account, state, redirectUri }) {
    const u = new URL(`${account.baseUrl}/admin/oauth/authorize`);
    u.searchParams.set("client_id", shopifyApp().clientId);
    u.searchParams.set("scope", SHOPIFY_SCOPES.join(","));
    u.searchParams.set("redirect_uri", redirectUri);
    u.searchParams.set("state", state);
    return u.toString();
  },

  async completeAuthorization({ account, query }) {
    const app = shopifyApp();
    const check = await verifyCallbackQuery(query, app.clientSecret, Date.now(), app.clientId);
    if (check === "bad_hmac") throw new ChannelError("signature", "callback hmac does not match");
    if (check === "stale") throw new ChannelError("signature", `callback timestamp is more than ${CALLBACK_TIMESTAMP_WINDOW_S} s from now (replayed or a skewed clock)`);
    const shop = normalizeShopDomain(query.get("shop") ?? "");
    const expected = normalizeShopDomain(String(account.settings.shopDomain ?? account.externalShopId ?? ""));
    if (!shop || (expected && shop !== expected)) throw new ChannelError("invalid_request", `callback is for shop ${query.get("shop")}, expected ${expected}`);
    const code = query.get("code");
    if (!code) throw new ChannelError("invalid_request", query.get("error_description") ?? query.get("error") ?? "no authorization code");
    const credentials = await tokenRequest(account, { client_id: app.clientId, client_secret: app.clientSecret, code, expiring: "1" });
    const info = await shopifyGraphql<{ shop: { name: string } }>({ ...account }, credentials, "ShopInfo", SHOP_INFO);
    return { externalShopId: shop, shopName: info.shop.name, credentials };
  },

  async refreshCredentials({ account, credentials }) {
    if (!credentials.refreshToken) throw new ChannelError("auth_expired", "no refresh token: re-authorize the shop");
    const app = shopifyApp();
    return tokenRequest(account, { client_id: app.clientId, client_secret: app.clientSecret, grant_type: "refresh_token", refresh_token: credentials.refreshToken });
  },

  async verify({ account, credentials }) {
    const info = await shopifyGraphql<{ shop: { name: string } }>(account, credentials, "ShopInfo", SHOP_INFO);
    return { shopName: info.shop.name };
  },

  async listOrders({ account, credentials, from, to, cursor }) {
    const query = `updated_at:>='${from.toISOString()}' AND updated_at:<'${to.toISOString()}'`;
    const data = await shopifyGraphql<{ orders: { nodes: ShopifyOrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      account,
      credentials,
      "Orders",
      ORDERS_QUERY,
      { first: pageSize(account), after: cursor, query, lines: LINES_PER_ORDER },
    );
    // Orders with more line items than the page query holds: the rest by follow-up queries on that order.
    for (const o of data.orders.nodes) {
      let page = o.lineItems.pageInfo;
      while (page.hasNextPage) {
        // Waits out a throttle here: failing now would make the caller fetch the whole page again.
        const after = page.endCursor;
        const more = await withRetries(() =>
          shopifyGraphql<{ order: { lineItems: LineItemPage } | null }>(account, credentials, "OrderLineItems", ORDER_LINE_ITEMS, { id: o.id, first: FOLLOW_UP_LINES, after }),
        );
        if (!more.order) break;
        o.lineItems.nodes.push(...more.order.lineItems.nodes);
        page = more.order.lineItems.pageInfo;
      }
      o.lineItems.pageInfo = page;
    }
    return {
      orders: data.orders.nodes.map(normalizeShopifyOrder),
      nextCursor: data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null,
    };
  },

  /**
   * One fulfillmentCreate per fulfillment order (each belongs to one location), carrying only the lines
   * and quantities of this shipment. Idempotent per tracking number: what fulfillments with this number
   * already shipped is subtracted first, so a retry after a lost reply ships only what is still missing.
   */
  /**
   * Shopify Payments payouts issued in [from, to) (PAYOUTS_PER_PAGE a page, or the account's test page
   * size), each with all its balance transactions (cursor paging). A THROTTLED answer is rate_limited
   * with the leaky bucket's wait, retried by the settlement pull like every page.
   */
  async listSettlements({ account, credentials, from, to, cursor }) {
    type Conn<T> = { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const data = await shopifyGraphql<{ shopifyPaymentsAccount: { payouts: Conn<ShopifyPayoutNode> } | null }>(account, credentials, "Payouts", PAYOUTS, {
      first: Math.min(PAYOUTS_PER_PAGE, pageSize(account)),
      after: cursor,
      query: `issued_at:>='${from.toISOString()}' AND issued_at:<'${to.toISOString()}'`,
    });
    const payouts = data.shopifyPaymentsAccount?.payouts;
    if (!payouts) return { settlements: [], nextCursor: null };
    const settlements = [];
    for (const p of payouts.nodes) {
      const txs: ShopifyBalanceTxNode[] = [];
      let after: string | null = null;
      do {
        const page: { shopifyPaymentsAccount: { balanceTransactions: Conn<ShopifyBalanceTxNode> } | null } = await withRetries(() =>
          shopifyGraphql(account, credentials, "BalanceTransactions", BALANCE_TRANSACTIONS, { first: TRANSACTIONS_PER_PAGE, after, query: `payout_id:${gidNumber(p.id)}` }),
        );
        const conn = page.shopifyPaymentsAccount?.balanceTransactions;
        txs.push(...(conn?.nodes ?? []).filter((t) => !t.test));
        after = conn?.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      } while (after);
      settlements.push(payoutSettlement(p, balanceLines(txs)));
    }
    return { settlements, nextCursor: payouts.pageInfo.hasNextPage ? payouts.pageInfo.endCursor : null };
  },

  async pushShipment({ account, credentials, order, shipment }) {
    const wanted = new Map<string, number>();
    for (const l of shipment.lines) {
      const q = Number(l.quantity);
      if (!Number.isInteger(q) || q < 0) throw new ChannelError("invalid_request", `line ${l.platformLineId}: Shopify ships whole units, not ${l.quantity}`);
      if (q > 0) wanted.set(l.platformLineId, (wanted.get(l.platformLineId) ?? 0) + q);
    }
    const fos = await readFulfillmentOrders(account, credentials, order.platformOrderId);
    const existing = fos.fulfillments.filter((f) => f.trackingInfo.some((t) => t.number === shipment.trackingNumber));
    for (const f of existing) {
      for (const fl of f.fulfillmentLineItems.nodes) {
        const left = (wanted.get(fl.lineItem.id) ?? 0) - (fl.quantity ?? 0);
        if (left > 0) wanted.set(fl.lineItem.id, left);
        else wanted.delete(fl.lineItem.id);
      }
    }
    const created: string[] = existing.map((f) => f.id);
    if (wanted.size === 0) {
      if (created.length) return { remoteId: created.join(" ") };
      throw new ChannelError("invalid_request", "the shipment has no lines to fulfil");
    }
    const open = fos.fulfillmentOrders.filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS");
    const plan: { fulfillmentOrderId: string; fulfillmentOrderLineItems: { id: string; quantity: number }[] }[] = [];
    for (const fo of open) {
      const items: { id: string; quantity: number }[] = [];
      for (const li of fo.lineItems) {
        const want = wanted.get(li.lineItem.id) ?? 0;
        const take = Math.min(want, li.remainingQuantity);
        if (take <= 0) continue;
        items.push({ id: li.id, quantity: take });
        if (want - take > 0) wanted.set(li.lineItem.id, want - take);
        else wanted.delete(li.lineItem.id);
      }
      if (items.length) plan.push({ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: items });
    }
    if (wanted.size > 0) {
      const missing = [...wanted].map(([id, q]) => `${q} × ${id}`).join(", ");
      throw new ChannelError("invalid_request", `Shopify has no open fulfillment order quantity for ${missing} (already fulfilled or cancelled on Shopify)`);
    }
    for (const group of plan) {
      const res = await shopifyGraphql<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: { message: string }[] } }>(
        account,
        credentials,
        "FulfillmentCreate",
        FULFILLMENT_CREATE,
        { fulfillment: { lineItemsByFulfillmentOrder: [group], notifyCustomer: true, trackingInfo: { number: shipment.trackingNumber, company: shipment.carrier } } },
      );
      const err = res.fulfillmentCreate.userErrors[0];
      if (err || !res.fulfillmentCreate.fulfillment) throw new ChannelError("invalid_request", err?.message ?? "fulfillment not created");
      created.push(res.fulfillmentCreate.fulfillment.id);
    }
    return { remoteId: created.join(" ") };
  },

  /**
   * Set `available` at the account's location by compare-and-set: read the level, send it as
   * `changeFromQuantity`; a CHANGE_FROM_QUANTITY_STALE (someone changed it meanwhile) re-reads and tries
   * again. The idempotency key is derived from (item, location, from, to), so a retry of the same change
   * after a lost reply is not applied twice.
   */
  async pushStock({ account, credentials, listing, quantity }) {
    let inventoryItemId = listing.externalListingId;
    if (!inventoryItemId) {
      const v = await shopifyGraphql<{ productVariants: { nodes: { inventoryItem: { id: string } }[] } }>(account, credentials, "VariantBySku", VARIANT_BY_SKU, {
        query: `sku:"${listing.platformSku.replace(/"/g, "")}"`,
      });
      inventoryItemId = v.productVariants.nodes[0]?.inventoryItem.id ?? null;
      if (!inventoryItemId) throw new ChannelError("invalid_request", `no Shopify variant with SKU ${listing.platformSku}`);
    }
    let locationId = typeof account.settings.locationId === "string" ? account.settings.locationId : null;
    if (!locationId) {
      const info = await shopifyGraphql<{ locations: { nodes: { id: string }[] } }>(account, credentials, "ShopInfo", SHOP_INFO);
      locationId = info.locations.nodes[0]?.id ?? null;
      if (!locationId) throw new ChannelError("invalid_request", "the shop has no location");
    }
    for (let attempt = 1; ; attempt++) {
      const level = await shopifyGraphql<{ inventoryItem: { inventoryLevel: { quantities: { name: string; quantity: number }[] } | null } | null }>(
        account,
        credentials,
        "InventoryLevel",
        INVENTORY_LEVEL,
        { id: inventoryItemId, locationId },
      );
      if (!level.inventoryItem) throw new ChannelError("invalid_request", `inventory item ${inventoryItemId} not found on Shopify`);
      if (!level.inventoryItem.inventoryLevel) throw new ChannelError("invalid_request", `inventory item ${inventoryItemId} is not stocked at location ${locationId}`);
      const current = level.inventoryItem.inventoryLevel.quantities.find((q) => q.name === "available")?.quantity ?? 0;
      if (current === quantity) return;
      const key = createHash("sha256").update(`${inventoryItemId}|${locationId}|${current}|${quantity}`).digest("hex").slice(0, 32);
      const res = await shopifyGraphql<{ inventorySetQuantities: { userErrors: { message: string; code?: string }[] } }>(account, credentials, "InventorySet", INVENTORY_SET, {
        input: { name: "available", reason: "correction", quantities: [{ inventoryItemId, locationId, quantity, changeFromQuantity: current }] },
        key,
      });
      const err = res.inventorySetQuantities.userErrors[0];
      if (!err) return;
      if (err.code === "CHANGE_FROM_QUANTITY_STALE" && attempt < 5) continue;
      throw new ChannelError("invalid_request", err.message, { platformCode: err.code });
    }
  },

  async afterAuthorization({ account, credentials, appUrl }) {
    for (const topic of SHOPIFY_WEBHOOK_TOPICS) {
      const res = await shopifyGraphql<{ webhookSubscriptionCreate: { userErrors: { message: string }[] } }>(account, credentials, "WebhookSubscriptionCreate", WEBHOOK_CREATE, {
        topic,
        webhookSubscription: { callbackUrl: `${appUrl}/api/webhooks/shopify`, format: "JSON" },
      });
      const err = res.webhookSubscriptionCreate.userErrors[0];
      if (err) throw new ChannelError("invalid_request", `webhook ${topic}: ${err.message}`);
    }
  },

  verifyWebhookAsync({ headers, rawBody }) {
    return validateShopifyWebhook(headers, rawBody);
  },
};
