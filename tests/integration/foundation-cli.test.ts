import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { and, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/db";
import { channelAccounts, organizations } from "@/db/schema";
import { readCredentials, sealedCredentials } from "@/server/services/channels/accounts";
import { createCaller } from "@/server/api/root";
import { verifyCredentials } from "@/server/services/auth/sign-in";
import { DEMO, demoPassword } from "@/server/services/seed/demo";
import { uid } from "../helpers/db";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/** The admin CLI as an operator runs it: a child process with DATABASE_URL (its own fresh database). */
function cli(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/manifold.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, ...env },
    timeout: 180_000,
  });
}

async function cliFails(args: string[]) {
  try {
    await cli(args);
  } catch (e) {
    return e as { code: number; stdout: string; stderr: string };
  }
  throw new Error(`expected \`${args.join(" ")}\` to fail`);
}

const dbName = `manifold_cli_${uid("")}`;
let adminUrl: string;
let url: string;
let handle: ReturnType<typeof createDb>;

beforeAll(async () => {
  const base = new URL(inject("databaseUrl"));
  adminUrl = Object.assign(new URL(base), { pathname: "/postgres" }).toString();
  url = Object.assign(new URL(base), { pathname: `/${dbName}` }).toString();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  await admin.end();
  await cli(["db:migrate"]);
  handle = createDb(url, 2);
}, 300_000);

afterAll(async () => {
  await handle?.sql.end();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
});

/** Row count of every table in the database. */
async function rowCounts() {
  const tables = await handle.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table_name)}`);
    counts[table_name] = row!.n;
  }
  return counts;
}

describe("admin CLI", () => {
  it("seed:demo creates the demo merchant, and running it again changes nothing", async () => {
    const first = await cli(["seed:demo"]);
    expect(first.stdout).toContain(DEMO.email);
    const before = await rowCounts();
    expect(before.products).toBeGreaterThanOrEqual(6);
    expect(before.customers).toBeGreaterThanOrEqual(1);
    const second = await cli(["seed:demo"]);
    expect(second.stderr).toContain("nothing changed");
    expect(await rowCounts()).toEqual(before);
    const user = await verifyCredentials(handle.db, { email: DEMO.email, password: demoPassword(), ip: "cli-test" });
    expect(user.email).toBe(DEMO.email);
  }, 300_000);

  it("apikey:create --org demo prints only the key, and the key authenticates", async () => {
    const { stdout } = await cli(["apikey:create", "--org", "demo", "--name", "erp"]);
    expect(stdout).toMatch(/^mk_[A-Za-z0-9_-]{20,}\n$/);
    const caller = createCaller({ db: handle.db, locale: "en", session: null, authorization: `Bearer ${stdout.trim()}` });
    const me = await caller.account.me();
    expect(me.org.slug).toBe("demo");
    const skus = (await caller.products.list({ search: "0002100" })).items.map((p) => p.sku).sort();
    expect(skus).toEqual(["00021002", "00021003"]);
    const err = await cliFails(["apikey:create", "--org", "no-such-merchant"]);
    expect(err.code).toBe(1);
    expect(err.stdout).toBe("");
  }, 300_000);

  it("org:create makes a merchant whose owner can sign in; a taken handle is refused", async () => {
    const slug = `cli-${uid("")}`;
    const email = `${slug}@test.local`;
    const { stdout } = await cli(["org:create", "--name", "CLI 商户", "--slug", slug, "--email", email, "--password", "cli-password-1"]);
    expect(stdout).toContain(slug);
    const user = await verifyCredentials(handle.db, { email, password: "cli-password-1", ip: "cli-test" });
    const caller = createCaller({ db: handle.db, locale: "en", session: { userId: user.id, orgId: null }, authorization: null });
    expect(await caller.account.me()).toMatchObject({ org: { slug, name: "CLI 商户" }, role: "owner" });
    expect((await caller.deliveryMethods.list({})).length).toBe(6);

    const dup = await cliFails(["org:create", "--name", "x", "--slug", slug, "--email", `other-${email}`, "--password", "cli-password-1"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("slugTaken");
    const missing = await cliFails(["org:create", "--name", "x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --(slug|email|password)/);
  }, 300_000);

  it("tokens:reencrypt re-seals the stored marketplace tokens under a new key version", async () => {
    await cli(["seed:demo"]);
    const [org] = await handle.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, "demo"));
    const [account] = await handle.db.select().from(channelAccounts).where(and(eq(channelAccounts.orgId, org!.id), eq(channelAccounts.platform, "shopee")));
    process.env.MANIFOLD_SECRET = "cli-old-secret";
    process.env.MANIFOLD_SECRET_VERSION = "1";
    const creds = { accessToken: "cli-access", accessTokenExpiresAt: null, refreshToken: "cli-refresh", refreshTokenExpiresAt: null };
    await handle.db.update(channelAccounts).set(sealedCredentials(account!, creds)).where(eq(channelAccounts.id, account!.id));

    const rotated = { MANIFOLD_SECRET: "cli-new-secret", MANIFOLD_SECRET_VERSION: "2", MANIFOLD_SECRET_V1: "cli-old-secret" };
    const { stdout } = await cli(["tokens:reencrypt"], rotated);
    expect(stdout).toContain("re-encrypted 1 account(s) under key version 2");
    Object.assign(process.env, rotated);
    const [row] = await handle.db.select().from(channelAccounts).where(eq(channelAccounts.id, account!.id));
    expect(row!.tokenKeyVersion).toBe(2);
    expect(readCredentials(row!)).toMatchObject({ accessToken: "cli-access", refreshToken: "cli-refresh" });
    expect((await cli(["tokens:reencrypt", "--org", "demo"], rotated)).stdout).toContain("re-encrypted 0 account(s)");
  }, 300_000);
});
