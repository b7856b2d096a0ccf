import { randomBytes } from "node:crypto";
import type http from "node:http";
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
} from "./kit";

/**
 * A local Amazon Selling Partner API: LWA website authorization + token endpoint, Orders v0
 * (getOrders / getOrder / getOrderItems / getOrderAddress / confirmShipment), Listings Items 2021-08-01
 * patch for stock, Sellers v1 marketplace participations, and Finances v0 listFinancialEventGroups /
 * listFinancialEventsByGroupId (groups opened and closed by settleOrders / closeGroup, NextToken paging,
 * 0.5/30 usage plans). It enforces what the real one does:
 * 1-hour access tokens behind a controllable clock, 5-minute single-use authorization codes, the
 * getOrders parameter rules (exactly one of CreatedAfter / LastUpdatedAfter, MaxResultsPerPage 1–100,
 * "Before" dates at least two minutes old), NextToken paging, per-seller token buckets per operation with
 * `x-amzn-RateLimit-Limit` and 429 QuotaExceeded, plus injected faults. Shipments and stock updates are
 * recorded for tests to assert on.
 *
 * Regions as Amazon has them: each of NA / EU / FE has its own Login with Amazon token host, Seller Central
 * consent host(s) and SP-API host (SIM_REGIONS, this simulator's own copy from the documentation). They are
 * served under `<baseUrl>/<host>/…` (e.g. `/sellingpartnerapi-eu.amazon.com/orders/2026-01-01/orders`):
 * each host answers only its own role, a seller exists only in the region of its marketplace, and codes and
 * tokens are valid only in the region that issued them — a call to another region's host fails. The bare
 * base URL is North America's three hosts at once (what simulator accounts used before regions).
 * Consent and the code exchange accept only the app's registered OAuth redirect URIs. A plain LWA token
 * gets no personal data from Orders v0 (getOrders / getOrder / getOrderAddress / getOrderBuyerInfo):
 * that needs a Restricted Data Token from the Tokens API (createRestrictedDataToken) naming the resource.
 */

/** A usage plan: `rate` requests per second restored into a bucket of `burst`. */
export type UsagePlan = { rate: number; burst: number };

/**
 * Amazon's default usage plans, read from the "Usage Plan" tables of the operation descriptions in
 * selling-partner-api-models (ordersV0.json, orders_2026-01-01.json, listingsItems_2021-08-01.json,
 * sellers.json) — the simulator's own copy, not the connector's.
 */
export const SIM_USAGE_PLANS: Record<string, UsagePlan> = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  getOrderAddress: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder20260101: { rate: 0.5, burst: 30 },
  getOrderBuyerInfo: { rate: 0.5, burst: 30 },
  // tokens_2021-03-01.json
  createRestrictedDataToken: { rate: 1, burst: 10 },
  // financesV0.json
  listFinancialEventGroups: { rate: 0.5, burst: 30 },
  listFinancialEventsByGroupId: { rate: 0.5, burst: 30 },
};

/** One ShipmentEvent / refund event's item: charges and fees (signed as credited), Finances v0 names. */
export type SimFinanceItem = { SellerSKU: string; OrderItemId: string; quantity: number; charges: [string, number][]; fees: [string, number][] };
export type SimFinanceEvent = { kind: "shipment" | "refund"; AmazonOrderId: string; PostedDate: string; items: SimFinanceItem[] };
/**
 * A financial event group (a settlement period, paid out as one transfer): Open while it collects events,
 * then Closed; its fund transfer Initiated → Succeeded (or Failed). OriginalTotal is the sum of its events.
 */
export type SimFinancialGroup = {
  sellerId: string;
  FinancialEventGroupId: string;
  ProcessingStatus: "Open" | "Closed";
  FundTransferStatus: "Initiated" | "Processing" | "Succeeded" | "Failed" | "Unknown";
  currency: string;
  start: number;
  end: number | null;
  fundTransferDate: number | null;
  events: SimFinanceEvent[];
};

export type SimRegion = "NA" | "EU" | "FE";

/**
 * SP-API's selling regions ("SP-API Endpoints"), the Login with Amazon token host of each ("Generate LWA
 * tokens": api.amazon.com NA, api.amazon.co.uk EU, api.amazon.co.jp FE) and the Seller Central hosts
 * where its sellers give consent ("Website authorization workflow"), with the marketplaces of each region.
 */
export const SIM_REGIONS: Record<SimRegion, { spApi: string; lwa: string; sellerCentral: string[]; marketplaces: string[] }> = {
  NA: {
    spApi: "sellingpartnerapi-na.amazon.com",
    lwa: "api.amazon.com",
    sellerCentral: ["sellercentral.amazon.com", "sellercentral.amazon.ca", "sellercentral.amazon.com.mx", "sellercentral.amazon.com.br"],
    // US, CA, MX, BR
    marketplaces: ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"],
  },
  EU: {
    spApi: "sellingpartnerapi-eu.amazon.com",
    lwa: "api.amazon.co.uk",
    sellerCentral: ["sellercentral-europe.amazon.com", "sellercentral.amazon.com.tr", "sellercentral.amazon.ae", "sellercentral.amazon.sa", "sellercentral.amazon.eg", "sellercentral.amazon.in"],
    // IE, ES, UK, FR, BE, NL, DE, IT, SE, ZA, PL, SA, EG, TR, AE, IN
    marketplaces: ["A28R8C7NBKEWEA", "A1RKKUPIHCS9HS", "A1F83G8C2ARO7P", "A13V1IB3VIYZZH", "AMEN7PMS3EDWL", "A1805IZSGTT6HS", "A1PA6795UKMFR9", "APJ6JRA9NG5V4", "A2NODRKZP88ZB9", "AE08WJ6YKNBMC", "A1C3SOZRARQ6R3", "A17E79C6D8DWNP", "ARBP9OOSHTCHU", "A33AVAJ2PDY3EV", "A2VIGQ35RCS4UG", "A21TJRUUN4KGV"],
  },
  FE: {
    spApi: "sellingpartnerapi-fe.amazon.com",
    lwa: "api.amazon.co.jp",
    sellerCentral: ["sellercentral.amazon.co.jp", "sellercentral.amazon.com.au", "sellercentral.amazon.sg"],
    // SG, AU, JP
    marketplaces: ["A19VAU5U5O7RUS", "A39IBJ37TRP1C6", "A1VC38T7YXB528"],
  },
};

type SimHost = { region: SimRegion; role: "lwa" | "sellerCentral" | "spApi" | "any" };
const SIM_HOSTS = new Map<string, SimHost>();
for (const [region, r] of Object.entries(SIM_REGIONS) as [SimRegion, (typeof SIM_REGIONS)[SimRegion]][]) {
  SIM_HOSTS.set(r.spApi, { region, role: "spApi" });
  SIM_HOSTS.set(r.lwa, { region, role: "lwa" });
  for (const h of r.sellerCentral) SIM_HOSTS.set(h, { region, role: "sellerCentral" });
}
/** The bare base URL: North America, all three roles (before regions, simulator accounts used only it). */
const LEGACY_HOST: SimHost = { region: "NA", role: "any" };

/** The region a marketplace belongs to (unknown marketplaces: North America). */
export function simRegionOfMarketplace(marketplaceId: string): SimRegion {
  for (const [region, r] of Object.entries(SIM_REGIONS) as [SimRegion, (typeof SIM_REGIONS)[SimRegion]][]) if (r.marketplaces.includes(marketplaceId)) return region;
  return "NA";
}

/** The OAuth redirect URIs the simulator's development app has registered (besides loopback callbacks). */
export const SIM_REDIRECT_URIS = ["https://oms.test/api/oauth/amazon/callback"];

/** Restricted resources of Orders v0 (Tokens API use case guide) and the data elements each may ask for. */
const RESTRICTED_V0: { op: string; pattern: RegExp; needsElements: boolean }[] = [
  { op: "getOrders", pattern: /^\/orders\/v0\/orders$/, needsElements: true },
  { op: "getOrder", pattern: /^\/orders\/v0\/orders\/[^/]+$/, needsElements: true },
  { op: "getOrderItems", pattern: /^\/orders\/v0\/orders\/[^/]+\/orderItems$/, needsElements: true },
  { op: "getOrderAddress", pattern: /^\/orders\/v0\/orders\/[^/]+\/address$/, needsElements: false },
  { op: "getOrderBuyerInfo", pattern: /^\/orders\/v0\/orders\/[^/]+\/buyerInfo$/, needsElements: false },
];
const DATA_ELEMENTS = ["buyerInfo", "shippingAddress", "buyerTaxInformation"];
const RDT_TTL_MS = 3600_000;

/** The development app the simulator knows (the dev/test configuration uses the same values). */
export const SIM_AMAZON_APP = {
  applicationId: "amzn1.sp.solution.manifold-sim",
  clientId: "amzn1.application-oa2-client.manifold-sim",
  clientSecret: "manifold-sim-lwa-secret",
} as const;

/** Roles a developer profile can be granted; restricted ones gate personal data. */
export const DIRECT_TO_CONSUMER_SHIPPING = "Direct-to-Consumer Shipping";

export const AMAZON_STATUSES = [
  "PendingAvailability",
  "Pending",
  "Unshipped",
  "PartiallyShipped",
  "Shipped",
  "Canceled",
  "Unfulfillable",
  "InvoiceUnconfirmed",
] as const;

export type SimAmazonItem = {
  OrderItemId: string;
  ASIN: string;
  SellerSKU: string;
  Title: string;
  QuantityOrdered: number;
  QuantityShipped: number;
  ItemPrice: { CurrencyCode: string; Amount: string };
};

export type SimAmazonOrder = {
  sellerId: string;
  AmazonOrderId: string;
  PurchaseDate: string;
  LastUpdateDate: string;
  OrderStatus: string;
  FulfillmentChannel: "MFN";
  SalesChannel: string;
  ShipServiceLevel: string;
  ShipmentServiceLevelCategory: string;
  OrderTotal: { CurrencyCode: string; Amount: string };
  NumberOfItemsShipped: number;
  NumberOfItemsUnshipped: number;
  PaymentMethod: string;
  MarketplaceId: string;
  BuyerInfo: { BuyerEmail: string; BuyerName: string };
  address: {
    Name: string;
    AddressLine1: string;
    AddressLine2?: string;
    City: string;
    StateOrRegion: string;
    PostalCode: string;
    CountryCode: string;
    Phone: string;
  };
  items: SimAmazonItem[];
};

export type SimSeller = { sellerId: string; storeName: string; marketplaceId: string; currency: string; countryCode: string };

export type RecordedShipment = {
  sellerId: string;
  amazonOrderId: string;
  marketplaceId: string;
  packageReferenceId: string;
  carrierCode: string;
  carrierName?: string;
  trackingNumber: string;
  shipDate: string;
  orderItems: { orderItemId: string; quantity: number }[];
  at: string;
};

export type RecordedStock = { sellerId: string; sku: string; marketplaceIds: string[]; quantity: number; submissionId: string; at: string };

type Token = { sellerId: string; region: SimRegion; expiresAt: number };
/** A Restricted Data Token: the resources it names (`{orderId}`-style segments match any value). */
type Rdt = Token & { resources: { method: string; path: string; dataElements: string[] }[] };

export type AmazonSimulatorOptions = {
  port?: number;
  applicationId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Rate plans per operation, overriding Amazon's defaults (tests use fast ones). */
  rateLimits?: Partial<Record<string, UsagePlan>>;
  /**
   * Roles of the app's developer profile. `Direct-to-Consumer Shipping` (restricted) is what releases the
   * recipient's address and the buyer's details in Orders 2026-01-01 (includedData=RECIPIENT / BUYER).
   */
  roles?: string[];
  /**
   * The app's registered OAuth Redirect URIs (exact). Default SIM_REDIRECT_URIS; `loopbackRedirects`
   * (default true) also registers `http://127.0.0.1:<port>/api/oauth/amazon/callback` and the `localhost`
   * one on any port — what a development app registers for its local server.
   */
  redirectUris?: string[];
  loopbackRedirects?: boolean;
  /** Order items per getOrderItems page (Amazon pages long orders with NextToken too). */
  itemsPageSize?: number;
  seed?: number;
};

const DEFAULT_SELLER: SimSeller = {
  sellerId: "A2SIMSELLER0001",
  storeName: "Manifold Demo Amazon Store",
  marketplaceId: "ATVPDKIKX0DER",
  currency: "USD",
  countryCode: "US",
};

const ACCESS_TTL_MS = 3600_000;
const CODE_TTL_MS = 5 * 60_000;
const BEFORE_LAG_MS = 2 * 60_000;

const unauthorized = (details: string) => ({ errors: [{ code: "Unauthorized", message: "Access to requested resource is denied.", details }] });
const invalidInput = (message: string) => ({ errors: [{ code: "InvalidInput", message, details: "" }] });
const notFound = (message: string) => ({ errors: [{ code: "NotFound", message, details: "" }] });

export async function startAmazonSimulator(options: AmazonSimulatorOptions = {}) {
  const app = {
    applicationId: options.applicationId ?? SIM_AMAZON_APP.applicationId,
    clientId: options.clientId ?? SIM_AMAZON_APP.clientId,
    clientSecret: options.clientSecret ?? SIM_AMAZON_APP.clientSecret,
    roles: options.roles ?? ["Selling Partner Insights", "Inventory and Order Tracking", "Product Listing", DIRECT_TO_CONSUMER_SHIPPING],
    redirectUris: options.redirectUris ?? SIM_REDIRECT_URIS,
    loopbackRedirects: options.loopbackRedirects ?? true,
  };
  const registeredRedirect = (uri: string) =>
    app.redirectUris.includes(uri) || (app.loopbackRedirects && /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/api\/oauth\/amazon\/callback$/.test(uri));
  const clock = new SimClock();
  const faults = new FaultQueue();
  const random = seededRandom(options.seed ?? 20260101);
  let itemsPageSize = options.itemsPageSize ?? 100;

  const sellers = new Map<string, SimSeller>([[DEFAULT_SELLER.sellerId, { ...DEFAULT_SELLER }]]);
  const orders = new Map<string, SimAmazonOrder>();
  const codes = new Map<string, { sellerId: string; region: SimRegion; expiresAt: number; used: boolean; redirectUri: string }>();
  const accessTokens = new Map<string, Token>();
  const rdts = new Map<string, Rdt>();
  const refreshTokens = new Map<string, { sellerId: string; region: SimRegion; revoked: boolean }>();
  const nextTokens = new Map<string, { sellerId: string; ids: string[]; offset: number; pageSize: number }>();
  const plans: Record<string, UsagePlan> = { ...SIM_USAGE_PLANS, ...(options.rateLimits as Record<string, UsagePlan>) };
  /** Listing attributes per seller + SKU (what a patch changes): fulfillment_availability per channel. */
  const listings = new Map<string, { fulfillment_availability: Record<string, unknown>[] }>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const shipments: RecordedShipment[] = [];
  const stock: RecordedStock[] = [];
  const stats: Record<string, { requests: number; throttled: number; faults: number; served: number }> = {};

  /** Every authenticated SP-API call as the bucket saw it (simulator clock), the last 10,000. */
  const calls: { sellerId: string; op: string; at: number; throttled: boolean }[] = [];
  const financialGroups = new Map<string, SimFinancialGroup>();
  const financeTokens = new Map<string, { sellerId: string; kind: "groups" | "events"; ids: string[]; offset: number; pageSize: number; groupId?: string }>();
  const stat = (op: string) => (stats[op] ??= { requests: 0, throttled: 0, faults: 0, served: 0 });
  const iso = (ms: number) => new Date(ms).toISOString();
  const token = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

  /** Take a token from the seller's bucket for the operation, as Amazon's usage plans do. */
  function throttle(sellerId: string, op: string): boolean {
    const plan = plans[op];
    if (!plan) return true;
    const key = `${sellerId}:${op}`;
    const now = clock.now();
    const b = buckets.get(key) ?? { tokens: plan.burst, at: now };
    b.tokens = Math.min(plan.burst, b.tokens + ((now - b.at) / 1000) * plan.rate);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  // ---------- order data ----------

  function recount(o: SimAmazonOrder) {
    o.NumberOfItemsShipped = o.items.reduce((n, i) => n + i.QuantityShipped, 0);
    o.NumberOfItemsUnshipped = o.items.reduce((n, i) => n + i.QuantityOrdered - i.QuantityShipped, 0);
  }

  function seedOrders(args: {
    sellerId?: string;
    count: number;
    skus?: string[];
    statuses?: string[];
    createdFrom?: string | number;
    createdTo?: string | number;
    itemsPerOrder?: number;
  }): string[] {
    const seller = sellers.get(args.sellerId ?? DEFAULT_SELLER.sellerId);
    if (!seller) throw new Error(`unknown seller ${args.sellerId}`);
    const skus = args.skus?.length ? args.skus : ["AMZ-TSHIRT-RED-M", "AMZ-TSHIRT-BLUE-L", "AMZ-MUG-WHITE", "AMZ-CAP-BLACK"];
    const statuses = args.statuses?.length ? args.statuses : ["Unshipped", "Unshipped", "Unshipped", "Pending", "Shipped", "Canceled"];
    const now = clock.now();
    const to = args.createdTo !== undefined ? new Date(args.createdTo).getTime() : now - 10 * 60_000;
    const from = args.createdFrom !== undefined ? new Date(args.createdFrom).getTime() : to - 7 * 86400_000;
    const ids: string[] = [];
    for (let n = 0; n < args.count; n++) {
      const id = `${random.int(100, 999)}-${String(random.int(0, 9_999_999)).padStart(7, "0")}-${String(random.int(0, 9_999_999)).padStart(7, "0")}`;
      if (orders.has(id)) {
        n--;
        continue;
      }
      const purchased = from + Math.floor(random.next() * Math.max(1, to - from));
      const updated = Math.min(now - BEFORE_LAG_MS - 1000, purchased + random.int(0, 3600) * 1000);
      const lineCount = args.itemsPerOrder ?? random.int(1, 3);
      const items: SimAmazonItem[] = [];
      for (let l = 0; l < lineCount; l++) {
        const qty = random.int(1, 3);
        const unit = random.int(500, 5000) / 100;
        items.push({
          OrderItemId: String(random.int(10 ** 13, 10 ** 14 - 1)),
          ASIN: `B0${randomBytes(4).toString("hex").toUpperCase()}`,
          SellerSKU: skus[(n + l) % skus.length]!,
          Title: `Demo product ${skus[(n + l) % skus.length]}`,
          QuantityOrdered: qty,
          QuantityShipped: 0,
          ItemPrice: { CurrencyCode: seller.currency, Amount: (unit * qty).toFixed(2) },
        });
      }
      const status = statuses[n % statuses.length]!;
      if (status === "Shipped") for (const i of items) i.QuantityShipped = i.QuantityOrdered;
      const total = items.reduce((s, i) => s + Math.round(Number(i.ItemPrice.Amount) * 100), 0) / 100;
      const o: SimAmazonOrder = {
        sellerId: seller.sellerId,
        AmazonOrderId: id,
        PurchaseDate: iso(purchased),
        LastUpdateDate: iso(Math.max(purchased, updated)),
        OrderStatus: status,
        FulfillmentChannel: "MFN",
        SalesChannel: "Amazon.com",
        ShipServiceLevel: "Std US D2D Dom",
        ShipmentServiceLevelCategory: "Standard",
        OrderTotal: { CurrencyCode: seller.currency, Amount: total.toFixed(2) },
        NumberOfItemsShipped: 0,
        NumberOfItemsUnshipped: 0,
        PaymentMethod: "Other",
        MarketplaceId: seller.marketplaceId,
        BuyerInfo: { BuyerEmail: `${id.replace(/-/g, "")}@marketplace.amazon.com`, BuyerName: `Buyer ${n + 1}` },
        address: {
          Name: `Recipient ${n + 1}`,
          AddressLine1: `${random.int(1, 999)} Market Street`,
          City: "Seattle",
          StateOrRegion: "WA",
          PostalCode: "98101",
          CountryCode: seller.countryCode,
          Phone: `+1 206 555 ${String(random.int(0, 9999)).padStart(4, "0")}`,
        },
        items,
      };
      recount(o);
      orders.set(id, o);
      ids.push(id);
    }
    return ids;
  }

  // ---------- Finances v0 (financesV0.json) ----------

  const moneyOf = (cents: number, currency: string) => ({ CurrencyCode: currency, CurrencyAmount: cents / 100 });
  const groupTotal = (g: SimFinancialGroup) =>
    g.events.reduce((t, e) => t + e.items.reduce((u, i) => u + [...i.charges, ...i.fees].reduce((v, [, c]) => v + c, 0), 0), 0);

  /**
   * Settle shipped orders into a group (a new Open one unless `groupId` names one): per item a
   * ShipmentEvent with ItemChargeList Principal (the item price) and ItemFeeList Commission
   * (−commissionPct % of it, rounded half-up to the cent) and FBAPerUnitFulfillmentFee (−fbaFee × qty).
   * `refunds` adds RefundEvents: the principal given back and the commission refunded less Amazon's
   * RefundCommission (20 % of the refunded commission, at most 5.00 — Amazon's rule, kept simple here).
   */
  function settleOrders(args: {
    sellerId?: string;
    orderIds: string[];
    groupId?: string;
    commissionPct?: number;
    fbaFee?: number;
    refunds?: { orderId: string; cents: number }[];
    postedAt?: number;
    start?: number;
  }): SimFinancialGroup {
    const seller = sellers.get(args.sellerId ?? DEFAULT_SELLER.sellerId)!;
    let g = args.groupId ? financialGroups.get(args.groupId) : undefined;
    if (!g) {
      g = {
        sellerId: seller.sellerId,
        FinancialEventGroupId: args.groupId ?? `${randomBytes(12).toString("base64url")}`,
        ProcessingStatus: "Open",
        FundTransferStatus: "Unknown",
        currency: seller.currency,
        start: args.start ?? clock.now() - 3600_000,
        end: null,
        fundTransferDate: null,
        events: [],
      };
      financialGroups.set(g.FinancialEventGroupId, g);
    }
    const posted = iso(args.postedAt ?? clock.now() - 60_000);
    const pct = Math.round((args.commissionPct ?? 15) * 100);
    const fba = Math.round((args.fbaFee ?? 0) * 100);
    for (const id of args.orderIds) {
      const o = orders.get(id);
      if (!o || o.sellerId !== seller.sellerId) throw new Error(`unknown order ${id}`);
      g.events.push({
        kind: "shipment",
        AmazonOrderId: id,
        PostedDate: posted,
        items: o.items.map((i) => {
          const principal = Math.round(Number(i.ItemPrice.Amount) * 100);
          const fees: [string, number][] = [["Commission", -Math.round((principal * pct) / 10000)]];
          if (fba) fees.push(["FBAPerUnitFulfillmentFee", -fba * i.QuantityOrdered]);
          return { SellerSKU: i.SellerSKU, OrderItemId: i.OrderItemId, quantity: i.QuantityOrdered, charges: [["Principal", principal]], fees };
        }),
      });
    }
    for (const r of args.refunds ?? []) {
      const o = orders.get(r.orderId)!;
      const i = o.items[0]!;
      const principal = Math.round(Number(i.ItemPrice.Amount) * 100);
      const refundedCommission = Math.round((Math.min(r.cents, principal) * pct) / 10000);
      const refundCommission = Math.min(500, Math.round(refundedCommission / 5));
      g.events.push({
        kind: "refund",
        AmazonOrderId: r.orderId,
        PostedDate: posted,
        items: [{ SellerSKU: i.SellerSKU, OrderItemId: `R${i.OrderItemId}`, quantity: 1, charges: [["Principal", -r.cents]], fees: [["Commission", refundedCommission], ["RefundCommission", -refundCommission]] }],
      });
    }
    return g;
  }

  /** Close a group (settlement period over) and transfer it: Succeeded pays OriginalTotal, Failed does not. */
  function closeGroup(id: string, opts: { transfer?: "Succeeded" | "Failed" | "Initiated"; at?: number } = {}) {
    const g = financialGroups.get(id);
    if (!g) throw new Error(`unknown group ${id}`);
    g.ProcessingStatus = "Closed";
    g.end = opts.at ?? clock.now() - 60_000;
    g.FundTransferStatus = opts.transfer ?? "Succeeded";
    g.fundTransferDate = g.FundTransferStatus === "Succeeded" ? g.end : null;
    return g;
  }

  function publicGroup(g: SimFinancialGroup) {
    const total = moneyOf(groupTotal(g), g.currency);
    return {
      FinancialEventGroupId: g.FinancialEventGroupId,
      ProcessingStatus: g.ProcessingStatus,
      FundTransferStatus: g.FundTransferStatus,
      OriginalTotal: total,
      ConvertedTotal: total,
      ...(g.fundTransferDate !== null ? { FundTransferDate: iso(g.fundTransferDate), TraceId: `T${g.FinancialEventGroupId.slice(0, 8)}`, AccountTail: "1234" } : {}),
      BeginningBalance: moneyOf(0, g.currency),
      FinancialEventGroupStart: iso(g.start),
      ...(g.end !== null ? { FinancialEventGroupEnd: iso(g.end) } : {}),
    };
  }

  const pageSizeOf = (q: URLSearchParams) => {
    const text = q.get("MaxResultsPerPage");
    const n = text === null ? 100 : Number(text);
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : null;
  };

  /** listFinancialEventGroups: groups opened in [StartedAfter, StartedBefore) (Before ≥ 2 minutes ago), NextToken paging. */
  function listFinancialEventGroups(sellerId: string, q: URLSearchParams): { status: number; body: unknown } {
    const next = q.get("NextToken");
    let t = next ? financeTokens.get(next) : undefined;
    if (next && (!t || t.sellerId !== sellerId || t.kind !== "groups")) return { status: 400, body: invalidInput("Invalid NextToken.") };
    if (!t) {
      const pageSize = pageSizeOf(q);
      if (pageSize === null) return { status: 400, body: invalidInput("MaxResultsPerPage must be between 1 and 100.") };
      const afterText = q.get("FinancialEventGroupStartedAfter");
      const beforeText = q.get("FinancialEventGroupStartedBefore");
      const after = afterText ? Date.parse(afterText) : clock.now() - 90 * 86400_000;
      const before = beforeText ? Date.parse(beforeText) : Number.POSITIVE_INFINITY;
      if (Number.isNaN(after) || Number.isNaN(before)) return { status: 400, body: invalidInput("Dates must be ISO 8601.") };
      if (beforeText && before <= after) return { status: 400, body: invalidInput("FinancialEventGroupStartedBefore must be later than FinancialEventGroupStartedAfter.") };
      if (beforeText && before > clock.now() - BEFORE_LAG_MS) return { status: 400, body: invalidInput("FinancialEventGroupStartedBefore must be no later than two minutes before the request time.") };
      const ids = [...financialGroups.values()]
        .filter((g) => g.sellerId === sellerId && g.start >= after && g.start < before)
        .sort((a, b) => a.start - b.start || a.FinancialEventGroupId.localeCompare(b.FinancialEventGroupId))
        .map((g) => g.FinancialEventGroupId);
      t = { sellerId, kind: "groups", ids, offset: 0, pageSize };
    }
    const slice = t.ids.slice(t.offset, t.offset + t.pageSize);
    const payload: Record<string, unknown> = { FinancialEventGroupList: slice.map((id) => publicGroup(financialGroups.get(id)!)) };
    if (t.offset + t.pageSize < t.ids.length) {
      const token_ = token("");
      financeTokens.set(token_, { ...t, offset: t.offset + t.pageSize });
      payload.NextToken = token_;
    }
    return { status: 200, body: { payload } };
  }

  const financeItem = (kind: "shipment" | "refund", i: SimFinanceItem, currency: string) =>
    kind === "shipment"
      ? {
          SellerSKU: i.SellerSKU,
          OrderItemId: i.OrderItemId,
          QuantityShipped: i.quantity,
          ItemChargeList: i.charges.map(([ChargeType, c]) => ({ ChargeType, ChargeAmount: moneyOf(c, currency) })),
          ItemFeeList: i.fees.map(([FeeType, c]) => ({ FeeType, FeeAmount: moneyOf(c, currency) })),
        }
      : {
          SellerSKU: i.SellerSKU,
          OrderAdjustmentItemId: i.OrderItemId,
          QuantityShipped: i.quantity,
          ItemChargeAdjustmentList: i.charges.map(([ChargeType, c]) => ({ ChargeType, ChargeAmount: moneyOf(c, currency) })),
          ItemFeeAdjustmentList: i.fees.map(([FeeType, c]) => ({ FeeType, FeeAmount: moneyOf(c, currency) })),
        };

  /** listFinancialEventsByGroupId: the group's events, MaxResultsPerPage events a page, NextToken paging. */
  function listFinancialEventsByGroupId(sellerId: string, groupId: string, q: URLSearchParams): { status: number; body: unknown } {
    const g = financialGroups.get(groupId);
    if (!g || g.sellerId !== sellerId) return { status: 404, body: notFound(`Financial event group ${groupId} not found.`) };
    const next = q.get("NextToken");
    let t = next ? financeTokens.get(next) : undefined;
    if (next && (!t || t.sellerId !== sellerId || t.kind !== "events" || t.groupId !== groupId)) return { status: 400, body: invalidInput("Invalid NextToken.") };
    if (!t) {
      const pageSize = pageSizeOf(q);
      if (pageSize === null) return { status: 400, body: invalidInput("MaxResultsPerPage must be between 1 and 100.") };
      t = { sellerId, kind: "events", ids: g.events.map((_, i) => String(i)), offset: 0, pageSize, groupId };
    }
    const slice = t.ids.slice(t.offset, t.offset + t.pageSize).map((i) => g.events[Number(i)]!);
    const wire = (e: SimFinanceEvent) => ({
      AmazonOrderId: e.AmazonOrderId,
      SellerOrderId: e.AmazonOrderId,
      MarketplaceName: "Amazon.com",
      PostedDate: e.PostedDate,
      [e.kind === "shipment" ? "ShipmentItemList" : "ShipmentItemAdjustmentList"]: e.items.map((i) => financeItem(e.kind, i, g.currency)),
    });
    const payload: Record<string, unknown> = {
      FinancialEvents: {
        ShipmentEventList: slice.filter((e) => e.kind === "shipment").map(wire),
        RefundEventList: slice.filter((e) => e.kind === "refund").map(wire),
        AdjustmentEventList: [],
        ServiceFeeEventList: [],
      },
    };
    if (t.offset + t.pageSize < t.ids.length) {
      const token_ = token("");
      financeTokens.set(token_, { ...t, offset: t.offset + t.pageSize });
      payload.NextToken = token_;
    }
    return { status: 200, body: { payload } };
  }

  function setStatus(id: string, status: string) {
    const o = orders.get(id);
    if (!o) throw new Error(`unknown order ${id}`);
    if (!(AMAZON_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown status ${status}`);
    o.OrderStatus = status;
    if (status === "Shipped") for (const i of o.items) i.QuantityShipped = i.QuantityOrdered;
    recount(o);
    o.LastUpdateDate = iso(clock.now());
    return o;
  }

  /** Move `count` orders one step along Amazon's lifecycle, as time passing on the platform would. */
  function advanceOrders(count: number, sellerId?: string): string[] {
    const next: Record<string, string> = { PendingAvailability: "Pending", Pending: "Unshipped", Unshipped: "Canceled" };
    const candidates = [...orders.values()].filter((o) => (!sellerId || o.sellerId === sellerId) && next[o.OrderStatus]);
    const changed: string[] = [];
    for (let i = 0; i < count && candidates.length > 0; i++) {
      const o = candidates.splice(Math.floor(random.next() * candidates.length), 1)[0]!;
      setStatus(o.AmazonOrderId, next[o.OrderStatus]!);
      changed.push(o.AmazonOrderId);
    }
    return changed;
  }

  /** The address without personal data: what Amazon returns without a Restricted Data Token. */
  const nonPiiAddress = (a: SimAmazonOrder["address"]) => ({ City: a.City, StateOrRegion: a.StateOrRegion, PostalCode: a.PostalCode, CountryCode: a.CountryCode });
  const addressReleased = (o: SimAmazonOrder) => !["Pending", "PendingAvailability"].includes(o.OrderStatus);

  /** An Orders v0 order; buyer and address personal data only for an RDT with those data elements. */
  const publicOrder = (o: SimAmazonOrder, elements: Set<string> = new Set()) => {
    const { sellerId: _s, address, items: _i, BuyerInfo, ...rest } = o;
    return {
      ...rest,
      BuyerInfo: elements.has("buyerInfo") ? BuyerInfo : {},
      ShippingAddress: elements.has("shippingAddress") && addressReleased(o) ? address : nonPiiAddress(address),
    };
  };

  // ---------- HTTP ----------

  /**
   * The caller of an SP-API operation on a region's host: an LWA access token of that region, or a
   * Restricted Data Token of that region naming this operation's path (then its data elements apply).
   * Another region's token is refused like any unknown one.
   */
  function authenticate(req: http.IncomingMessage, region: SimRegion, op: string, path: string): { sellerId: string; elements: Set<string> | null } | { error: unknown } {
    const t = req.headers["x-amz-access-token"];
    if (typeof t !== "string" || !t) return { error: unauthorized("") };
    const rdt = rdts.get(t);
    if (rdt) {
      if (rdt.region !== region) return { error: unauthorized("") };
      if (rdt.expiresAt <= clock.now()) return { error: unauthorized("The access token you provided has expired.") };
      const restricted = RESTRICTED_V0.find((r) => r.op === op);
      const resource = restricted && rdt.resources.find((r) => r.method === (req.method ?? "GET") && resourceMatches(r.path, path));
      if (!resource) return { error: unauthorized("The Restricted Data Token does not cover this resource.") };
      return { sellerId: rdt.sellerId, elements: new Set(resource.dataElements) };
    }
    const tok = accessTokens.get(t);
    if (!tok) return { error: unauthorized("The access token you provided is revoked, malformed or invalid.") };
    if (tok.region !== region) return { error: unauthorized("") };
    if (tok.expiresAt <= clock.now()) return { error: unauthorized("The access token you provided has expired.") };
    return { sellerId: tok.sellerId, elements: null };
  }

  /** A resource path of an RDT: literal segments must match, `{name}` segments match any value. */
  function resourceMatches(pattern: string, path: string) {
    const a = pattern.split("/");
    const b = path.split("/");
    return a.length === b.length && a.every((seg, i) => /^\{[^}]+\}$/.test(seg) || seg === b[i]);
  }

  /** Tokens API createRestrictedDataToken (tokens_2021-03-01.json), called with the LWA access token. */
  function createRdt(sellerId: string, region: SimRegion, body: unknown): { status: number; body: unknown } {
    const invalid = (details: string) => ({ status: 400, body: { errors: [{ code: "InvalidInput", message: "Request is missing or has invalid parameters", details }] } });
    const list = (body as { restrictedResources?: unknown } | null)?.restrictedResources;
    if (!Array.isArray(list) || list.length === 0) return invalid("Resource not provided.");
    if (list.length > 50) return invalid("At most 50 restricted resources.");
    const resources: Rdt["resources"] = [];
    for (const r of list as { method?: unknown; path?: unknown; dataElements?: unknown }[]) {
      if (typeof r?.method !== "string" || !["GET", "PUT", "POST", "DELETE"].includes(r.method) || typeof r.path !== "string") return invalid("Resource not provided.");
      const restricted = RESTRICTED_V0.find((x) => x.pattern.test(r.path as string));
      if (!restricted) return invalid(`${r.path} is not a restricted resource.`);
      const elements = Array.isArray(r.dataElements) ? (r.dataElements as unknown[]) : [];
      if (elements.some((e) => typeof e !== "string" || !DATA_ELEMENTS.includes(e))) return invalid("dataElements must be buyerInfo, shippingAddress or buyerTaxInformation.");
      if (restricted.needsElements && elements.length === 0) return invalid(`dataElements is required for ${r.path}.`);
      resources.push({ method: r.method, path: r.path, dataElements: elements as string[] });
    }
    // Personal data for shipping is released only to developers with the restricted role.
    if (!app.roles.includes(DIRECT_TO_CONSUMER_SHIPPING)) {
      return { status: 403, body: { errors: [{ code: "Unauthorized", message: "Access to requested resource is denied.", details: `The application is missing the ${DIRECT_TO_CONSUMER_SHIPPING} role required for these restricted resources.` }] } };
    }
    const rdt = token("Atz.sprdt|");
    rdts.set(rdt, { sellerId, region, expiresAt: clock.now() + RDT_TTL_MS, resources });
    return { status: 200, body: { restrictedDataToken: rdt, expiresIn: RDT_TTL_MS / 1000 } };
  }

  function consentPage(url: URL, host: SimHost, prefix: string, message = "") {
    const appId = url.searchParams.get("application_id") ?? "";
    const state = url.searchParams.get("state") ?? "";
    const redirect = url.searchParams.get("redirect_uri") ?? "";
    const options = [...sellers.values()]
      .filter((s) => simRegionOfMarketplace(s.marketplaceId) === host.region)
      .map((s) => `<option value="${escapeHtml(s.sellerId)}">${escapeHtml(s.storeName)} (${escapeHtml(s.sellerId)})</option>`)
      .join("");
    return `<!doctype html><html><head><meta charset="utf-8"><title>Amazon Seller Central — authorize app (simulator)</title></head>
<body style="font-family:sans-serif;max-width:560px;margin:40px auto">
<h1>Authorize Manifold OMS</h1><p>Simulated Seller Central consent page. ${escapeHtml(message)}</p>
<form method="post" action="${escapeHtml(prefix)}/apps/authorize/consent">
<input type="hidden" name="application_id" value="${escapeHtml(appId)}"><input type="hidden" name="state" value="${escapeHtml(state)}">
<input type="hidden" name="redirect_uri" value="${escapeHtml(redirect)}">
<label>Seller account <select name="selling_partner_id">${options}</select></label>
<p><button type="submit" name="decision" value="confirm" id="confirm">Confirm</button></p></form></body></html>`;
  }

  /** The seller confirms on the consent page: Amazon redirects back with a 5-minute code. */
  /**
   * The seller confirms on a region's Seller Central (`region`; by default the seller's own). Only a
   * seller of that region can, and only to one of the app's registered redirect URIs (none given: the
   * first registered one, as Amazon does).
   */
  function approve(args: { applicationId: string; state: string; redirectUri: string; sellerId?: string; region?: SimRegion }): string {
    if (args.applicationId !== app.applicationId) throw new Error("unknown application_id");
    const seller = sellers.get(args.sellerId ?? DEFAULT_SELLER.sellerId);
    if (!seller) throw new Error("unknown seller");
    const sellerRegion = simRegionOfMarketplace(seller.marketplaceId);
    const region = args.region ?? sellerRegion;
    if (region !== sellerRegion) throw new Error(`seller ${seller.sellerId} sells in ${sellerRegion}, not on this ${region} Seller Central`);
    const redirectUri = args.redirectUri || app.redirectUris[0]!;
    if (!registeredRedirect(redirectUri)) throw new Error(`redirect_uri ${redirectUri} is not one of the app's registered OAuth Redirect URIs`);
    const code = token("ANsim");
    codes.set(code, { sellerId: seller.sellerId, region, expiresAt: clock.now() + CODE_TTL_MS, used: false, redirectUri });
    const back = new URL(redirectUri);
    back.searchParams.set("state", args.state);
    back.searchParams.set("selling_partner_id", seller.sellerId);
    back.searchParams.set("spapi_oauth_code", code);
    return back.toString();
  }

  async function tokenEndpoint(req: http.IncomingMessage, res: http.ServerResponse, region: SimRegion) {
    const form = new URLSearchParams(await readBody(req));
    const oauthError = (status: number, error: string, description: string) =>
      sendJson(res, status, { error_description: description, error });
    if (form.get("client_id") !== app.clientId || form.get("client_secret") !== app.clientSecret) {
      return oauthError(401, "invalid_client", "Client authentication failed");
    }
    const grant = form.get("grant_type");
    let sellerId: string;
    let refresh: string;
    if (grant === "authorization_code") {
      const code = form.get("code") ?? "";
      const c = codes.get(code);
      // A code is redeemable only at the LWA host of the region whose Seller Central issued it.
      if (!c || c.used || c.expiresAt <= clock.now() || c.region !== region) {
        return oauthError(400, "invalid_grant", "The request has an invalid grant parameter : code");
      }
      const redirect = form.get("redirect_uri");
      if (redirect !== null && (!registeredRedirect(redirect) || redirect !== c.redirectUri)) {
        return oauthError(400, "invalid_grant", "The request has an invalid grant parameter : redirect_uri");
      }
      c.used = true;
      sellerId = c.sellerId;
      refresh = token("Atzr|");
      refreshTokens.set(refresh, { sellerId, region, revoked: false });
    } else if (grant === "refresh_token") {
      refresh = form.get("refresh_token") ?? "";
      const r = refreshTokens.get(refresh);
      if (!r || r.revoked || r.region !== region) return oauthError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
      sellerId = r.sellerId;
    } else {
      return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server");
    }
    const access = token("Atza|");
    accessTokens.set(access, { sellerId, region, expiresAt: clock.now() + ACCESS_TTL_MS });
    sendJson(res, 200, { access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: ACCESS_TTL_MS / 1000 });
  }

  function getOrders(sellerId: string, q: URLSearchParams, elements: Set<string>): { status: number; body: unknown } {
    const marketplaceIds = (q.get("MarketplaceIds") ?? "").split(",").filter(Boolean);
    if (marketplaceIds.length === 0) return { status: 400, body: invalidInput("MarketplaceIds is required.") };
    const next = q.get("NextToken");
    if (next) {
      const t = nextTokens.get(next);
      if (!t || t.sellerId !== sellerId) return { status: 400, body: invalidInput("Invalid NextToken.") };
      return { status: 200, body: page(t, elements) };
    }
    const createdAfter = q.get("CreatedAfter");
    const updatedAfter = q.get("LastUpdatedAfter");
    if ((createdAfter ? 1 : 0) + (updatedAfter ? 1 : 0) !== 1) {
      return { status: 400, body: invalidInput("Exactly one of CreatedAfter and LastUpdatedAfter must be specified.") };
    }
    if (q.get("CreatedBefore") && !createdAfter) return { status: 400, body: invalidInput("CreatedBefore can only be used with CreatedAfter.") };
    if (q.get("LastUpdatedBefore") && !updatedAfter) {
      return { status: 400, body: invalidInput("LastUpdatedBefore can only be used with LastUpdatedAfter.") };
    }
    const afterName = createdAfter ? "CreatedAfter" : "LastUpdatedAfter";
    const beforeName = createdAfter ? "CreatedBefore" : "LastUpdatedBefore";
    const afterMs = Date.parse(q.get(afterName)!);
    const beforeText = q.get(beforeName);
    const beforeMs = beforeText ? Date.parse(beforeText) : null;
    if (Number.isNaN(afterMs)) return { status: 400, body: invalidInput(`${afterName} is not a valid ISO 8601 date.`) };
    if (beforeMs !== null && Number.isNaN(beforeMs)) return { status: 400, body: invalidInput(`${beforeName} is not a valid ISO 8601 date.`) };
    const limit = clock.now() - BEFORE_LAG_MS;
    if (beforeMs !== null && beforeMs > limit) {
      return { status: 400, body: invalidInput("The before date must be no later than two minutes before the request time.") };
    }
    const sizeText = q.get("MaxResultsPerPage");
    const pageSize = sizeText === null ? 100 : Number(sizeText);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return { status: 400, body: invalidInput("MaxResultsPerPage must be between 1 and 100.") };
    }
    const statuses = q.get("OrderStatuses")?.split(",").filter(Boolean);
    const field = createdAfter ? "PurchaseDate" : "LastUpdateDate";
    const upper = beforeMs ?? Number.POSITIVE_INFINITY;
    const ids = [...orders.values()]
      .filter((o) => o.sellerId === sellerId && marketplaceIds.includes(o.MarketplaceId))
      .filter((o) => !statuses || statuses.includes(o.OrderStatus))
      .filter((o) => {
        const t = Date.parse(o[field]);
        return t >= afterMs && t <= upper;
      })
      .sort((a, b) => Date.parse(a[field]) - Date.parse(b[field]) || a.AmazonOrderId.localeCompare(b.AmazonOrderId))
      .map((o) => o.AmazonOrderId);
    return { status: 200, body: page({ sellerId, ids, offset: 0, pageSize }, elements, beforeMs, beforeName) };
  }

  function page(t: { sellerId: string; ids: string[]; offset: number; pageSize: number }, elements: Set<string>, beforeMs?: number | null, beforeName?: string) {
    const slice = t.ids.slice(t.offset, t.offset + t.pageSize);
    const payload: Record<string, unknown> = {
      Orders: slice.map((id) => orders.get(id)).filter((o): o is SimAmazonOrder => Boolean(o)).map((o) => publicOrder(o, elements)),
    };
    if (beforeName) payload[beforeName] = iso(beforeMs ?? clock.now() - BEFORE_LAG_MS);
    if (t.offset + t.pageSize < t.ids.length) {
      const next = token("");
      nextTokens.set(next, { ...t, offset: t.offset + t.pageSize });
      payload.NextToken = next;
    }
    return { payload };
  }

  // ---------- Orders API 2026-01-01 (orders_2026-01-01.json) ----------

  const INCLUDED_DATA = ["BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT", "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS"];
  const STATUS_2026: Record<string, string> = {
    PendingAvailability: "PENDING_AVAILABILITY",
    Pending: "PENDING",
    Unshipped: "UNSHIPPED",
    PartiallyShipped: "PARTIALLY_SHIPPED",
    Shipped: "SHIPPED",
    InvoiceUnconfirmed: "SHIPPED",
    Canceled: "CANCELLED",
    Unfulfillable: "UNFULFILLABLE",
  };

  /**
   * `includedData`: only the listed datasets come back. BUYER and RECIPIENT hold personal data and need
   * the restricted Direct-to-Consumer Shipping role; without it Amazon answers 403 for the request.
   */
  function includedDataOf(q: URLSearchParams): { sets: Set<string> } | { status: number; error: unknown } {
    const sets = new Set((q.get("includedData") ?? "").split(",").filter(Boolean));
    for (const x of sets) if (!INCLUDED_DATA.includes(x)) return { status: 400, error: invalidInput(`includedData value ${x} is not valid.`) };
    if ((sets.has("RECIPIENT") || sets.has("BUYER")) && !app.roles.includes(DIRECT_TO_CONSUMER_SHIPPING)) {
      return {
        status: 403,
        error: { errors: [{ code: "Unauthorized", message: "Access to requested resource is denied.", details: `The application is missing the ${DIRECT_TO_CONSUMER_SHIPPING} role required for includedData=${sets.has("RECIPIENT") ? "RECIPIENT" : "BUYER"}.` }] },
      };
    }
    return { sets };
  }

  function order20260101(o: SimAmazonOrder, sets: Set<string>) {
    const released = !["Pending", "PendingAvailability"].includes(o.OrderStatus);
    const a = o.address;
    return {
      orderId: o.AmazonOrderId,
      createdTime: o.PurchaseDate,
      lastUpdatedTime: o.LastUpdateDate,
      salesChannel: { channelName: "AMAZON", marketplaceId: o.MarketplaceId, marketplaceName: o.SalesChannel },
      ...(sets.has("BUYER") ? { buyer: { buyerName: o.BuyerInfo.BuyerName, buyerEmail: o.BuyerInfo.BuyerEmail } } : {}),
      ...(sets.has("RECIPIENT")
        ? {
            recipient: {
              deliveryAddress: released
                ? { name: a.Name, addressLine1: a.AddressLine1, addressLine2: a.AddressLine2, city: a.City, stateOrRegion: a.StateOrRegion, postalCode: a.PostalCode, countryCode: a.CountryCode, phone: a.Phone, addressType: "RESIDENTIAL" }
                : { city: a.City, stateOrRegion: a.StateOrRegion, postalCode: a.PostalCode, countryCode: a.CountryCode },
            },
          }
        : {}),
      ...(sets.has("PROCEEDS") ? { proceeds: { grandTotal: { amount: o.OrderTotal.Amount, currencyCode: o.OrderTotal.CurrencyCode } } } : {}),
      ...(sets.has("FULFILLMENT")
        ? { fulfillment: { fulfillmentStatus: STATUS_2026[o.OrderStatus] ?? "PENDING", fulfilledBy: "MERCHANT", fulfillmentServiceLevel: o.ShipmentServiceLevelCategory.toUpperCase() } }
        : {}),
      orderItems: o.items.map((i) => ({
        orderItemId: i.OrderItemId,
        quantityOrdered: i.QuantityOrdered,
        product: {
          asin: i.ASIN,
          title: i.Title,
          sellerSku: i.SellerSKU,
          price: { unitPrice: { amount: (Math.round((Number(i.ItemPrice.Amount) / i.QuantityOrdered) * 100) / 100).toFixed(2), currencyCode: i.ItemPrice.CurrencyCode } },
        },
        ...(sets.has("FULFILLMENT") ? { fulfillment: { quantityFulfilled: i.QuantityShipped, quantityUnfulfilled: i.QuantityOrdered - i.QuantityShipped } } : {}),
      })),
    };
  }

  function searchOrders(sellerId: string, q: URLSearchParams): { status: number; body: unknown } {
    const included = includedDataOf(q);
    if ("error" in included) return { status: included.status, body: included.error };
    const token = q.get("paginationToken");
    let t: { sellerId: string; ids: string[]; offset: number; pageSize: number } | undefined;
    if (token) {
      t = nextTokens.get(token);
      if (!t || t.sellerId !== sellerId) return { status: 400, body: invalidInput("Invalid paginationToken.") };
    } else {
      const marketplaceIds = (q.get("marketplaceIds") ?? "").split(",").filter(Boolean);
      const createdAfter = q.get("createdAfter");
      const updatedAfter = q.get("lastUpdatedAfter");
      if ((createdAfter ? 1 : 0) + (updatedAfter ? 1 : 0) !== 1) return { status: 400, body: invalidInput("Exactly one of createdAfter and lastUpdatedAfter must be specified.") };
      const afterName = createdAfter ? "createdAfter" : "lastUpdatedAfter";
      const beforeName = createdAfter ? "createdBefore" : "lastUpdatedBefore";
      if (q.get(createdAfter ? "lastUpdatedBefore" : "createdBefore")) return { status: 400, body: invalidInput(`${beforeName} must go with ${afterName}.`) };
      const afterMs = Date.parse(q.get(afterName)!);
      const beforeText = q.get(beforeName);
      const beforeMs = beforeText ? Date.parse(beforeText) : null;
      if (Number.isNaN(afterMs) || (beforeMs !== null && Number.isNaN(beforeMs))) return { status: 400, body: invalidInput("Dates must be ISO 8601.") };
      if (beforeMs !== null && beforeMs > clock.now() - BEFORE_LAG_MS) return { status: 400, body: invalidInput("The before date must be no later than two minutes before the request time.") };
      const sizeText = q.get("maxResultsPerPage");
      const pageSize = sizeText === null ? 100 : Number(sizeText);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return { status: 400, body: invalidInput("maxResultsPerPage must be between 1 and 100.") };
      const statuses = q.get("fulfillmentStatuses")?.split(",").filter(Boolean);
      const field = createdAfter ? "PurchaseDate" : "LastUpdateDate";
      const upper = beforeMs ?? Number.POSITIVE_INFINITY;
      const ids = [...orders.values()]
        .filter((o) => o.sellerId === sellerId && (marketplaceIds.length === 0 || marketplaceIds.includes(o.MarketplaceId)))
        .filter((o) => !statuses || statuses.includes(STATUS_2026[o.OrderStatus] ?? ""))
        .filter((o) => Date.parse(o[field]) >= afterMs && Date.parse(o[field]) <= upper)
        .sort((a, b) => Date.parse(a[field]) - Date.parse(b[field]) || a.AmazonOrderId.localeCompare(b.AmazonOrderId))
        .map((o) => o.AmazonOrderId);
      t = { sellerId, ids, offset: 0, pageSize };
    }
    const slice = t.ids.slice(t.offset, t.offset + t.pageSize).map((id) => orders.get(id)).filter((o): o is SimAmazonOrder => Boolean(o));
    const body: Record<string, unknown> = { orders: slice.map((o) => order20260101(o, included.sets)) };
    if (t.offset + t.pageSize < t.ids.length) {
      const next = randomBytes(24).toString("base64url");
      nextTokens.set(next, { ...t, offset: t.offset + t.pageSize });
      body.pagination = { nextToken: next };
    }
    return { status: 200, body };
  }

  function confirmShipment(sellerId: string, orderId: string, body: unknown): { status: number; body?: unknown } {
    const o = orders.get(orderId);
    if (!o || o.sellerId !== sellerId) return { status: 404, body: notFound(`Order ${orderId} not found.`) };
    const b = body as {
      marketplaceId?: string;
      packageDetail?: {
        packageReferenceId?: string;
        carrierCode?: string;
        carrierName?: string;
        trackingNumber?: string;
        shipDate?: string;
        orderItems?: { orderItemId?: string; quantity?: number }[];
      };
    } | null;
    const p = b?.packageDetail;
    if (!b?.marketplaceId) return { status: 400, body: invalidInput("marketplaceId is required.") };
    if (b.marketplaceId !== o.MarketplaceId) return { status: 400, body: invalidInput("marketplaceId does not match the order.") };
    if (!p) return { status: 400, body: invalidInput("packageDetail is required.") };
    for (const field of ["packageReferenceId", "carrierCode", "trackingNumber", "shipDate"] as const) {
      if (!p[field]) return { status: 400, body: invalidInput(`packageDetail.${field} is required.`) };
    }
    if (!/^[1-9]\d*$/.test(p.packageReferenceId!)) return { status: 400, body: invalidInput("packageReferenceId must be a positive number.") };
    if (p.carrierCode === "Other" && !p.carrierName) return { status: 400, body: invalidInput("carrierName is required when carrierCode is Other.") };
    if (!Array.isArray(p.orderItems) || p.orderItems.length === 0) return { status: 400, body: invalidInput("packageDetail.orderItems is required.") };
    const previous = shipments.find((s) => s.amazonOrderId === orderId && s.packageReferenceId === p.packageReferenceId);
    if (previous) {
      // The same package confirmed again (a retry): accepted when it is the same package, refused otherwise.
      return previous.trackingNumber === p.trackingNumber
        ? { status: 204 }
        : { status: 400, body: invalidInput(`Package ${p.packageReferenceId} was already confirmed with another tracking number.`) };
    }
    if (!["Unshipped", "PartiallyShipped"].includes(o.OrderStatus)) {
      return { status: 400, body: invalidInput(`Order ${orderId} is ${o.OrderStatus}; only Unshipped or PartiallyShipped orders can be confirmed.`) };
    }
    for (const line of p.orderItems) {
      const item = o.items.find((i) => i.OrderItemId === line.orderItemId);
      if (!item) return { status: 400, body: invalidInput(`orderItemId ${line.orderItemId} is not part of order ${orderId}.`) };
      if (!Number.isInteger(line.quantity) || line.quantity! < 1 || item.QuantityShipped + line.quantity! > item.QuantityOrdered) {
        return { status: 400, body: invalidInput(`Invalid quantity for orderItemId ${line.orderItemId}.`) };
      }
    }
    for (const line of p.orderItems) o.items.find((i) => i.OrderItemId === line.orderItemId)!.QuantityShipped += line.quantity!;
    recount(o);
    o.OrderStatus = o.NumberOfItemsUnshipped === 0 ? "Shipped" : "PartiallyShipped";
    o.LastUpdateDate = iso(clock.now());
    shipments.push({
      sellerId,
      amazonOrderId: orderId,
      marketplaceId: b.marketplaceId,
      packageReferenceId: p.packageReferenceId!,
      carrierCode: p.carrierCode!,
      carrierName: p.carrierName,
      trackingNumber: p.trackingNumber!,
      shipDate: p.shipDate!,
      orderItems: p.orderItems.map((l) => ({ orderItemId: l.orderItemId!, quantity: l.quantity! })),
      at: iso(clock.now()),
    });
    return { status: 204 };
  }

  function patchListing(sellerId: string, pathSeller: string, sku: string, q: URLSearchParams, body: unknown): { status: number; body: unknown } {
    if (pathSeller !== sellerId) return { status: 403, body: unauthorized("The seller id does not match the access token.") };
    const marketplaceIds = (q.get("marketplaceIds") ?? "").split(",").filter(Boolean);
    if (marketplaceIds.length === 0) return { status: 400, body: invalidInput("marketplaceIds is required.") };
    const b = body as { productType?: string; patches?: { op?: string; path?: string; value?: { fulfillment_channel_code?: string; quantity?: number }[] }[] };
    if (!b?.productType || !Array.isArray(b.patches) || b.patches.length === 0) {
      return { status: 400, body: invalidInput("productType and patches are required.") };
    }
    const patch = b.patches.find((p) => p.path === "/attributes/fulfillment_availability");
    const value = patch?.value?.[0];
    const known = [...orders.values()].some((o) => o.sellerId === sellerId && o.items.some((i) => i.SellerSKU === sku)) || stock.some((s) => s.sku === sku) || listings.has(`${sellerId}:${sku}`);
    const submissionId = randomBytes(16).toString("hex");
    if (!known) {
      return {
        status: 200,
        body: { sku, status: "INVALID", submissionId, issues: [{ code: "4000001", message: `SKU ${sku} does not exist in this marketplace.`, severity: "ERROR" }] },
      };
    }
    if (!patch || (patch.op !== "replace" && patch.op !== "merge") || !value || !Number.isInteger(value.quantity) || value.quantity! < 0) {
      return {
        status: 200,
        body: { sku, status: "INVALID", submissionId, issues: [{ code: "90220", message: "fulfillment_availability.quantity must be a whole number ≥ 0.", severity: "ERROR" }] },
      };
    }
    // JSON-Patch semantics as the Listings Items API applies them: `replace` sets the attribute to exactly
    // the value given (other properties such as lead_time_to_ship_max_days and restock_date are gone),
    // `merge` updates the properties given on the entry with the same fulfillment_channel_code.
    const key = `${sellerId}:${sku}`;
    const current = listings.get(key) ?? { fulfillment_availability: [] };
    if (patch.op === "replace") current.fulfillment_availability = (patch.value ?? []).map((v) => ({ ...v }));
    else {
      for (const v of patch.value ?? []) {
        const same = current.fulfillment_availability.find((x) => x.fulfillment_channel_code === v.fulfillment_channel_code);
        if (same) Object.assign(same, v);
        else current.fulfillment_availability.push({ ...v });
      }
    }
    listings.set(key, current);
    stock.push({ sellerId, sku, marketplaceIds, quantity: value.quantity!, submissionId, at: iso(clock.now()) });
    return { status: 200, body: { sku, status: "ACCEPTED", submissionId, issues: [] } };
  }

  /** Route an SP-API request to its operation name (the unit rate limits and faults are expressed in). */
  function operationOf(method: string, path: string): { op: string; params: string[] } | null {
    const routes: [string, RegExp, string][] = [
      ["GET", /^\/sellers\/v1\/marketplaceParticipations$/, "getMarketplaceParticipations"],
      ["GET", /^\/orders\/v0\/orders$/, "getOrders"],
      ["GET", /^\/orders\/v0\/orders\/([^/]+)$/, "getOrder"],
      ["GET", /^\/orders\/v0\/orders\/([^/]+)\/orderItems$/, "getOrderItems"],
      ["GET", /^\/orders\/v0\/orders\/([^/]+)\/address$/, "getOrderAddress"],
      ["GET", /^\/orders\/v0\/orders\/([^/]+)\/buyerInfo$/, "getOrderBuyerInfo"],
      ["POST", /^\/tokens\/2021-03-01\/restrictedDataToken$/, "createRestrictedDataToken"],
      ["POST", /^\/orders\/v0\/orders\/([^/]+)\/shipmentConfirmation$/, "confirmShipment"],
      ["PATCH", /^\/listings\/2021-08-01\/items\/([^/]+)\/([^/]+)$/, "patchListingsItem"],
      ["GET", /^\/orders\/2026-01-01\/orders$/, "searchOrders"],
      ["GET", /^\/orders\/2026-01-01\/orders\/([^/]+)$/, "getOrder20260101"],
      ["GET", /^\/finances\/v0\/financialEventGroups$/, "listFinancialEventGroups"],
      ["GET", /^\/finances\/v0\/financialEventGroups\/([^/]+)\/financialEvents$/, "listFinancialEventsByGroupId"],
    ];
    for (const [m, re, op] of routes) {
      const match = m === method ? re.exec(path) : null;
      if (match) return { op, params: match.slice(1).map(decodeURIComponent) };
    }
    return null;
  }

  async function spApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, path: string, region: SimRegion, op: string, params: string[]) {
    const s = stat(op);
    s.requests++;
    const fault = faults.take(op);
    if (fault) s.faults++;
    const answered = await applyFault(fault, res, (status) =>
      sendJson(
        res,
        status,
        status === 429
          ? { errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.", details: "" }] }
          : { errors: [{ code: "InternalFailure", message: "We encountered an internal error. Please try again.", details: "" }] },
        status === 429 ? { "x-amzn-RateLimit-Limit": String(plans[op]?.rate ?? 1) } : {},
      ),
    );
    if (answered) return;
    const auth = authenticate(req, region, op, path);
    if ("error" in auth) return sendJson(res, 403, auth.error);
    const elements = auth.elements ?? new Set<string>();
    const rateHeader = { "x-amzn-RateLimit-Limit": String(plans[op]?.rate ?? 1), "x-amzn-RequestId": randomBytes(8).toString("hex") };
    const allowed = throttle(auth.sellerId, op);
    calls.push({ sellerId: auth.sellerId, op, at: clock.now(), throttled: !allowed });
    if (calls.length > 10_000) calls.splice(0, calls.length - 10_000);
    if (!allowed) {
      s.throttled++;
      return sendJson(res, 429, { errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.", details: "" }] }, rateHeader);
    }
    const bodyText = req.method === "GET" ? "" : await readBody(req);
    let body: unknown = null;
    if (bodyText) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        return sendJson(res, 400, invalidInput("Request body is not valid JSON."), rateHeader);
      }
    }
    s.served++;
    const seller = sellers.get(auth.sellerId)!;
    switch (op) {
      case "getMarketplaceParticipations":
        return sendJson(
          res,
          200,
          {
            payload: [
              {
                marketplace: {
                  id: seller.marketplaceId,
                  name: "Amazon.com",
                  countryCode: seller.countryCode,
                  defaultCurrencyCode: seller.currency,
                  defaultLanguageCode: "en_US",
                  domainName: "www.amazon.com",
                },
                participation: { isParticipating: true, hasSuspendedListings: false },
                storeName: seller.storeName,
              },
            ],
          },
          rateHeader,
        );
      case "getOrders": {
        const r = getOrders(auth.sellerId, url.searchParams, elements);
        return sendJson(res, r.status, r.body, rateHeader);
      }
      case "getOrder": {
        const o = orders.get(params[0]!);
        if (!o || o.sellerId !== auth.sellerId) return sendJson(res, 404, notFound(`Order ${params[0]} not found.`), rateHeader);
        return sendJson(res, 200, { payload: publicOrder(o, elements) }, rateHeader);
      }
      case "getOrderItems": {
        const o = orders.get(params[0]!);
        if (!o || o.sellerId !== auth.sellerId) return sendJson(res, 404, notFound(`Order ${params[0]} not found.`), rateHeader);
        const start = Number(url.searchParams.get("NextToken") ?? 0) || 0;
        const items = o.items.slice(start, start + itemsPageSize);
        const payload: Record<string, unknown> = { AmazonOrderId: o.AmazonOrderId, OrderItems: items };
        if (start + itemsPageSize < o.items.length) payload.NextToken = String(start + itemsPageSize);
        return sendJson(res, 200, { payload }, rateHeader);
      }
      case "getOrderAddress": {
        const o = orders.get(params[0]!);
        if (!o || o.sellerId !== auth.sellerId) return sendJson(res, 404, notFound(`Order ${params[0]} not found.`), rateHeader);
        // A restricted operation: the full address only with an RDT for it (and once Amazon releases it);
        // a plain LWA token gets the part without personal data.
        const full = auth.elements !== null && addressReleased(o);
        return sendJson(res, 200, { payload: { AmazonOrderId: o.AmazonOrderId, ShippingAddress: full ? o.address : addressReleased(o) ? nonPiiAddress(o.address) : {} } }, rateHeader);
      }
      case "getOrderBuyerInfo": {
        const o = orders.get(params[0]!);
        if (!o || o.sellerId !== auth.sellerId) return sendJson(res, 404, notFound(`Order ${params[0]} not found.`), rateHeader);
        const payload = auth.elements !== null ? { AmazonOrderId: o.AmazonOrderId, BuyerEmail: o.BuyerInfo.BuyerEmail, BuyerName: o.BuyerInfo.BuyerName } : { AmazonOrderId: o.AmazonOrderId };
        return sendJson(res, 200, { payload }, rateHeader);
      }
      case "createRestrictedDataToken": {
        if (auth.elements !== null) return sendJson(res, 403, unauthorized("A Restricted Data Token cannot create another."), rateHeader);
        const r = createRdt(auth.sellerId, region, body);
        return sendJson(res, r.status, r.body, rateHeader);
      }
      case "confirmShipment": {
        const r = confirmShipment(auth.sellerId, params[0]!, body);
        return sendJson(res, r.status, r.body, rateHeader);
      }
      case "searchOrders": {
        const r = searchOrders(auth.sellerId, url.searchParams);
        return sendJson(res, r.status, r.body, rateHeader);
      }
      case "getOrder20260101": {
        const o = orders.get(params[0]!);
        if (!o || o.sellerId !== auth.sellerId) return sendJson(res, 404, notFound(`Order ${params[0]} not found.`), rateHeader);
        const included = includedDataOf(url.searchParams);
        if ("error" in included) return sendJson(res, included.status, included.error, rateHeader);
        return sendJson(res, 200, { order: order20260101(o, included.sets) }, rateHeader);
      }
      case "listFinancialEventGroups": {
        const r = listFinancialEventGroups(auth.sellerId, url.searchParams);
        return sendJson(res, r.status, r.body, rateHeader);
      }
      case "listFinancialEventsByGroupId": {
        const r = listFinancialEventsByGroupId(auth.sellerId, params[0]!, url.searchParams);
        return sendJson(res, r.status, r.body, rateHeader);
      }
      case "patchListingsItem": {
        const r = patchListing(auth.sellerId, params[0]!, params[1]!, url.searchParams, body);
        return sendJson(res, r.status, r.body, rateHeader);
      }
    }
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const path = url.pathname.slice("/__sim".length);
    const body = req.method === "GET" ? {} : (JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>);
    const m = req.method;
    if (m === "GET" && path === "/state") {
      return sendJson(res, 200, { now: iso(clock.now()), sellers: [...sellers.values()], orders: orders.size, shipments: shipments.length, stock: stock.length });
    }
    if (m === "POST" && path === "/sellers") {
      const s = { ...DEFAULT_SELLER, ...(body as Partial<SimSeller>) };
      sellers.set(s.sellerId, s);
      return sendJson(res, 200, s);
    }
    if (m === "POST" && path === "/orders") return sendJson(res, 200, { orderIds: seedOrders(body as Parameters<typeof seedOrders>[0]) });
    if (m === "GET" && path === "/orders") {
      const seller = url.searchParams.get("sellerId");
      return sendJson(res, 200, { orders: [...orders.values()].filter((o) => !seller || o.sellerId === seller) });
    }
    const statusMatch = /^\/orders\/([^/]+)\/status$/.exec(path);
    if (m === "POST" && statusMatch) return sendJson(res, 200, setStatus(decodeURIComponent(statusMatch[1]!), String(body.status)));
    if (m === "POST" && path === "/orders/advance") {
      return sendJson(res, 200, { changed: advanceOrders(Number(body.count ?? 1), body.sellerId as string | undefined) });
    }
    if (m === "POST" && path === "/clock") {
      const now = body.nowMs !== undefined ? clock.set(Number(body.nowMs)) : clock.advance(Number(body.advanceMs ?? 0));
      return sendJson(res, 200, { now: iso(now) });
    }
    if (m === "GET" && path === "/clock") return sendJson(res, 200, { now: iso(clock.now()) });
    if (m === "POST" && path === "/faults") {
      faults.add((body.faults as FaultRule[]) ?? []);
      return sendJson(res, 200, { pending: faults.pending() });
    }
    if (m === "DELETE" && path === "/faults") {
      faults.clear();
      return sendJson(res, 200, { pending: 0 });
    }
    if (m === "POST" && path === "/rate-limits") {
      Object.assign(plans, body as Record<string, UsagePlan>);
      buckets.clear();
      return sendJson(res, 200, plans);
    }
    if (m === "POST" && path === "/tokens/revoke") {
      revoke(String(body.sellerId ?? DEFAULT_SELLER.sellerId));
      return sendJson(res, 200, { ok: true });
    }
    if (m === "POST" && path === "/tokens/expire") {
      expireAccessTokens(body.sellerId as string | undefined);
      return sendJson(res, 200, { ok: true });
    }
    if (m === "GET" && path === "/shipments") return sendJson(res, 200, { shipments });
    if (m === "GET" && path === "/stock") return sendJson(res, 200, { stock });
    if (m === "GET" && path === "/stats") return sendJson(res, 200, { stats, faults: faults.hits });
    if (m === "POST" && path === "/authorize") {
      return sendJson(res, 200, {
        callbackUrl: approve({
          applicationId: String(body.applicationId ?? app.applicationId),
          state: String(body.state ?? ""),
          redirectUri: String(body.redirectUri),
          sellerId: body.sellerId as string | undefined,
        }),
      });
    }
    return sendJson(res, 404, { error: "unknown simulator control route" });
  }

  /** Expire the seller's access tokens now (403 "has expired" from here on). */
  function expireAccessTokens(sellerId?: string) {
    for (const t of accessTokens.values()) if (!sellerId || t.sellerId === sellerId) t.expiresAt = clock.now() - 1;
  }

  /** The seller removed the app in Seller Central: every token stops working. */
  function revoke(sellerId: string) {
    for (const r of refreshTokens.values()) if (r.sellerId === sellerId) r.revoked = true;
    for (const [k, t] of accessTokens) if (t.sellerId === sellerId) accessTokens.delete(k);
    for (const [k, t] of rdts) if (t.sellerId === sellerId) rdts.delete(k);
  }

  const server = await listen(async (req, res, url) => {
    const method = req.method ?? "GET";
    if (url.pathname.startsWith("/__sim/")) return control(req, res, url);
    // `/<amazon host>/<path>`: that host of its region; the bare base: North America's three at once.
    const first = url.pathname.split("/")[1] ?? "";
    const named = SIM_HOSTS.get(first);
    const host = named ?? LEGACY_HOST;
    const prefix = named ? `/${first}` : "";
    const path = named ? url.pathname.slice(prefix.length) || "/" : url.pathname;
    const serves = (role: SimHost["role"]) => host.role === "any" || host.role === role;
    if (path === "/apps/authorize/consent" && serves("sellerCentral")) {
      if (method === "GET") {
        if (url.searchParams.get("application_id") !== app.applicationId) {
          return sendHtml(res, 400, "<h1>We're sorry</h1><p>The application id is not valid (simulator).</p>");
        }
        const redirect = url.searchParams.get("redirect_uri");
        if (redirect && !registeredRedirect(redirect)) {
          return sendHtml(res, 400, "<h1>We're sorry</h1><p>The redirect_uri is not one of the application's registered OAuth Redirect URIs (simulator).</p>");
        }
        return sendHtml(res, 200, consentPage(url, host, prefix));
      }
      const form = new URLSearchParams(await readBody(req));
      try {
        const location = approve({
          applicationId: form.get("application_id") ?? "",
          state: form.get("state") ?? "",
          redirectUri: form.get("redirect_uri") ?? "",
          sellerId: form.get("selling_partner_id") ?? undefined,
          region: host.region,
        });
        res.writeHead(302, { location });
        return void res.end();
      } catch (e) {
        return sendHtml(res, 400, `<h1>Authorization failed</h1><p>${escapeHtml((e as Error).message)}</p>`);
      }
    }
    if (path === "/auth/o2/token" && method === "POST" && serves("lwa")) return tokenEndpoint(req, res, host.region);
    const route = serves("spApi") ? operationOf(method, path) : null;
    if (route) return spApi(req, res, url, path, host.region, route.op, route.params);
    return sendJson(res, 404, { errors: [{ code: "NotFound", message: `No route for ${method} ${path} on ${named ? first : "the base URL"}`, details: "" }] });
  }, options.port ?? 0);

  return {
    baseUrl: server.baseUrl,
    /** Where a named Amazon host (e.g. sellingpartnerapi-eu.amazon.com) is served. */
    hostUrl: (host: string) => `${server.baseUrl}/${host}`,
    regions: SIM_REGIONS,
    close: server.close,
    app,
    clock,
    faults,
    defaultSellerId: DEFAULT_SELLER.sellerId,
    sellers,
    orders,
    shipments,
    stock,
    stats,
    calls,
    listings,
    /** The seller edits a listing in Seller Central (e.g. sets the handling time). */
    setListing(sellerId: string, sku: string, fulfillmentAvailability: Record<string, unknown>[]) {
      listings.set(`${sellerId}:${sku}`, { fulfillment_availability: fulfillmentAvailability.map((x) => ({ ...x })) });
    },
    seedOrders,
    setStatus,
    advanceOrders,
    financialGroups,
    settleOrders,
    closeGroup,
    approve,
    revoke,
    expireAccessTokens,
    setRateLimits(next: Record<string, UsagePlan>) {
      Object.assign(plans, next);
      buckets.clear();
    },
    setItemsPageSize(n: number) {
      itemsPageSize = n;
    },
    addSeller(s: Partial<SimSeller> & { sellerId: string }) {
      const seller = { ...DEFAULT_SELLER, ...s };
      sellers.set(seller.sellerId, seller);
      return seller;
    },
  };
}

export type AmazonSimulator = Awaited<ReturnType<typeof startAmazonSimulator>>;
