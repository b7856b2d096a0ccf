import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as oauthCallback } from "@/app/api/oauth/[platform]/callback/route";
import { users } from "@/db/schema";
import { isCrossSiteWrite } from "@/server/api/request-context";
import { AppUrlNotConfigured, appUrlOf } from "@/server/channels/app-url";
import { DomainError } from "@/server/errors";
import { DEMO_DEFAULT_PASSWORD, getSecret, productionStartProblems, SERVER_SECRET_SOURCE_VALUES } from "@/server/secrets";
import { hashPassword } from "@/server/services/auth/passwords";
import { verifyCredentials } from "@/server/services/auth/sign-in";
import { DEMO_SEED_REFUSED, DemoSeedRefused, demoPassword, seedDemo } from "@/server/services/seed/demo";
import { closeTestDb, testDb, uid } from "../helpers/db";
import { withEnv } from "./kit";

/**
 * Findings 1 (same class): no usable default for the server's own secrets, the demo password or the
 * public origin in production. A production server refuses to start without AUTH_SECRET /
 * MANIFOLD_SECRET (or with a value from the source) and without APP_URL (or trusted proxies);
 * `appUrlOf` never takes a client's X-Forwarded-Host there; `seed:demo` refuses unless forced, and the
 * published demo password signs nobody in.
 */

// next-auth cannot load outside Next; the callback is called signed out.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

afterAll(closeTestDb);

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const PRODUCTION = { NODE_ENV: "production", MANIFOLD_SIMULATORS: undefined } as const;
const GOOD = {
  AUTH_SECRET: "a-real-auth-secret-a-real-auth-secret-0",
  MANIFOLD_SECRET: "a-real-token-key-a-real-token-key-000",
  APP_URL: "https://oms.example.com",
};
const env = (vars: Record<string, string | undefined>) => vars as NodeJS.ProcessEnv;

/** A request as a client chose to send it: X-Forwarded-Host / -Proto of its liking. */
const forged = (extra: Record<string, string> = {}) =>
  new Request("http://10.0.0.5:3000/api/oauth/shopify/callback", {
    headers: { host: "10.0.0.5:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", ...extra },
  });

describe("finding 1 (same class): the public origin (appUrlOf) in production", () => {
  it("is APP_URL, whatever X-Forwarded-Host says", () => {
    expect(appUrlOf(forged(), env({ ...PRODUCTION, APP_URL: "https://oms.example.com/" }))).toBe("https://oms.example.com");
  });

  it("without APP_URL and without trusted proxies it is refused, never the client's X-Forwarded-Host or Host", () => {
    expect(() => appUrlOf(forged(), env({ ...PRODUCTION }))).toThrow(AppUrlNotConfigured);
    expect(() => appUrlOf(forged(), env({ ...PRODUCTION }))).toThrow(/APP_URL is not set/);
  });

  it("behind TRUSTED_PROXY_HOPS proxies it is what our outermost proxy wrote, not what the client prepended", () => {
    const req = forged({ "x-forwarded-host": "evil.example, oms.example.com", "x-forwarded-proto": "http, https" });
    expect(appUrlOf(req, env({ ...PRODUCTION, TRUSTED_PROXY_HOPS: "1" }))).toBe("https://oms.example.com");
    // A proxy that replaces the header: its one value.
    expect(appUrlOf(forged({ "x-forwarded-host": "oms.example.com" }), env({ ...PRODUCTION, TRUSTED_PROXY_HOPS: "1" }))).toBe(
      "https://oms.example.com",
    );
    // Something that is not a host (a path, a user part) is refused rather than used.
    expect(() => appUrlOf(forged({ "x-forwarded-host": "evil.example/x" }), env({ ...PRODUCTION, TRUSTED_PROXY_HOPS: "1" }))).toThrow(
      AppUrlNotConfigured,
    );
  });

  it("the OAuth callback sends the browser back to APP_URL, never to a forwarded host; without APP_URL it answers 503", async () => {
    const params = { params: Promise.resolve({ platform: "shopify" }) };
    const back = await withEnv({ ...PRODUCTION, APP_URL: "https://oms.example.com" }, () => oauthCallback(forged(), params));
    expect(back.status).toBe(303);
    expect(new URL(back.headers.get("location")!).origin).toBe("https://oms.example.com");
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const refused = await withEnv({ ...PRODUCTION, APP_URL: undefined, TRUSTED_PROXY_HOPS: undefined }, () => oauthCallback(forged(), params));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("location")).toBeNull();
    expect(log.mock.calls.flat().join(" ")).toContain("APP_URL is not set");
    log.mockRestore();
  });

  it("development and demo keep the origin the request came in on", () => {
    expect(appUrlOf(forged(), env({ NODE_ENV: "development" }))).toBe("https://evil.example");
    expect(appUrlOf(new Request("http://127.0.0.1:3000/x", { headers: { host: "127.0.0.1:3000" } }), env({ NODE_ENV: "production", MANIFOLD_SIMULATORS: "1" }))).toBe(
      "http://127.0.0.1:3000",
    );
  });

  it("the cross-site write check compares Origin with that origin, not with a client's X-Forwarded-Host", async () => {
    const write = (origin: string, host: string) =>
      new Request("http://10.0.0.5:3000/api/trpc/x", {
        method: "POST",
        headers: { "content-type": "application/json", origin, host: "10.0.0.5:3000", "x-forwarded-host": host },
      });
    await withEnv({ ...PRODUCTION, APP_URL: "https://oms.example.com" }, () => {
      expect(isCrossSiteWrite(write("https://evil.example", "evil.example"))).toBe(true);
      expect(isCrossSiteWrite(write("https://oms.example.com", "evil.example"))).toBe(false);
    });
  });
});

describe("finding 1 (same class): the server's own secrets in production", () => {
  it("a production server without AUTH_SECRET, MANIFOLD_SECRET and APP_URL lists each with what to set", () => {
    const problems = productionStartProblems(env({ ...PRODUCTION }));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^AUTH_SECRET is not set: set AUTH_SECRET /);
    expect(problems[0]).toContain("openssl rand -base64 32");
    expect(problems[1]).toMatch(/^MANIFOLD_SECRET is not set/);
    expect(problems[2]).toMatch(/^APP_URL is not set/);
    expect(productionStartProblems(env({ ...PRODUCTION, ...GOOD }))).toEqual([]);
    // TRUSTED_PROXY_HOPS instead of APP_URL: the proxies say the origin.
    expect(productionStartProblems(env({ ...PRODUCTION, ...GOOD, APP_URL: undefined, TRUSTED_PROXY_HOPS: "1" }))).toEqual([]);
  });

  it("refuses the values written in the source (browser tests, benchmarks) and short ones", () => {
    for (const value of SERVER_SECRET_SOURCE_VALUES.AUTH_SECRET) {
      expect(productionStartProblems(env({ ...PRODUCTION, ...GOOD, AUTH_SECRET: value }))).toEqual([
        expect.stringMatching(/^AUTH_SECRET is a value written in the source/),
      ]);
    }
    expect(productionStartProblems(env({ ...PRODUCTION, ...GOOD, MANIFOLD_SECRET: SERVER_SECRET_SOURCE_VALUES.MANIFOLD_SECRET[0] }))).toEqual([
      expect.stringMatching(/^MANIFOLD_SECRET is a value written in the source/),
    ]);
    expect(productionStartProblems(env({ ...PRODUCTION, ...GOOD, AUTH_SECRET: "short" }))).toEqual([
      expect.stringMatching(/^AUTH_SECRET is shorter than 32 characters/),
    ]);
    expect(productionStartProblems(env({ ...PRODUCTION, ...GOOD, APP_URL: "oms.example.com" }))).toEqual([expect.stringMatching(/^APP_URL must be/)]);
  });

  it("development and demo need none of them (generated secrets, request origin)", () => {
    expect(productionStartProblems(env({ NODE_ENV: "development" }))).toEqual([]);
    expect(productionStartProblems(env({ NODE_ENV: "production", MANIFOLD_SIMULATORS: "1" }))).toEqual([]);
  });

  it("getSecret does not generate a secret in production: it throws saying what to set", async () => {
    await withEnv({ ...PRODUCTION, AUTH_SECRET: undefined }, () => {
      expect(() => getSecret("AUTH_SECRET")).toThrow(/AUTH_SECRET is not set/);
    });
    await withEnv({ ...PRODUCTION, MANIFOLD_SECRET: GOOD.MANIFOLD_SECRET }, () => {
      expect(getSecret("MANIFOLD_SECRET")).toBe(GOOD.MANIFOLD_SECRET);
    });
  });

  it("`npm start` in production without them exits 1 before touching a database, naming each setting", async () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !["AUTH_SECRET", "MANIFOLD_SECRET", "APP_URL", "TRUSTED_PROXY_HOPS", "MANIFOLD_SIMULATORS"].includes(k)));
    const failed = await run(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/start.ts"], {
      cwd: ROOT,
      // An unreachable database: the refusal must come first.
      env: { ...clean, NODE_ENV: "production", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
      timeout: 120_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    const stderr = (failed as { stderr: string }).stderr;
    expect(stderr).toContain("AUTH_SECRET is not set");
    expect(stderr).toContain("MANIFOLD_SECRET is not set");
    expect(stderr).toContain("APP_URL is not set");
    expect(stderr).toContain("refusing to start in production");
    expect(stderr).not.toMatch(/ECONNREFUSED|migrat/i);
  }, 120_000);
});

describe("finding 1 (same class): the demo merchant and its password in production", () => {
  it("seedDemo refuses in production unless forced, before writing anything", async () => {
    await expect(seedDemo(testDb(), { env: env({ ...PRODUCTION }) })).rejects.toThrow(DemoSeedRefused);
    await expect(seedDemo(testDb(), { env: env({ ...PRODUCTION }) })).rejects.toThrow(DEMO_SEED_REFUSED);
  });

  it("`seed:demo` in production exits 2 saying how to force it", async () => {
    const failed = await run(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/manifold.ts", "seed:demo"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", MANIFOLD_SIMULATORS: "", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
      timeout: 120_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain("--force-production");
  }, 120_000);

  it("a forced production seed never uses the published password: DEMO_PASSWORD (12+ characters) or a random one", () => {
    expect(demoPassword(env({ ...PRODUCTION }))).not.toBe(DEMO_DEFAULT_PASSWORD);
    expect(demoPassword(env({ ...PRODUCTION }))).not.toBe(demoPassword(env({ ...PRODUCTION })));
    expect(demoPassword(env({ ...PRODUCTION, DEMO_PASSWORD: DEMO_DEFAULT_PASSWORD }))).not.toBe(DEMO_DEFAULT_PASSWORD);
    expect(demoPassword(env({ ...PRODUCTION, DEMO_PASSWORD: "short" }))).not.toBe("short");
    expect(demoPassword(env({ ...PRODUCTION, DEMO_PASSWORD: "a-long-chosen-password" }))).toBe("a-long-chosen-password");
    // Development and demo: the README's password.
    expect(demoPassword(env({ NODE_ENV: "development" }))).toBe(DEMO_DEFAULT_PASSWORD);
    expect(demoPassword(env({ NODE_ENV: "production", MANIFOLD_SIMULATORS: "1" }))).toBe(DEMO_DEFAULT_PASSWORD);
  });

  it("the published demo password signs nobody in on a production server (a demo owner seeded there before)", async () => {
    const email = `${uid("demo")}@test.local`;
    await testDb().insert(users).values({ email, name: "Demo", passwordHash: await hashPassword(DEMO_DEFAULT_PASSWORD) });
    const attempt = () => verifyCredentials(testDb(), { email, password: DEMO_DEFAULT_PASSWORD, ip: `192.0.2.${Math.floor(Math.random() * 250)}` });
    const refused = await withEnv({ ...PRODUCTION }, () => attempt().catch((e: unknown) => e));
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe("UNAUTHORIZED");
    await expect(attempt()).resolves.toMatchObject({ email });
  });
});
