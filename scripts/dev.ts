import { spawn } from "node:child_process";
import { closeDb, createDb } from "@/db";
import { DEMO, DEMO_PASSWORD, seedDemo } from "@/server/services/seed/demo";
import { prepareDatabase, stopOnExit } from "./lib";

/** `npm run dev`: embedded PostgreSQL (unless DATABASE_URL), migrations, demo data, then `next dev`. */
const handle = await prepareDatabase({ log: true });
const { db, sql } = createDb(process.env.DATABASE_URL!, 2);
const seeded = await seedDemo(db);
await sql.end();
await closeDb();
console.error(`[manifold] demo merchant ${seeded.created ? "created" : "ready"}: ${DEMO.email} / ${DEMO_PASSWORD}`);

const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
const shutdown = stopOnExit(handle, child);
child.on("exit", (code) => void shutdown(code ?? 0));
