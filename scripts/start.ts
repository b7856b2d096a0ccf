import { spawn } from "node:child_process";
import { prepareDatabase, stopOnExit } from "./lib";

/** `npm start`: migrate, then `next start` (PORT and DATABASE_URL honoured; embedded DB when unset). */
const handle = await prepareDatabase({ log: true });
const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
const shutdown = stopOnExit(handle, child);
child.on("exit", (code) => void shutdown(code ?? 0));
