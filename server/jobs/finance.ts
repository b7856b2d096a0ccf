import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { organizations } from "@/db/schema";
import { systemContext } from "@/server/context";
import { pendingFacts, refreshFinanceFacts } from "@/server/services/finance/facts";

/**
 * The finance refresh job (pg-boss, every minute): for each merchant with stale stored figures, bring
 * them up to date (facts.ts) — all of them, batch by batch, so a cost or rate change that reached many
 * orders is caught up within the run. Reads catch up the last few changes themselves (`catchUp`).
 * Merchants are listed from `organizations` (not a tenant table); each one's refresh runs on its own
 * database (`systemContext` → tenantDb).
 */
export async function refreshAllFinanceFacts(db: Db, log: (m: string) => void = () => {}) {
  let total = 0;
  for (const { id } of await db.select({ id: organizations.id }).from(organizations).orderBy(sql`${organizations.id}`)) {
    const ctx = systemContext(db, id, "finance.refresh");
    if ((await pendingFacts(ctx)) === 0) continue;
    const t0 = performance.now();
    const r = await refreshFinanceFacts(ctx);
    total += r.refreshed;
    log(`[jobs] finance: ${r.refreshed} order(s) of ${id} refreshed in ${Math.round(performance.now() - t0)} ms`);
  }
  return total;
}
