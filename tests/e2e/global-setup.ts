import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDb } from "@/db";
import { startEmbedded } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { seedDemo } from "@/server/services/seed/demo";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server at ${url} did not come up`);
}

/**
 * A database with the demo merchant and an app server for the browser tests: `next start` when a
 * production build exists (CI builds first), else `next dev` (E2E_MODE=dev forces it). E2E_BASE_URL
 * skips all of this and uses a server you started yourself.
 */
export default async function setup(project: TestProject) {
  if (process.env.E2E_BASE_URL) {
    project.provide("baseURL", process.env.E2E_BASE_URL);
    return;
  }
  let stopDb = async () => {};
  let url = process.env.DATABASE_URL;
  if (!url) {
    const h = await startEmbedded("manifold_e2e", { fresh: true });
    url = h.url;
    stopDb = h.stop;
  }
  await runMigrations(url);
  const { db, sql } = createDb(url, 2);
  await seedDemo(db);
  await sql.end();

  const port = await freePort();
  const root = path.resolve(import.meta.dirname, "../..");
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  const built = fs.existsSync(path.join(root, distDir, "BUILD_ID"));
  const mode = process.env.E2E_MODE ?? (built ? "start" : "dev");
  const dataDir = path.join(root, ".data", `e2e-${port}`);
  const server: ChildProcess = spawn(process.execPath, ["node_modules/next/dist/bin/next", mode, "-p", String(port)], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      MANIFOLD_DATA_DIR: dataDir,
      AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-00",
      MANIFOLD_SECRET: "ZTJlLWtleS1lMmUta2V5LWUyZS1rZXktZTJlLWtleTA=",
      NEXT_TELEMETRY_DISABLED: "1",
      // A demo deployment (server/runtime-mode.ts): the simulators' credentials and origins are accepted.
      MANIFOLD_SIMULATORS: "1",
      NEXT_DIST_DIR: mode === "dev" ? (process.env.NEXT_DIST_DIR ?? ".next-e2e") : distDir,
    },
    stdio: process.env.E2E_SERVER_LOG ? "inherit" : "ignore",
  });
  const baseURL = `http://127.0.0.1:${port}`;
  await waitFor(`${baseURL}/api/health`, 180_000);
  project.provide("baseURL", baseURL);
  project.provide("e2eDatabaseUrl", url);
  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await stopDb();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** The database the server uses (absent with E2E_BASE_URL). */
    e2eDatabaseUrl?: string;
  }
}
