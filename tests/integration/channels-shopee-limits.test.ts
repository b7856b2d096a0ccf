import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOPEE_SIMULATOR_PARTNER } from "@/server/channels/shopee/config";
import { createShopeeConnector } from "@/server/channels/shopee/connector";
import { shopeeSign } from "@/server/channels/shopee/sign";
import type { ChannelAccountRef, ChannelConnector, ChannelCredentials, NormalizedOrder } from "@/server/channels/types";
import { SIM_SHOPEE_PUSH_RETRY, SIM_SHOPEE_RATE_LIMIT, startShopeeSimulator, type ShopeeSimulator } from "../simulators/shopee/server";

/**
 * Issue 17 (Shopee simulator strictness): per-second call limits per partner and per shop are ON by
 * default and the connector waits them out (error_rate_limit, a full one-second window, without using up
 * its failure retries), the daily quota (error_limit) is not retried; pushes are retried on the
 * simulator's schedule until acknowledged with a 2xx and an EMPTY body, and given up pushes are "lost"
 * and readable through v2.push.get_lost_push_message.
 */

let sim: ShopeeSimulator;
const REDIRECT = "https://oms.test/api/oauth/shopee/callback";
const DAY = 86400_000;

beforeAll(async () => {
  sim = await startShopeeSimulator(); // defaults: limits on
});
afterAll(async () => {
  await sim.close();
});

/** The connector as the other Shopee tests configure it: short failure backoff (20–200 ms, 5 tries). */
function connector(): ChannelConnector {
  return createShopeeConnector({
    ...SHOPEE_SIMULATOR_PARTNER,
    retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 5_000 },
    now: () => sim.clock.now(),
  });
}

const account = (shopId: number | null): ChannelAccountRef => ({
  id: `acct-${shopId}`,
  orgId: "org",
  platform: "shopee",
  externalShopId: shopId === null ? null : String(shopId),
  settings: {},
  baseUrl: sim.baseUrl,
});

let shopSeq = 920000;
async function authorizedShop() {
  const shopId = ++shopSeq;
  sim.addShop({ shopId, shopName: `Shop ${shopId}` });
  const c = connector();
  const link = new URL(c.authorizeUrl({ account: account(null), state: "st", redirectUri: REDIRECT }));
  const callback = new URL(sim.approve({ redirect: link.searchParams.get("redirect")!, shopId }));
  const { credentials } = await c.completeAuthorization({ account: account(null), query: callback.searchParams, redirectUri: REDIRECT });
  return { shopId, acct: account(shopId), credentials };
}

async function pullAll(c: ChannelConnector, acct: ChannelAccountRef, credentials: ChannelCredentials) {
  const orders: NormalizedOrder[] = [];
  let cursor: string | null = null;
  const from = new Date(sim.clock.now() - 8 * DAY);
  const to = new Date(sim.clock.now());
  do {
    const page = await c.listOrders({ account: acct, credentials, from, to, cursor });
    orders.push(...page.orders);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

const throttledCalls = () => Object.values(sim.stats).reduce((n, s) => n + (s.errors.error_rate_limit ?? 0), 0);

describe("Shopee call limits (on by default)", () => {
  it("refuses calls over the per-shop limit with error_rate_limit, and the connector waits the window out", async () => {
    expect(SIM_SHOPEE_RATE_LIMIT.perShopPerSecond).toBeLessThan(20);
    const { shopId, acct, credentials } = await authorizedShop();
    const sns = sim.seedOrders({ shopId, count: 600, itemsPerOrder: 1 });
    const before = throttledCalls();
    // 6 list pages + 12 detail batches: more calls than one shop may make in a second.
    const orders = await pullAll(connector(), acct, credentials);
    expect(orders.map((o) => o.platformOrderId).sort()).toEqual([...sns].sort());
    expect(throttledCalls() - before).toBeGreaterThan(0);
  });

  it("shares the partner's per-second limit across shops pulled at the same time", async () => {
    sim.setRateLimit({ perPartnerPerSecond: 12 });
    try {
      const shops = [await authorizedShop(), await authorizedShop(), await authorizedShop()];
      const seeded = shops.map((s) => sim.seedOrders({ shopId: s.shopId, count: 300, itemsPerOrder: 1 }));
      const before = throttledCalls();
      const pulled = await Promise.all(shops.map((s) => pullAll(connector(), s.acct, s.credentials)));
      pulled.forEach((orders, i) => expect(orders.map((o) => o.platformOrderId).sort()).toEqual([...seeded[i]!].sort()));
      expect(throttledCalls() - before).toBeGreaterThan(0);
    } finally {
      sim.setRateLimit();
    }
  });

  it("does not retry the daily quota (error_limit): rate_limited until 00:00 UTC+8", async () => {
    const { acct, credentials } = await authorizedShop();
    sim.setRateLimit({ dailyCallLimit: 2 });
    try {
      const c = connector();
      await c.verify({ account: acct, credentials });
      await c.verify({ account: acct, credentials });
      const requests = sim.stats["shop.get_shop_info"]!.requests;
      const err = await c.verify({ account: acct, credentials }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "rate_limited", opts: { platformCode: "error_limit" } });
      const utc8 = sim.clock.now() + 8 * 3600_000;
      const untilMidnight = DAY - (utc8 % DAY);
      expect(Math.abs((err as { opts: { retryAfterMs: number } }).opts.retryAfterMs - untilMidnight)).toBeLessThan(60_000);
      expect(sim.stats["shop.get_shop_info"]!.requests - requests).toBe(1);
    } finally {
      sim.setRateLimit();
    }
  });
});

describe("Shopee push retries", () => {
  let receiver: http.Server;
  let url: string;
  let answer: { status: number; body: string } = { status: 204, body: "" };
  const received: string[] = [];
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => {
        received.push(Buffer.concat(chunks).toString("utf8"));
        res.writeHead(answer.status).end(answer.body);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    sim.setPush({ callbackUrl: null, duplicates: 0, hold: false });
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const publicCall = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const ts = Math.floor(sim.clock.now() / 1000);
    const q = new URLSearchParams({ partner_id: String(SHOPEE_SIMULATOR_PARTNER.partnerId), timestamp: String(ts), sign: shopeeSign({ ...SHOPEE_SIMULATOR_PARTNER, path, timestamp: ts }) });
    const res = await fetch(`${sim.baseUrl}${path}?${q}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as { error: string; response?: { push_message_list: { code: number; shop_id?: number; data: string }[]; has_next_page: boolean; last_message_id: number } };
  };

  it("counts a 2xx with a body as not received and retries it on the schedule, until a 2xx with an empty body", async () => {
    const { shopId } = await authorizedShop();
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["UNPAID"] });
    sim.setPush({ callbackUrl: url, duplicates: 0, hold: true });
    answer = { status: 200, body: "ok" };
    sim.setStatus(sn!, "READY_TO_SHIP");
    await sim.flushPushes();
    const d = sim.pushes.find((p) => p.body.includes(sn!))!;
    expect(d.attempts).toHaveLength(1);
    expect(d.state).toBe("pending");

    answer = { status: 204, body: "" };
    const [firstDelay] = SIM_SHOPEE_PUSH_RETRY.retryDelaysSec;
    sim.clock.advance(firstDelay! * 1000 - 5_000);
    await sim.deliverDuePushes();
    expect(d.attempts).toHaveLength(1); // not due yet
    sim.clock.advance(5_000);
    await sim.deliverDuePushes();
    expect(d.attempts).toHaveLength(2);
    expect(d.state).toBe("delivered");
    expect(d.attempts[1]!.at - d.attempts[0]!.at).toBeGreaterThanOrEqual(firstDelay! * 1000);
    expect(received.filter((b) => b.includes(sn!))).toHaveLength(2);
  });

  it("gives a push up after the last retry; the lost push is read and confirmed through v2.push", async () => {
    const { shopId } = await authorizedShop();
    const [sn] = sim.seedOrders({ shopId, count: 1, statuses: ["UNPAID"] });
    sim.setPush({ callbackUrl: url, duplicates: 0, hold: true });
    answer = { status: 500, body: "" };
    sim.setStatus(sn!, "READY_TO_SHIP");
    await sim.flushPushes();
    const d = sim.pushes.find((p) => p.body.includes(sn!))!;
    for (const delay of SIM_SHOPEE_PUSH_RETRY.retryDelaysSec) {
      expect(d.state).toBe("pending");
      sim.clock.advance(delay * 1000);
      await sim.deliverDuePushes();
    }
    expect(d.attempts).toHaveLength(SIM_SHOPEE_PUSH_RETRY.retryDelaysSec.length + 1);
    expect(d.state).toBe("lost");

    const lost = await publicCall("GET", "/api/v2/push/get_lost_push_message");
    expect(lost.error).toBe("");
    const mine = lost.response!.push_message_list.filter((m) => m.data.includes(sn!));
    expect(mine).toMatchObject([{ code: 3, shop_id: shopId }]);
    expect(JSON.parse(mine[0]!.data)).toMatchObject({ code: 3, data: { ordersn: sn, status: "READY_TO_SHIP" } });
    expect(lost.response!.has_next_page).toBe(false);

    expect((await publicCall("POST", "/api/v2/push/confirm_consumed_lost_push_message", { last_message_id: lost.response!.last_message_id })).error).toBe("");
    const after = await publicCall("GET", "/api/v2/push/get_lost_push_message");
    expect(after.response!.push_message_list.filter((m) => m.data.includes(sn!))).toEqual([]);
    answer = { status: 204, body: "" };
  });
});
