import type { ChildProcess } from "node:child_process";
import { startEmbedded, type EmbeddedHandle } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";

/**
 * The database for a command: DATABASE_URL when set, otherwise the embedded PostgreSQL (started or
 * joined). Sets DATABASE_URL for this process and its children so everything talks to the same server.
 */
export async function prepareDatabase(opts: { migrate?: boolean; database?: string; log?: boolean } = {}): Promise<EmbeddedHandle | null> {
  let handle: EmbeddedHandle | null = null;
  if (!process.env.DATABASE_URL) {
    handle = await startEmbedded(opts.database ?? "manifold", { log: opts.log ? (m) => process.stderr.write(m) : undefined });
    process.env.DATABASE_URL = handle.url;
    if (opts.log) console.error(`[manifold] embedded PostgreSQL on 127.0.0.1:${handle.port} (${handle.owned ? "started" : "joined"})`);
  }
  if (opts.migrate !== false) await runMigrations(process.env.DATABASE_URL!);
  return handle;
}

/**
 * Graceful stop on SIGTERM/SIGINT: pass the signal to the server child, wait for it to drain and exit
 * (bounded by MANIFOLD_SHUTDOWN_GRACE_MS × 2 + 10 s), and only then stop an embedded server we own
 * (a fast shutdown: a checkpoint, so the next start needs no crash recovery).
 */
type Child = { kill: (s: NodeJS.Signals) => unknown; exitCode: number | null; signalCode?: ChildProcess["signalCode"]; once?: ChildProcess["once"] };

export function stopOnExit(handle: EmbeddedHandle | null, child?: Child) {
  let stopping = false;
  const grace = Number(process.env.MANIFOLD_SHUTDOWN_GRACE_MS ?? 10_000);
  const shutdown = async (code: number, signal?: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null && !child.signalCode) {
      const exited = new Promise<void>((r) => (child.once ? child.once("exit", () => r()) : r()));
      child.kill(signal ?? "SIGTERM");
      const bound = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), grace * 2 + 10_000).unref());
      if ((await Promise.race([exited, bound])) === "timeout") {
        console.error("[manifold] server did not stop in time; killing it");
        child.kill("SIGKILL");
        await exited;
      }
    }
    await handle?.stop().catch((e) => console.error(`[manifold] embedded PostgreSQL stop: ${e?.message ?? e}`));
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(130, "SIGTERM"));
  process.on("SIGTERM", () => void shutdown(143, "SIGTERM"));
  return shutdown;
}
