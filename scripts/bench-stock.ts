/**
 * `npm run bench:stock` — reservation throughput through the stock ledger (`reserveStock`: one
 * transaction with the guarded UPDATE, the movement row and the debounced inventory.changed outbox
 * event) against the same workload as plain SQL (the guarded UPDATE alone, autocommit), in the same run:
 *
 *   1. one hot SKU, 8 concurrent workers (every reservation queues on the same balance row);
 *   2. 10,000 SKUs, 8 concurrent workers (reservations spread over the catalogue).
 *
 * Prints reservations/s, p50/p95 latency and the ratio, then checks the ledger (balance = Σ movements,
 * nothing oversold) and removes its merchant. Uses DATABASE_URL, or the embedded PostgreSQL like
 * `npm run dev`. BENCH_RESERVATIONS (default 4,000 per run) and BENCH_WORKERS (default 8) tune it.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { sql } from "drizzle-orm";
import { closeHandle, createDb } from "@/db";
import { memberships, organizations, products, stockLevels, stockMovements, users, warehouses } from "@/db/schema";
import { newId } from "@/db/schema/_columns";
import { inTransaction, type ServiceContext } from "@/server/context";
import { reserveStock } from "@/server/services/inventory/ledger";
import { createOrganization } from "@/server/services/orgs/orgs";
import { runConcurrent, type BenchResult } from "./bench-lib";
import { prepareDatabase, stopOnExit } from "./lib";

const N = Number(process.env.BENCH_RESERVATIONS ?? 4_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
const CATALOGUE = 10_000;
const log = (m: string) => console.error(`[bench:stock] ${m}`);

const embedded = await prepareDatabase({ log: false });
const shutdown = stopOnExit(embedded);
// One connection per worker plus one for setup and checks.
const dbh = createDb(process.env.DATABASE_URL!, WORKERS + 2);
const { db } = dbh;

// ------------------------------------------------------------------------------------------- setup
const org = await createOrganization(db, { name: "Bench stock", slug: `bench-stock-${Date.now().toString(36)}` });
const [user] = await db.insert(users).values({ email: `${randomUUID()}@bench.local`, name: "bench", passwordHash: "x" }).returning({ id: users.id });
await db.insert(memberships).values({ orgId: org.id, userId: user!.id, role: "owner" });
const ctx: ServiceContext = { db, orgId: org.id, role: "owner", actor: { type: "user", userId: user!.id } };
const [wh] = await db.insert(warehouses).values({ orgId: org.id, code: "BENCH", name: "Bench", isDefault: true }).returning();
const warehouseId = wh!.id;

/** Products with opening stock, written in bulk (balance rows and their opening movements together). */
async function stocked(prefix: string, count: number, onHand: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({ id: newId(), sku: `${prefix}${String(i + k).padStart(5, "0")}` }));
    await db.transaction(async (tx) => {
      await tx.insert(products).values(chunk.map((p) => ({ id: p.id, orgId: org.id, sku: p.sku, name: p.sku })));
      await tx.insert(stockLevels).values(chunk.map((p) => ({ orgId: org.id, productId: p.id, warehouseId, onHand: String(onHand) })));
      await tx
        .insert(stockMovements)
        .values(chunk.map((p) => ({ orgId: org.id, productId: p.id, warehouseId, kind: "opening" as const, onHandDelta: String(onHand), refType: "opening" })));
    });
    ids.push(...chunk.map((p) => p.id));
  }
  return ids;
}

log(`setting up: 2 hot SKUs and 2 × ${CATALOGUE.toLocaleString()} SKUs`);
const [hotLedger] = await stocked("HOT-L", 1, N * 2);
const [hotSql] = await stocked("HOT-S", 1, N * 2);
const manyLedger = await stocked("L", CATALOGUE, 1_000);
const manySql = await stocked("S", CATALOGUE, 1_000);

// ------------------------------------------------------------------------------------------- runner
type Result = BenchResult;
const run = (n: number, op: (i: number) => Promise<void>) => runConcurrent(n, WORKERS, op);

const viaLedger = (productOf: (i: number) => string) => (i: number) =>
  inTransaction(ctx, (tx) => reserveStock(tx, [{ productId: productOf(i), warehouseId, qty: "1" }], { refType: "bench", refNo: `B${i}` }));

/** The same reservation as one guarded UPDATE in its own (implicit) transaction. */
const viaSql = (productOf: (i: number) => string) => async (i: number) => {
  const rows = await db.execute(sql`
    update ${stockLevels} set reserved = reserved + 1, updated_at = now()
     where org_id = ${org.id} and product_id = ${productOf(i)} and warehouse_id = ${warehouseId} and on_hand - reserved >= 1
    returning product_id`);
  if ((rows as unknown as unknown[]).length !== 1) throw new Error("short");
};

// Spread the 10,000-SKU workload so concurrent workers rarely touch the same row.
const spread = (ids: string[]) => (i: number) => ids[(i * 7919) % ids.length]!;

const fmt = (r: Result) =>
  `${r.rate.toFixed(0).padStart(6)} reservations/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  (${r.ok.toLocaleString()} in ${r.seconds.toFixed(1)} s${r.failed ? `, ${r.failed} failed` : ""})`;

log(`warming up`);
await run(WORKERS * 10, viaLedger(spread(manyLedger)));
await run(WORKERS * 10, viaSql(spread(manySql)));

log(`hot SKU: ${N.toLocaleString()} reservations × 2`);
const hotL = await run(N, viaLedger(() => hotLedger!));
const hotS = await run(N, viaSql(() => hotSql!));
log(`${CATALOGUE.toLocaleString()} SKUs: ${N.toLocaleString()} reservations × 2`);
const manyL = await run(N, viaLedger(spread(manyLedger)));
const manyS = await run(N, viaSql(spread(manySql)));

// ------------------------------------------------------------------------------------------- checks
const [check] = (await db.execute(sql`
  select count(*) filter (where l.on_hand <> coalesce(m.on_hand, 0) or l.reserved <> coalesce(m.reserved, 0))::int as ledger_mismatch,
         count(*) filter (where l.reserved > l.on_hand)::int as oversold,
         coalesce(sum(l.reserved) filter (where p.sku like 'HOT-L%' or p.sku like 'L%'), 0)::text as ledger_reserved
    from ${stockLevels} l
    join ${products} p on p.id = l.product_id
    left join (select product_id, sum(on_hand_delta) on_hand, sum(reserved_delta) reserved from ${stockMovements} where org_id = ${org.id} group by product_id) m
      on m.product_id = l.product_id
   where l.org_id = ${org.id} and (p.sku like 'HOT-L%' or p.sku like 'L%')`)) as unknown as { ledger_mismatch: number; oversold: number; ledger_reserved: string }[];

console.log(`bench:stock — ${WORKERS} concurrent workers, ${N.toLocaleString()} reservations of 1 per run, PostgreSQL via ${embedded ? "embedded server" : "DATABASE_URL"}`);
console.log(``);
console.log(`one hot SKU`);
console.log(`  reserveStock (tx: guarded UPDATE + movement + outbox event)  ${fmt(hotL)}`);
console.log(`  plain SQL guarded UPDATE (autocommit)                        ${fmt(hotS)}`);
console.log(`  ratio reserveStock / plain SQL: ${(hotL.rate / hotS.rate).toFixed(3)}`);
console.log(``);
console.log(`${CATALOGUE.toLocaleString()} SKUs`);
console.log(`  reserveStock (tx: guarded UPDATE + movement + outbox event)  ${fmt(manyL)}`);
console.log(`  plain SQL guarded UPDATE (autocommit)                        ${fmt(manyS)}`);
console.log(`  ratio reserveStock / plain SQL: ${(manyL.rate / manyS.rate).toFixed(3)}`);
console.log(``);
const expectedReserved = hotL.ok + manyL.ok + WORKERS * 10;
console.log(
  `ledger check: ${check!.ledger_mismatch} balances differ from Σ movements, ${check!.oversold} oversold, reserved ${Number(check!.ledger_reserved).toLocaleString()} = successful reservations ${expectedReserved.toLocaleString()}: ${Number(check!.ledger_reserved) === expectedReserved ? "ok" : "MISMATCH"}`,
);
console.log(`machine: load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);

// ------------------------------------------------------------------------------------------- cleanup
await db.execute(sql`delete from outbox where org_id = ${org.id}`);
await db.delete(organizations).where(sql`${organizations.id} = ${org.id}`);
await db.delete(users).where(sql`${users.id} = ${user!.id}`);
await closeHandle(dbh);
await shutdown(check!.ledger_mismatch || check!.oversold ? 1 : 0);
