import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { GET as exportRoute } from "@/app/api/export/[entity]/route";
import { CreateAccountInput } from "@/lib/validators/channels";
import { createAccount } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { DomainError } from "@/server/errors";
import { closeTestDb, createTestOrg, newApiKey, sessionCaller, svcCtx } from "../helpers/db";

// next-auth cannot load outside Next; the export route is called with an API key.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

/**
 * The new-account form sends every field it has, so an Amazon or Shopee account arrives with the
 * (hidden) Shopify shop field empty: that is no value, not a bad one. A Shopify account still needs it.
 */
beforeAll(() => {
  process.env.DATABASE_URL ??= inject("databaseUrl");
});
afterAll(closeTestDb);

const form = (platform: "shopify" | "amazon" | "shopee", shopDomain: string) => ({
  platform,
  alias: `${platform} ${Math.random().toString(36).slice(2, 8)}`,
  shopDomain,
  useSimulator: true,
  pullMode: "manual" as const,
  pullIntervalMinutes: 15,
  importEnabled: true,
  settings: {},
});

describe("platform account form input", () => {
  it("accepts an empty shop field for platforms that learn the shop on authorization", async () => {
    expect(CreateAccountInput.safeParse(form("amazon", "")).success).toBe(true);
    expect(CreateAccountInput.safeParse(form("shopee", "")).success).toBe(true);
    const org = await createTestOrg();
    const ctx = svcCtx(org);
    const amazon = await createAccount(ctx, form("amazon", ""));
    const shopee = await createAccount(ctx, form("shopee", ""));
    expect(amazon?.platform).toBe("amazon");
    expect(shopee?.platform).toBe("shopee");
    expect(amazon?.externalShopId ?? null).toBeNull();
  });

  it("still requires the shop domain for Shopify, as a field error", async () => {
    const org = await createTestOrg();
    const err = await createAccount(svcCtx(org), form("shopify", "")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(Object.keys((err as DomainError).fieldErrors ?? {})).toEqual(["shopDomain"]);
    const bad = CreateAccountInput.safeParse(form("shopify", "not a domain!"));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["shopDomain"]);
  });
});

describe("SKU mapping export", () => {
  it("exports the mappings of the account chosen on screen only, and refuses a malformed account id", async () => {
    const org = await createTestOrg();
    const ctx = svcCtx(org);
    await sessionCaller(org.ownerId, org.orgId).products.create({ sku: "EXP-1", name: "Export item", price: "1" });
    const a = await createAccount(ctx, form("amazon", ""));
    const b = await createAccount(ctx, form("shopee", ""));
    await saveSkuMapping(ctx, { accountId: a!.id, platformSku: "AMZ-EXP-1", items: [{ sku: "EXP-1", quantity: "1" }] });
    await saveSkuMapping(ctx, { accountId: b!.id, platformSku: "SHP-EXP-1", items: [{ sku: "EXP-1", quantity: "2" }] });
    const key = await newApiKey(org, "viewer");
    const call = (query: string) =>
      exportRoute(new Request(`http://test.local/api/export/sku-mappings?${query}`, { headers: { authorization: `Bearer ${key}` } }), {
        params: Promise.resolve({ entity: "sku-mappings" }),
      });
    const rows = async (query: string) => {
      const res = await call(query);
      expect(res.status).toBe(200);
      return Papa.parse<string[]>((await res.text()).replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data.slice(1);
    };
    expect((await rows("format=csv")).map((r) => r[1]).sort()).toEqual(["AMZ-EXP-1", "SHP-EXP-1"]);
    expect((await rows(`format=csv&accountId=${b!.id}`)).map((r) => r[1])).toEqual(["SHP-EXP-1"]);
    expect((await call("format=csv&accountId=not-an-id")).status).toBe(400);
  });
});
