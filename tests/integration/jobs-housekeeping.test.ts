import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import { afterAll, describe, expect, inject, it } from "vitest";
import { loginAttempts, orderAttachments } from "@/db/schema";
import { dispatchPull, scheduleJobs, SCHEDULES } from "@/server/jobs/boss";
import { housekeeping } from "@/server/jobs/housekeeping";
import { stageAttachment } from "@/server/services/orders/attachments";
import { getStorage } from "@/server/storage";
import { closeTestDb, createTestOrg, svcCtx, testDb, uid } from "../helpers/db";

afterAll(closeTestDb);

const DAY = 24 * 3600_000;

describe("background jobs", () => {
  it("schedules the daily housekeeping (and the pull tick and token refresh) on pg-boss", async () => {
    const schema = `pgboss_test_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const boss = new PgBoss({ connectionString: inject("databaseUrl"), schema, max: 2, supervise: false, schedule: false });
    await boss.start();
    try {
      await scheduleJobs(boss);
      const schedules = await boss.getSchedules();
      for (const s of SCHEDULES) expect(schedules.find((x) => x.name === s.queue)?.cron, s.queue).toBe(s.cron);
      expect(SCHEDULES.some((s) => s.queue === "channels.prune" && s.cron === "17 3 * * *")).toBe(true);
    } finally {
      await boss.stop({ graceful: false });
      await testDb().execute(sql.raw(`drop schema if exists ${schema} cascade`));
    }
  });

  it("housekeeping removes day-old sign-in attempts and abandoned staged attachments (rows and files), and keeps the rest", async () => {
    const org = await createTestOrg();
    const ctx = svcCtx(org);
    const now = new Date();
    const email = `${uid("hk")}@test.local`;
    await testDb()
      .insert(loginAttempts)
      .values([
        { email, ip: "10.9.9.1", success: false, createdAt: new Date(now.getTime() - 2 * DAY) },
        { email, ip: "10.9.9.2", success: false, createdAt: new Date(now.getTime() - 60_000) },
      ]);
    const file = { fileName: "note.txt", contentType: "text/plain", data: Buffer.from("abandoned form") };
    const stale = await stageAttachment(ctx, file);
    const fresh = await stageAttachment(ctx, { ...file, data: Buffer.from("form still open") });
    await testDb().update(orderAttachments).set({ createdAt: new Date(now.getTime() - 2 * DAY) }).where(eq(orderAttachments.id, stale.id));
    const [staleRow] = await testDb().select().from(orderAttachments).where(eq(orderAttachments.id, stale.id));

    const r = await housekeeping(testDb(), now);

    expect(r.stagedAttachments).toBeGreaterThanOrEqual(1);
    const left = await testDb().select({ id: orderAttachments.id }).from(orderAttachments).where(inArray(orderAttachments.id, [stale.id, fresh.id]));
    expect(left.map((x) => x.id)).toEqual([fresh.id]);
    expect(await getStorage().exists(staleRow!.storageKey)).toBe(false);
    const attempts = await testDb().select({ ip: loginAttempts.ip }).from(loginAttempts).where(eq(loginAttempts.email, email));
    expect(attempts.map((a) => a.ip)).toEqual(["10.9.9.2"]);
  });

  it("a pull dispatched in this process that fails before it can record it is logged, not swallowed", async () => {
    const runId = randomUUID();
    const logged = new Promise<string>((resolve) =>
      dispatchPull(testDb(), { orgId: randomUUID(), accountId: randomUUID(), runId }, resolve),
    );
    await expect(logged).resolves.toContain(runId);
  });
});
