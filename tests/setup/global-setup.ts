import type { TestProject } from "vitest/node";
import { startEmbedded } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";

/**
 * One real PostgreSQL for the whole run: DATABASE_URL when given (CI points it at a fresh database on
 * the machine's server), else the embedded server with a fresh `manifold_test` database.
 */
export default async function setup(project: TestProject) {
  let stop = async () => {};
  let url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await startEmbedded("manifold_test", { fresh: true });
    url = handle.url;
    stop = handle.stop;
  }
  await runMigrations(url);
  process.env.DATABASE_URL = url;
  project.provide("databaseUrl", url);
  return async () => {
    await stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
