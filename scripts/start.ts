import { spawn } from "node:child_process";
import { productionStartProblems } from "@/server/secrets";
import { prepareDatabase, stopOnExit } from "./lib";

/** `npm start`: migrate, then `next start` (PORT and DATABASE_URL honoured; embedded DB when unset). */
// `next start` runs with NODE_ENV=production when it is unset: judge this process the same way.
const problems = productionStartProblems({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" });
if (problems.length) {
  for (const line of problems) console.error(`[secrets] ${line}`);
  console.error("[secrets] refusing to start in production (NODE_ENV=production); see SECURITY.md, Production settings");
  process.exit(1);
}
const handle = await prepareDatabase({ log: true });
const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", ...process.argv.slice(2)], {
  stdio: "inherit",
  // NEXT_MANUAL_SIG_HANDLE: the server drains on SIGTERM itself (server/observability/shutdown.ts).
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
});
const shutdown = stopOnExit(handle, child);
child.on("exit", (code) => void shutdown(code ?? 0));
