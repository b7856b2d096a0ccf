import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { GET as metricsGET } from "@/app/api/metrics/route";
import { GET as readyGET } from "@/app/api/ready/route";
import { createCaller } from "@/server/api/root";
import { closeDb, createDb } from "@/db";
import { outbox } from "@/db/schema";
import { eq } from "drizzle-orm";
import { systemContext } from "@/server/context";
import { runWithContext } from "@/server/observability/context";
import { isDatabaseUnavailable, isQueryTimeout } from "@/server/observability/db-errors";
import { observeRequest } from "@/server/observability/http";
import { createLogger } from "@/server/observability/log";
import { setWorkersState } from "@/server/observability/readiness";
import { enqueue, relayOnce } from "@/server/services/outbox/outbox";
import { TOPICS } from "@/server/services/outbox/topics";
import { listDeadLetters, retryDeadLetter, systemStatus } from "@/server/services/system/status";
import { closeTestDb, createTestOrg, newApiKey, svcCtx, testDb } from "../helpers/db";

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger(stream, "debug"), lines, text: () => JSON.stringify(lines) };
}

const realUrl = process.env.DATABASE_URL;
afterAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = realUrl;
  await closeTestDb();
});

describe("structured logs", () => {
  it("carry the request id and merchant of the unit of work and redact secrets and personal data", () => {
    const { log, lines, text } = memoryLogger();
    runWithContext({ requestId: "req-12345678", orgId: "org-1", route: "trpc:orders.list" }, () => {
      log.info(
        {
          account: { accessToken: "shpat_SECRET1", refresh_token: "SECRET2", settings: { clientSecret: "SECRET3" } },
          user: { password: "SECRET4", email: "buyer@example.com" },
          order: { shippingAddress: { line1: "1 Secret Street", city: "Hanoi" }, recipientPhone: "0912345678", recipientName: "Nguyen Thi Hoa", total: "12.5000" },
          headers: { authorization: "Bearer SECRET5", cookie: "session=SECRET6" },
        },
        "pulled with Authorization: Bearer SECRET7 and ?access_token=SECRET8&x=1",
      );
      log.error({ err: new Error("refresh failed: client_secret=SECRET9") }, "token refresh");
    });
    const all = text();
    for (let i = 1; i <= 9; i++) expect(all).not.toContain(`SECRET${i}`);
    for (const personal of ["1 Secret Street", "0912345678", "Nguyen Thi Hoa", "buyer@example.com"]) expect(all).not.toContain(personal);
    expect(lines[0]).toMatchObject({ requestId: "req-12345678", orgId: "org-1", route: "trpc:orders.list", order: { total: "12.5000" } });
    expect(lines[0]!.msg).toContain("[redacted]");
    expect(lines[1]).toMatchObject({ level: 50, requestId: "req-12345678" });
  });

  it("an HTTP request gets an id (the caller's X-Request-Id when sane), echoed back and carried into the outbox and the relay", async () => {
    const org = await createTestOrg();
    const res = await observeRequest(new Request("http://x/api/test", { headers: { "x-request-id": "client-req-0001" } }), "test", async () => {
      await testDb().transaction((tx) => enqueue(systemContext(tx, org.orgId, "test"), { topic: TOPICS.inventoryChanged, payload: { productId: "00000000-0000-0000-0000-000000000000" } }));
      return Response.json({ ok: true });
    });
    expect(res.headers.get("x-request-id")).toBe("client-req-0001");
    const [ev] = await testDb().select().from(outbox).where(eq(outbox.orgId, org.orgId));
    expect(ev!.payload._requestId).toBe("client-req-0001");
    let seen: string | undefined;
    const { currentContext } = await import("@/server/observability/context");
    await relayOnce(testDb(), { [TOPICS.inventoryChanged]: async () => void (seen = `${currentContext()?.requestId}/${currentContext()?.orgId}`) }, 500);
    expect(seen).toBe(`client-req-0001/${org.orgId}`);

    const bad = await observeRequest(new Request("http://x/api/test", { headers: { "x-request-id": "bad id with spaces &lt;script&gt;" } }), "test", async () => Response.json({}));
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("pool timeouts", () => {
  it("statement_timeout and lock_timeout are set on every pooled connection", async () => {
    const prev = { s: process.env.DB_STATEMENT_TIMEOUT_MS, l: process.env.DB_LOCK_TIMEOUT_MS };
    process.env.DB_STATEMENT_TIMEOUT_MS = "300";
    process.env.DB_LOCK_TIMEOUT_MS = "200";
    const h = createDb(inject("databaseUrl"), 2);
    try {
      const [settings] = await h.sql`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`;
      expect(settings).toEqual({ st: "300ms", lt: "200ms" });
      const slow = await h.sql`select pg_sleep(5)`.then(() => null, (e: unknown) => e);
      expect(isQueryTimeout(slow)).toBe(true);
      // A lock held elsewhere: the waiter gives up instead of holding its connection.
      await h.sql`create table if not exists reliab_lock_probe (id int primary key)`;
      const holder = await h.sql.reserve();
      await holder`begin`;
      await holder`lock table reliab_lock_probe in access exclusive mode`;
      const waited = await h.sql`select * from reliab_lock_probe`.then(() => null, (e: unknown) => e);
      await holder`rollback`;
      holder.release();
      expect((waited as { code?: string }).code).toBe("55P03");
      // Defaults when nothing is configured.
      delete process.env.DB_STATEMENT_TIMEOUT_MS;
      delete process.env.DB_LOCK_TIMEOUT_MS;
      const d = createDb(inject("databaseUrl"), 1);
      const [def] = await d.sql`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`;
      expect(def).toEqual({ st: "1min", lt: "15s" });
      await d.sql.end();
    } finally {
      process.env.DB_STATEMENT_TIMEOUT_MS = prev.s;
      process.env.DB_LOCK_TIMEOUT_MS = prev.l;
      if (prev.s === undefined) delete process.env.DB_STATEMENT_TIMEOUT_MS;
      if (prev.l === undefined) delete process.env.DB_LOCK_TIMEOUT_MS;
      await h.sql`drop table if exists reliab_lock_probe`;
      await h.sql.end();
    }
  });
});

describe("database unavailable", () => {
  it("a tRPC call fails SERVICE_UNAVAILABLE (HTTP 503) at once, not INTERNAL_SERVER_ERROR", async () => {
    const org = await createTestOrg();
    const key = await newApiKey(org);
    const down = createDb("postgres://postgres:x@127.0.0.1:1/nowhere", 1);
    try {
      const caller = createCaller({ db: down.db, locale: "en", session: null, authorization: `Bearer ${key}` });
      const started = Date.now();
      const err = (await caller.orders.list({}).then(() => null, (e: unknown) => e)) as { code?: string; message?: string } | null;
      expect(err?.code).toBe("SERVICE_UNAVAILABLE");
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await down.sql.end({ timeout: 0 });
    }
  });

  it("recognises driver errors through cause chains", () => {
    expect(isDatabaseUnavailable(new Error("x", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate"), { code: "23505" }))).toBe(false);
  });
});

describe("/api/ready", () => {
  beforeAll(() => setWorkersState({ enabled: true, boss: false, relay: false }));
  it("is ready only with the database up, migrations current and workers running", async () => {
    await closeDb();
    process.env.DATABASE_URL = inject("databaseUrl");
    let res = await readyGET();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false, db: "ok", migrations: "current", workers: "down" });
    setWorkersState({ boss: true, relay: true });
    res = await readyGET();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, workers: "running" });
    setWorkersState({ enabled: false });
    expect(await (await readyGET()).json()).toMatchObject({ ready: true, workers: "off" });

    await closeDb();
    process.env.DATABASE_URL = "postgres://postgres:x@127.0.0.1:1/nowhere";
    res = await readyGET();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false, db: "down" });
    await closeDb();
    process.env.DATABASE_URL = realUrl;
  });
});

describe("/api/metrics", () => {
  it("is closed without MANIFOLD_METRICS_TOKEN, refuses a wrong token, and shows the same numbers as the status", async () => {
    await closeDb();
    process.env.DATABASE_URL = inject("databaseUrl");
    delete process.env.MANIFOLD_METRICS_TOKEN;
    expect((await metricsGET(new Request("http://x/api/metrics"))).status).toBe(404);
    process.env.MANIFOLD_METRICS_TOKEN = "metrics-token-0123456789";
    try {
      expect((await metricsGET(new Request("http://x/api/metrics", { headers: { authorization: "Bearer nope" } }))).status).toBe(401);
      const org = await createTestOrg();
      await testDb().transaction((tx) => enqueue(systemContext(tx, org.orgId, "test"), { topic: TOPICS.pushStock, dedupeKey: "a:1", payload: { accountId: "00000000-0000-0000-0000-000000000000", platformSku: "X" } }));
      await observeRequest(new Request("http://x/api/t"), "metrics-test", async () => Response.json({}));
      const res = await metricsGET(new Request("http://x/api/metrics", { headers: { authorization: "Bearer metrics-token-0123456789" } }));
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of [
        "manifold_http_requests_total",
        "manifold_http_request_duration_seconds",
        "manifold_open_api_calls_total",
        "manifold_job_queue_depth",
        "manifold_channel_pull_lag_seconds",
        "manifold_outbox_pending",
        "manifold_outbox_oldest_pending_seconds",
        "manifold_stock_push_failures_total",
        "manifold_db_pool_in_use",
      ]) expect(text).toContain(name);
      expect(text).toMatch(/manifold_http_requests_total\{route="metrics-test",method="GET",status="200"\} \d+/);
      const status = await systemStatus(testDb());
      const pending = Number(/^manifold_outbox_pending (\d+)$/m.exec(text)?.[1]);
      // Same source as the status page; other files may enqueue meanwhile, so compare loosely.
      expect(pending).toBeGreaterThanOrEqual(1);
      expect(Math.abs(pending - (status.outbox.pending + status.outbox.processing))).toBeLessThan(50);
    } finally {
      delete process.env.MANIFOLD_METRICS_TOKEN;
    }
  });
});

describe("dead letters", () => {
  it("are listed for their merchant only and can be retried by hand", async () => {
    const a = await createTestOrg();
    const b = await createTestOrg();
    await testDb().transaction((tx) => enqueue(systemContext(tx, a.orgId, "test"), { topic: TOPICS.inventoryChanged, payload: { productId: "00000000-0000-0000-0000-000000000001" } }));
    await testDb().update(outbox).set({ status: "dead", attempts: 10, lastError: "HTTP 500 from marketplace" }).where(eq(outbox.orgId, a.orgId));
    const dead = await listDeadLetters(svcCtx(a));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ lastError: "HTTP 500 from marketplace", attempts: 10 });
    expect(await listDeadLetters(svcCtx(b))).toHaveLength(0);
    await expect(retryDeadLetter(svcCtx(b), dead[0]!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await retryDeadLetter(svcCtx(a), dead[0]!.id);
    const [row] = await testDb().select().from(outbox).where(eq(outbox.id, dead[0]!.id));
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    const st = await systemStatus(testDb(), { orgId: a.orgId });
    expect(st.outbox).toMatchObject({ pending: 1, dead: 0 });
  });
});

describe("system router (用户中心 → 系统状态)", () => {
  it("shows a merchant its own status and dead letters only; retry is tenant-scoped; viewers are refused", async () => {
    const { sessionCaller, keyCaller, createTestUser } = await import("../helpers/db");
    const a = await createTestOrg();
    const b = await createTestOrg();
    await testDb().transaction((tx) => enqueue(systemContext(tx, a.orgId, "test"), { topic: TOPICS.inventoryChanged, payload: { productId: "00000000-0000-0000-0000-000000000002" } }));
    await testDb().update(outbox).set({ status: "dead", attempts: 10, lastError: "boom" }).where(eq(outbox.orgId, a.orgId));
    const asA = sessionCaller(a.ownerId, a.orgId);
    const mine = await asA.system.status();
    expect(mine.deadLetters).toHaveLength(1);
    expect(mine.status.outbox.dead).toBe(1);
    const asB = keyCaller(await newApiKey(b));
    expect((await asB.system.status()).deadLetters).toHaveLength(0);
    await expect(asB.system.retryDeadLetter({ id: mine.deadLetters[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(sessionCaller(b.ownerId, b.orgId).system.retryDeadLetter({ id: mine.deadLetters[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const viewer = await createTestUser(a.orgId, "viewer");
    await expect(sessionCaller(viewer, a.orgId).system.status()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await asA.system.retryDeadLetter({ id: mine.deadLetters[0]!.id });
    expect((await asA.system.status()).status.outbox).toMatchObject({ dead: 0, pending: 1 });
  });
});
