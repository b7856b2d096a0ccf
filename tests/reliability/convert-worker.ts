/**
 * The batch converter (convertPlatformOrders' batch path, what a pull's follow-up, retryBlocked and
 * 转为系统订单 run) in a process of its own for the SIGKILL drill: it converts the account's pending
 * platform orders (pendingIds) in chunks of CHUNK (one transaction each), over and over.
 */
import { createDb } from "@/db";
import { systemContext } from "@/server/context";
import { convertPlatformOrders, pendingIds } from "@/server/services/channels/convert";

const { db } = createDb(process.env.DATABASE_URL!, 4);
const ctx = systemContext(db, process.env.ORG_ID!, "channels.convert", "admin");
const chunk = Number(process.env.CHUNK ?? 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
console.log("READY");
for (;;) {
  try {
    const ids = await pendingIds(ctx, { accountId: process.env.ACCOUNT_ID!, limit: 1000 });
    const r = await convertPlatformOrders(ctx, ids, { chunk, mode: "batch" });
    if (r.converted === 0) await sleep(200);
  } catch {
    await sleep(200);
  }
}
