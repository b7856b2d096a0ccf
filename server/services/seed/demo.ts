import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { systemContext, type OrgScope, type TxContext } from "@/server/context";
import { customerAddresses, customers, memberships, organizations, products, users, warehouses } from "@/db/schema";
import { runtimeMode } from "@/server/runtime-mode";
import { DEMO_DEFAULT_PASSWORD } from "@/server/secrets";
import { hashPassword } from "../auth/passwords";
import { seedDemoChannels } from "../channels/demo";
import { seedOpeningStock } from "../inventory/opening";
import { seedAgreementTypes } from "../orders/agreement-types";
import { createOrganization } from "../orgs/orgs";
import { seedProductionDemo } from "../production/demo";
import { seedProgrammes } from "../production/programmes";

export const DEMO = { slug: "demo", name: "演示工厂 Demo Factory", email: "demo@manifold.local" };

/** seed:demo in production without `--force-production`. */
export class DemoSeedRefused extends Error {}

/**
 * The demo owner's password. Development and demo: DEMO_PASSWORD, else the published default (the
 * README's). Production: DEMO_PASSWORD when it is set, at least 12 characters and not the default;
 * otherwise a fresh random one (the CLI prints it once) — never a value anyone can read in the source.
 */
export function demoPassword(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.DEMO_PASSWORD;
  if (runtimeMode(env) !== "production") return set || DEMO_DEFAULT_PASSWORD;
  if (set && set !== DEMO_DEFAULT_PASSWORD && set.length >= 12) return set;
  return randomBytes(12).toString("base64url");
}

export const DEMO_SEED_REFUSED =
  "seed:demo creates merchant \"demo\" with a published sign-in; refused in production (NODE_ENV=production). " +
  "Pass --force-production to seed it anyway: its password is then DEMO_PASSWORD (12+ characters) or a random one, printed once.";

const DEMO_PRODUCTS = [
  { sku: "00021002", name: "纯棉圆领T恤", spec: "白色 / L", barcode: "6901234000212", unit: "件", price: "29.9000", weight: "0.2500" },
  { sku: "00021003", name: "纯棉圆领T恤", spec: "黑色 / XL", barcode: "6901234000229", unit: "件", price: "29.9000", weight: "0.2600" },
  { sku: "00031003", name: "牛仔直筒裤", spec: "蓝色 / 32", barcode: "6901234000311", unit: "条", price: "89.0000", weight: "0.6000" },
  { sku: "00041001", name: "针织开衫", spec: "米色 / M", barcode: "6901234000410", unit: "件", price: "129.0000", weight: "0.4500" },
  { sku: "00051001", name: "帆布托特包", spec: "原色", barcode: "6901234000519", unit: "个", price: "39.0000", weight: "0.3000" },
  { sku: "00061001", name: "运动短袜（三双装）", spec: "混色 / 均码", barcode: "6901234000618", unit: "包", price: "19.9000", weight: "0.1500" },
];

const DEMO_WAREHOUSES = [
  { code: "WH-SZ", name: "深圳主仓", province: "广东省", city: "深圳市", district: "宝安区", street: "福永街道凤凰工业区 8 栋", isDefault: true },
  { code: "WH-YW", name: "义乌分仓", province: "浙江省", city: "金华市", district: "义乌市", street: "北苑街道春晗路 66 号", isDefault: false },
];

type DemoSeeder = (ctx: TxContext) => Promise<void>;

/** Domains add their demo data here; each seeder must be idempotent. */
export const demoSeeders: DemoSeeder[] = [
  (ctx) =>
    seedOpeningStock(ctx, [
      ...DEMO_PRODUCTS.map((p) => ({ sku: p.sku, warehouse: "WH-SZ", qty: "100" })),
      { sku: "00021002", warehouse: "WH-YW", qty: "40" },
      { sku: "00021003", warehouse: "WH-YW", qty: "40" },
    ]),
  // Merchants created before agreement types were seeded at sign-up get them here.
  seedAgreementTypes,
  // The demo Shopify shop on the local simulator, with SKU mappings (one SKU left unmapped).
  seedDemoChannels,
  // 天天工厂 (for merchants created before it was seeded), operations and two routes, one mapped.
  seedProgrammes,
  seedProductionDemo,
];

/**
 * Create (or complete) merchant `demo` with its owner and master data. Idempotent: a second run finds
 * everything in place and changes nothing. `password` is the owner's when this run created it (null when
 * the owner already existed). Refused in production unless `forceProduction` (DEMO_SEED_REFUSED).
 */
export async function seedDemo(
  db: Db,
  opts: { forceProduction?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<{ created: boolean; orgId: string; password: string | null }> {
  const env = opts.env ?? process.env;
  if (runtimeMode(env) === "production" && !opts.forceProduction) throw new DemoSeedRefused(DEMO_SEED_REFUSED);
  return db.transaction(async (tx) => {
    let password: string | null = null;
    let created = false;
    let [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, DEMO.slug));
    if (!org) {
      org = await createOrganization(tx, { name: DEMO.name, slug: DEMO.slug });
      created = true;
    }
    const orgId = org.id;
    let [user] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${DEMO.email}`);
    if (!user) {
      password = demoPassword(env);
      [user] = await tx
        .insert(users)
        .values({ email: DEMO.email, name: "演示用户", passwordHash: await hashPassword(password) })
        .returning({ id: users.id });
    }
    await tx.insert(memberships).values({ orgId, userId: user!.id, role: "owner" }).onConflictDoNothing();
    await tx
      .insert(products)
      .values(DEMO_PRODUCTS.map((p) => ({ ...p, orgId })))
      .onConflictDoNothing();
    await tx
      .insert(warehouses)
      .values(DEMO_WAREHOUSES.map((w) => ({ ...w, orgId })))
      .onConflictDoNothing();
    const [customer] = await tx
      .insert(customers)
      .values({ orgId, clientNum: "10331", companyName: "杭州示例服饰有限公司", contactName: "王经理", contactPhone: "13800000000" })
      .onConflictDoNothing()
      .returning({ id: customers.id });
    if (customer) {
      await tx.insert(customerAddresses).values([
        { orgId, customerId: customer.id, recipient: "王小明", phone: "13800000000", country: "CN", province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路 90 号 5 楼", postcode: "310012", isDefault: true },
        { orgId, customerId: customer.id, recipient: "李仓管", phone: "13900000000", country: "CN", province: "江苏省", city: "苏州市", district: "吴中区", street: "木渎镇金山路 18 号仓库", postcode: "215101", isDefault: false },
      ]);
    }
    const ctx = systemContext(tx, orgId, "demo-seed");
    for (const seed of demoSeeders) await seed(ctx);
    return { created, orgId, password };
  });
}

export async function demoAddressIds(ctx: OrgScope) {
  const { db, orgId } = ctx;
  return db
    .select({ id: customerAddresses.id, isDefault: customerAddresses.isDefault })
    .from(customerAddresses)
    .innerJoin(customers, eq(customers.id, customerAddresses.customerId))
    .where(and(eq(customers.orgId, orgId), eq(customers.clientNum, "10331")));
}
