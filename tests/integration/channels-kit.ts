import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { channelAccounts, products } from "@/db/schema";
import { createAccount } from "@/server/services/channels/accounts";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { receiveWebhook } from "@/server/services/channels/webhooks";
import { createWarehouse } from "@/server/services/catalog/warehouses";
import { moveStock } from "@/server/services/inventory/ledger";
import { inTransaction } from "@/server/context";
import type { OutboxHandler } from "@/server/services/outbox/outbox";
import type { Topic } from "@/server/services/outbox/topics";
import { ShopifySimulator } from "../simulators/shopify/server";
import { afterAll, beforeAll } from "vitest";
import { closeTestDb, createTestOrg, svcCtx, testDb, uid, type TestOrg } from "../helpers/db";

/** Shared set-up of the channels tests: a simulator, a merchant with stock, an authorized shop. */

export async function startSim(opts: ConstructorParameters<typeof ShopifySimulator>[0] = {}) {
  const sim = new ShopifySimulator({ timeoutHoldMs: 3_000, ...opts });
  await sim.start(0);
  process.env.MANIFOLD_SHOPIFY_SIMULATOR_URL = sim.url;
  return sim;
}

/** A Shopify simulator for the whole test file: started before it, stopped (and the test database closed) after it. */
export function shopifySimPerFile(opts: ConstructorParameters<typeof ShopifySimulator>[0] = {}) {
  const file = {} as { sim: ShopifySimulator };
  beforeAll(async () => {
    file.sim = await startSim(opts);
  });
  afterAll(async () => {
    await file.sim.stop();
    await closeTestDb();
  });
  return file;
}

export type Merchant = { org: TestOrg; warehouseId: string; productIds: Record<string, string> };

/** A merchant with SKUs and opening stock in one warehouse. */
export async function merchantWithStock(stock: Record<string, string>): Promise<Merchant> {
  const org = await createTestOrg();
  const ctx = svcCtx(org);
  const wh = await createWarehouse(ctx, { code: "W1", name: "Main", isDefault: true });
  const productIds: Record<string, string> = {};
  for (const [sku, qty] of Object.entries(stock)) {
    const [p] = await testDb().insert(products).values({ orgId: org.orgId, sku, name: `Product ${sku}`, price: "10" }).returning();
    productIds[sku] = p!.id;
    if (qty !== "0") {
      await inTransaction(ctx, (tx) => moveStock(tx, { productId: p!.id, warehouseId: wh.id, kind: "opening", onHandDelta: qty, refType: "opening" }));
    }
  }
  return { org, warehouseId: wh.id, productIds };
}

/** Follow the simulator's authorize page like a browser and return the callback query. */
export async function approveOnSimulator(authorizeUrl: string): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl).then((r) => r.text());
  const href = /id="sim-install" href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, "&");
  if (!href) throw new Error(`no install link on the authorize page: ${page.slice(0, 200)}`);
  const res = await fetch(href, { redirect: "manual" });
  const location = res.headers.get("location");
  if (!location) throw new Error("simulator did not redirect back");
  return new URL(location).searchParams;
}

/** An HTTP endpoint that feeds webhooks to receiveWebhook (what app/api/webhooks/shopify does). */
export async function webhookEndpoint(onPullHint?: (a: { orgId: string; accountId: string }) => Promise<void>) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const out = await receiveWebhook(testDb(), "shopify", headers, Buffer.concat(chunks).toString("utf8"), { onPullHint });
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Create a Shopify account on the simulator and authorize it through the real OAuth flow. */
export async function authorizedShop(sim: ShopifySimulator, m: Merchant, opts: { appUrl?: string; importEnabled?: boolean; pageSize?: number } = {}) {
  const shop = uid("shop-");
  sim.store(shop);
  const ctx = svcCtx(m.org);
  const account = await createAccount(ctx, {
    platform: "shopify",
    alias: `Shop ${shop}`,
    shopDomain: shop,
    useSimulator: true,
    pullMode: "manual",
    importEnabled: opts.importEnabled ?? true,
    settings: opts.pageSize ? { pageSize: opts.pageSize } : {},
  });
  const appUrl = opts.appUrl ?? "http://127.0.0.1:9";
  const { url } = await startAuthorization(ctx, { id: account!.id, appUrl });
  const query = await approveOnSimulator(url);
  const outcome = await completeAuthorization(testDb(), { platform: "shopify", query, userId: m.org.ownerId, appUrl });
  if (!outcome.ok) throw new Error(`authorization failed: ${outcome.error}`);
  const [row] = await testDb().select().from(channelAccounts).where(and(eq(channelAccounts.id, account!.id), eq(channelAccounts.orgId, m.org.orgId)));
  return { shop, account: row! };
}

/**
 * The outbox relay for one merchant's events only (tests share the database with other test files,
 * whose events must not be consumed here): the same claim (SKIP LOCKED) and handlers as relayOnce.
 */
export async function drainOutboxOf(orgId: string, rounds = 20) {
  const { outboxHandlers } = await import("@/server/jobs/outbox-handlers");
  const { completeEvent, failEvent, RetryLater } = await import("@/server/services/outbox/outbox");
  const { outbox } = await import("@/db/schema");
  const { sql } = await import("drizzle-orm");
  const topics = Object.keys(outboxHandlers);
  for (let i = 0; i < rounds; i++) {
    const claimed = await testDb().execute(sql`
      update ${outbox} o set status = 'processing', attempts = o.attempts + 1, available_at = now() + interval '5 minutes'
        from (select id from ${outbox} where org_id = ${orgId} and topic in ${topics} and status = 'pending' and available_at <= now()
              order by available_at limit 100 for update skip locked) c
       where o.id = c.id returning o.id, o.org_id, o.topic, o.payload, o.attempts`);
    const events = claimed as unknown as { id: string; org_id: string; topic: string; payload: Record<string, unknown>; attempts: number }[];
    if (events.length === 0) return;
    for (const e of events) {
      const event = { id: e.id, orgId: e.org_id, topic: e.topic, payload: e.payload, attempts: Number(e.attempts) } as Parameters<OutboxHandler>[0];
      try {
        await completeEvent(testDb(), e.id, (await outboxHandlers[e.topic as Topic](event, testDb())) ?? {});
      } catch (err) {
        await failEvent(testDb(), event, err instanceof Error ? err.message : String(err), err instanceof RetryLater ? { retryAfterMs: err.retryAfterMs } : {});
      }
    }
  }
}
