import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { GET } from "@/app/api/health/route";
import { closeDb } from "@/db";

const realUrl = process.env.DATABASE_URL;

afterAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = realUrl;
});

/** The app's own pool follows DATABASE_URL; start it afresh for each case. */
async function healthWith(url: string) {
  await closeDb();
  process.env.DATABASE_URL = url;
  const res = await GET();
  return { status: res.status, body: await res.json() };
}

describe("GET /api/health", () => {
  it("answers ok when the database answers", async () => {
    expect(await healthWith(inject("databaseUrl"))).toEqual({ status: 200, body: { status: "ok", db: "ok" } });
  });

  it("answers 503 db:down when the database is unreachable", async () => {
    const res = await healthWith("postgres://postgres:x@127.0.0.1:1/nowhere");
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ db: "down" });
  });

  it("answers 503 within its time limit when the database does not respond at all", async () => {
    // A listening socket that never speaks the PostgreSQL protocol.
    const net = await import("node:net");
    const server = net.createServer(() => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const res = await healthWith(`postgres://postgres:x@127.0.0.1:${port}/silent`);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ db: "down" });
    } finally {
      await closeDb().catch(() => {});
      server.close();
    }
  });
});
