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

/** Stop an embedded server we own when this process is asked to end. */
export function stopOnExit(handle: EmbeddedHandle | null, child?: { kill: (s: NodeJS.Signals) => void; exitCode: number | null }) {
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null) child.kill("SIGTERM");
    await handle?.stop().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(130));
  process.on("SIGTERM", () => void shutdown(143));
  return shutdown;
}
