import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { channelAccounts } from "@/db/schema";
import { CALLBACK_URL_HEADER } from "@/server/channels/shopee/push";
import { PLATFORMS } from "@/server/channels/types";
import { DomainError } from "@/server/errors";
import { runtimeMode } from "@/server/runtime-mode";
import { PLATFORM_SECRETS, platformNotConfigured, unconfiguredPlatforms } from "@/server/secrets";
import { createAccount } from "@/server/services/channels/accounts";
import { startAuthorization } from "@/server/services/channels/oauth";
import { receiveWebhook } from "@/server/services/channels/webhooks";
import { updateProgramme } from "@/server/services/production/programmes";
import { TIANTIAN_DEMO_APP_SECRET } from "@/server/services/production/demo-credentials";
import { svcCtx, testDb } from "../helpers/db";
import { authorizedShop, merchantWithStock, shopifySimPerFile } from "../integration/channels-kit";
import { factory } from "../integration/production-helpers";
import { withEnv } from "./kit";

/**
 * Finding 1: no platform secret with a usable default in production. The development defaults are in
 * the source (and in the simulators), so anything they sign is forgeable: a production server whose
 * platform secret is unset or is that default refuses the platform's webhooks and authorizations.
 */

const PRODUCTION = { NODE_ENV: "production", MANIFOLD_SIMULATORS: undefined };
const NO_PLATFORM_ENV = Object.fromEntries(
  Object.values(PLATFORM_SECRETS)
    .flatMap((s) => [s.secret, ...s.with])
    .map((v) => [v, undefined]),
);

const file = shopifySimPerFile();

function shopifyWebhook(shop: string, topic: string, secret: string) {
  const body = JSON.stringify({ id: 1, domain: shop });
  const headers = new Headers({
    "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    "x-shopify-shop-domain": shop,
    "x-shopify-topic": topic,
    "x-shopify-event-id": `evt-${Math.random().toString(36).slice(2)}`,
    "x-shopify-webhook-id": `wh-${Math.random().toString(36).slice(2)}`,
    "x-shopify-api-version": "2026-10",
  });
  return { headers, body };
}

function shopeePush(shopId: number, partnerKey: string) {
  const body = JSON.stringify({
    code: 2,
    shop_id: shopId,
    timestamp: Math.floor(Date.now() / 1000),
    data: {},
  });
  const url = "https://manifold.example.com/api/webhooks/shopee";
  const headers = new Headers({
    authorization: createHmac("sha256", partnerKey).update(`${url}|${body}`).digest("hex"),
    [CALLBACK_URL_HEADER]: url,
  });
  return { headers, body };
}

const statusOf = async (id: string) =>
  (await testDb().select().from(channelAccounts).where(eq(channelAccounts.id, id)))[0]!.status;

describe("finding 1: platform secrets in production", () => {
  it("the runtime modes are NODE_ENV=production (production), plus MANIFOLD_SIMULATORS=1 (demo), anything else development", () => {
    expect(runtimeMode({ NODE_ENV: "production" })).toBe("production");
    expect(runtimeMode({ NODE_ENV: "production", MANIFOLD_SIMULATORS: "1" })).toBe("demo");
    expect(runtimeMode({ NODE_ENV: "development" })).toBe("development");
    expect(runtimeMode({ NODE_ENV: "test" })).toBe("development");
  });

  it("every platform has its secret in the registry, and each is unconfigured in production when unset or the development default", () => {
    expect(Object.keys(PLATFORM_SECRETS).sort()).toEqual([...PLATFORMS].sort());
    const env = { ...PRODUCTION, ...NO_PLATFORM_ENV } as NodeJS.ProcessEnv;
    expect(unconfiguredPlatforms(env)).toHaveLength(PLATFORMS.length);
    for (const [platform, spec] of Object.entries(PLATFORM_SECRETS)) {
      expect(platformNotConfigured(platform as keyof typeof PLATFORM_SECRETS, env)).toContain(
        `${spec.secret} is not set`,
      );
      const withDefault = {
        ...env,
        [spec.secret]: spec.developmentDefault,
        ...Object.fromEntries(spec.with.map((v) => [v, "set"])),
      };
      expect(platformNotConfigured(platform as keyof typeof PLATFORM_SECRETS, withDefault)).toContain(
        `${spec.secret} is the development default`,
      );
      const real = { ...withDefault, [spec.secret]: `real-${platform}-secret` };
      expect(platformNotConfigured(platform as keyof typeof PLATFORM_SECRETS, real)).toBeNull();
      // Development and demo keep working on the defaults.
      expect(
        platformNotConfigured(platform as keyof typeof PLATFORM_SECRETS, {
          ...NO_PLATFORM_ENV,
          NODE_ENV: "development",
        }),
      ).toBeNull();
      expect(
        platformNotConfigured(platform as keyof typeof PLATFORM_SECRETS, {
          ...NO_PLATFORM_ENV,
          NODE_ENV: "production",
          MANIFOLD_SIMULATORS: "1",
        }),
      ).toBeNull();
    }
  });

  it("a Shopify app/uninstalled forged with the development secret revokes nothing in production, with a log line saying why", async () => {
    const m = await merchantWithStock({});
    const { shop, account } = await authorizedShop(file.sim, m);
    const domain = `${shop}.myshopify.com`;
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const secret of [undefined, PLATFORM_SECRETS.shopify.developmentDefault]) {
        await withEnv(
          {
            ...PRODUCTION,
            ...NO_PLATFORM_ENV,
            SHOPIFY_API_SECRET: secret,
            SHOPIFY_API_KEY: secret && "app-key",
          },
          async () => {
            const forged = shopifyWebhook(
              domain,
              "app/uninstalled",
              PLATFORM_SECRETS.shopify.developmentDefault,
            );
            const out = await receiveWebhook(testDb(), "shopify", forged.headers, forged.body);
            expect(out.status).toBe(503);
            expect(out.accepted).toBe(0);
          },
        );
      }
      expect(
        log.mock.calls.some((c) =>
          /\[webhooks\] refused a shopify webhook: shopify is not configured for production \(SHOPIFY_API_SECRET is not set/.test(
            String(c[0]),
          ),
        ),
      ).toBe(true);
      expect(
        log.mock.calls.some((c) => /SHOPIFY_API_SECRET is the development default/.test(String(c[0]))),
      ).toBe(true);
    } finally {
      log.mockRestore();
    }
    expect(await statusOf(account.id)).toBe("enabled");

    // With its own secret configured, production verifies against that one only.
    await withEnv(
      { ...PRODUCTION, SHOPIFY_API_SECRET: "the-real-app-secret", SHOPIFY_API_KEY: "app-key" },
      async () => {
        const forged = shopifyWebhook(domain, "app/uninstalled", PLATFORM_SECRETS.shopify.developmentDefault);
        expect((await receiveWebhook(testDb(), "shopify", forged.headers, forged.body)).status).toBe(401);
        expect(await statusOf(account.id)).toBe("enabled");
        const genuine = shopifyWebhook(domain, "app/uninstalled", "the-real-app-secret");
        expect((await receiveWebhook(testDb(), "shopify", genuine.headers, genuine.body)).status).toBe(200);
      },
    );
    expect(await statusOf(account.id)).toBe("revoked");
  });

  it("development keeps accepting what the simulators sign with the development secret", async () => {
    const m = await merchantWithStock({});
    const { shop, account } = await authorizedShop(file.sim, m);
    const hook = shopifyWebhook(
      `${shop}.myshopify.com`,
      "app/uninstalled",
      PLATFORM_SECRETS.shopify.developmentDefault,
    );
    expect((await receiveWebhook(testDb(), "shopify", hook.headers, hook.body)).status).toBe(200);
    expect(await statusOf(account.id)).toBe("revoked");
  });

  it("a Shopee push signed with the development partner key is refused in production", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await withEnv({ ...PRODUCTION, ...NO_PLATFORM_ENV }, async () => {
        const push = shopeePush(123456, PLATFORM_SECRETS.shopee.developmentDefault);
        const out = await receiveWebhook(testDb(), "shopee", push.headers, push.body);
        expect(out.status).toBe(503);
      });
      expect(
        log.mock.calls.some((c) =>
          /refused a shopee webhook: .*SHOPEE_PARTNER_KEY is not set/.test(String(c[0])),
        ),
      ).toBe(true);
    } finally {
      log.mockRestore();
    }
  });

  it("authorizing a shop of an unconfigured platform is refused with a clear error (Shopify, Amazon, Shopee)", async () => {
    const m = await merchantWithStock({});
    const ctx = svcCtx(m.org);
    const accounts = [
      await createAccount(ctx, {
        platform: "shopify",
        alias: "S",
        shopDomain: `sec-${m.org.slug}`.slice(0, 40),
        useSimulator: true,
      }),
      await createAccount(ctx, { platform: "amazon", alias: "A", useSimulator: true }),
      await createAccount(ctx, { platform: "shopee", alias: "P", useSimulator: true }),
    ];
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await withEnv({ ...PRODUCTION, ...NO_PLATFORM_ENV }, async () => {
        for (const a of accounts) {
          const e = await startAuthorization(ctx, {
            id: a!.id,
            appUrl: "https://manifold.example.com",
          }).catch((x: unknown) => x);
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).messageRef.key).toBe("platformNotConfigured");
        }
      });
    } finally {
      log.mockRestore();
    }
  });

  it("the demo 天天工厂 secret cannot be saved in production", async () => {
    const f = await factory({ map: true });
    await withEnv(PRODUCTION, async () => {
      const e = await updateProgramme(f.ctx, {
        id: f.programme.id,
        name: "天天工厂",
        endpointUrl: "https://factory.example.com/p",
        appKey: "k",
        appSecret: TIANTIAN_DEMO_APP_SECRET,
      }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).fieldErrors?.appSecret?.key).toBe("secretIsDevelopmentDefault");
    });
  });
});
