import { spawn } from "node:child_process";
import { closeDb, closeHandle, createDb } from "@/db";
import { DEMO, demoPassword, seedDemo } from "@/server/services/seed/demo";
import path from "node:path";
import { dataDir } from "@/db/embedded";
import { dailyBackup } from "./backup";
import { prepareDatabase, stopOnExit } from "./lib";

/** `npm run dev`: embedded PostgreSQL (unless DATABASE_URL), migrations, demo data, then `next dev`. */
const handle = await prepareDatabase({ log: true });
const dbh = createDb(process.env.DATABASE_URL!, 2);
const { db } = dbh;
const seeded = await seedDemo(db);
await closeHandle(dbh);
await closeDb();
console.error(`[manifold] demo merchant ${seeded.created ? "created" : "ready"}: ${DEMO.email} / ${seeded.password ?? demoPassword()}`);

const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
const shutdown = stopOnExit(handle, child);

// A daily backup of the embedded database under .data/backups (the last 7 kept); checked hourly.
if (handle && process.env.MANIFOLD_DAILY_BACKUP !== "off") {
  let warned = false;
  const backup = () =>
    dailyBackup(handle.url, path.join(dataDir(), "backups"))
      .then((file) => file && console.error(`[manifold] daily backup: ${file}`))
      .catch((e) => {
        if (!warned) console.error(`[manifold] daily backup not made: ${e instanceof Error ? e.message : e}`);
        warned = true;
      });
  setTimeout(() => void backup(), 30_000).unref();
  setInterval(() => void backup(), 3600_000).unref();
}
child.on("exit", (code) => void shutdown(code ?? 0));
