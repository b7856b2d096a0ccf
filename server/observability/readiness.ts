import { sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import journal from "@/db/migrations/meta/_journal.json";
import { isDraining } from "./lifecycle";

/** What the jobs of this process report about themselves (server/jobs/start.ts keeps it). */
export type WorkersState = { enabled: boolean; boss: boolean; relay: boolean };
const g = globalThis as unknown as { __manifoldWorkers?: WorkersState };
export const workersState = (): WorkersState => g.__manifoldWorkers ?? { enabled: process.env.MANIFOLD_JOBS !== "off", boss: false, relay: false };
export function setWorkersState(patch: Partial<WorkersState>) {
  g.__manifoldWorkers = { ...workersState(), ...patch };
}

const LATEST_MIGRATION = Math.max(...journal.entries.map((e) => e.when));

export type Readiness = {
  ready: boolean;
  draining: boolean;
  db: "ok" | "down";
  migrations: "current" | "behind" | "unknown";
  workers: "running" | "off" | "down";
};

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error("timeout")), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

/**
 * For a load balancer: ready when the database answers, every migration this build knows is applied,
 * and (unless MANIFOLD_JOBS=off) this process's job workers run; never while draining for shutdown.
 */
export async function readiness(db: DbExecutor, timeoutMs = 3000): Promise<Readiness> {
  const draining = isDraining();
  let dbState: Readiness["db"] = "down";
  let migrations: Readiness["migrations"] = "unknown";
  try {
    const rows = (await withTimeout(
      db.execute(sql`select (select max(created_at) from drizzle.__drizzle_migrations) as latest`).catch((e: unknown) => {
        // No migrations table at all: reachable, nothing applied.
        if ((e as { cause?: { code?: string } }).cause?.code === "42P01" || (e as { code?: string }).code === "42P01") return [{ latest: null }];
        throw e;
      }),
      timeoutMs,
    )) as unknown as { latest: string | number | null }[];
    dbState = "ok";
    const latest = rows[0]?.latest == null ? 0 : Number(rows[0].latest);
    migrations = latest >= LATEST_MIGRATION ? "current" : "behind";
  } catch {
    dbState = "down";
  }
  const w = workersState();
  const workers: Readiness["workers"] = !w.enabled ? "off" : w.boss && w.relay ? "running" : "down";
  const ready = !draining && dbState === "ok" && migrations === "current" && workers !== "down";
  return { ready, draining, db: dbState, migrations, workers };
}
