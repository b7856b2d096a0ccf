import { sql } from "drizzle-orm";
import { inTransaction, type ServiceContext, type TxContext } from "@/server/context";

/**
 * Long reads (reports, exports) share the application pool with order capture, so they are gated:
 * at most REPORT_CONCURRENCY (default 2) run at once per process — the others wait here, holding no
 * connection — and each runs in one transaction whose statements time out after
 * REPORT_STATEMENT_TIMEOUT_MS (default 30 s, under the pool's 60 s). However many reports are asked
 * for, the rest of the pool stays free for createOrders, pulls and the rest
 * (tests/reliability/report-starvation.test.ts).
 */
const limit = () => Math.max(1, Number(process.env.REPORT_CONCURRENCY ?? 2));
const timeoutMs = () => Math.max(1, Number(process.env.REPORT_STATEMENT_TIMEOUT_MS ?? 30_000));

let running = 0;
const waiting: (() => void)[] = [];

async function acquire() {
  if (running < limit()) {
    running++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release() {
  const next = waiting.shift();
  if (next) next(); // the slot passes on to the next report as it is
  else running--;
}

export async function asReport<T>(ctx: ServiceContext, fn: (ctx: TxContext) => Promise<T>): Promise<T> {
  await acquire();
  try {
    return await inTransaction(ctx, async (tx) => {
      await tx.db.execute(sql`select set_config('statement_timeout', ${String(timeoutMs())}, true)`);
      return fn(tx);
    });
  } finally {
    release();
  }
}
