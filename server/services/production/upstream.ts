import { createHmac, randomBytes } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { DbExecutor } from "@/db";
import { orders, productionPlanOrderLines, productionPlans, productionUpstreamReports } from "@/db/schema";
import type { UpstreamReportStatus } from "@/lib/production/status";
import { UpstreamReportListInput } from "@/lib/validators/production";
import { inTransaction, systemContext, type OrgScope, type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { enqueue, MAX_ATTEMPTS, RetryLater, type OutboxHandler } from "../outbox/outbox";
import { payloadOf, TOPICS } from "../outbox/topics";
import { enabledStages, mappedProgrammesOf, mappingIncompleteError, mappingState, stageOperations } from "./mapping";
import { operationProgress, reportTotals, rollUpStages, routeSteps } from "./progress";
import { guardedFetch, OutboundError, type GuardedResponse } from "@/server/outbound/guarded-fetch";
import { sanitizedExcerpt } from "@/server/outbound/excerpt";
import { isMerchantSecretDefault } from "@/server/secrets";
import { programmeCredentials } from "./programmes";

/**
 * Upstream reporting (生产端数据上报): a plan's progress per standard stage goes to the programme through
 * the outbox. The protocol (our definition of the receiving API, implemented by the local simulator):
 *
 *   POST <endpoint>, JSON body = the snapshot below
 *   x-tt-app-key: <app key>          x-tt-timestamp: <unix ms>
 *   x-tt-signature: hex HMAC-SHA256(app secret, "<app key>\n<timestamp>\n<body>")
 *   idempotency-key: <plan id>:<programme id>:<version>
 *
 * Every snapshot with new content gets the next `version`; the receiver applies only versions newer
 * than what it has, and answers a repeated idempotency key with its first answer. So a resend after a
 * lost answer is harmless, and an old snapshot arriving late never overwrites a newer one.
 */

export const SIGNATURE_HEADER = "x-tt-signature";
export const APP_KEY_HEADER = "x-tt-app-key";
export const TIMESTAMP_HEADER = "x-tt-timestamp";
export const IDEMPOTENCY_HEADER = "idempotency-key";
/** Read per call, so tests and operators can change it without a restart. */
const requestTimeoutMs = () => Number(process.env.UPSTREAM_TIMEOUT_MS ?? 10_000);

export function signUpstreamRequest(appKey: string, appSecret: string, timestamp: string, body: string): string {
  return createHmac("sha256", appSecret).update(`${appKey}\n${timestamp}\n${body}`).digest("hex");
}

/** JSON with object keys sorted, so a snapshot read back from jsonb compares equal to a fresh one. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

type SnapshotContent = {
  planNo: string;
  status: string;
  sku: string;
  productName: string;
  quantity: string;
  orderNos: string[];
  stages: { code: string; name: string; progress: string; goodQty: string; defectiveQty: string }[];
};

async function snapshotOf(ctx: OrgScope, plan: typeof productionPlans.$inferSelect, programmeId: string): Promise<SnapshotContent> {
  const { db, orgId } = ctx;
  const steps = await routeSteps(ctx, plan.routeId);
  const totals = (await reportTotals(ctx, [plan.id])).get(plan.id) ?? new Map();
  const ops = operationProgress(plan.quantity, steps, totals);
  const stages = rollUpStages(plan.quantity, ops, await enabledStages(ctx, programmeId), await stageOperations(ctx, plan.routeId, programmeId));
  const orderRows = await db
    .selectDistinct({ orderNo: orders.orderNo })
    .from(productionPlanOrderLines)
    .innerJoin(orders, eq(orders.id, productionPlanOrderLines.orderId))
    .where(and(eq(productionPlanOrderLines.orgId, orgId), eq(productionPlanOrderLines.planId, plan.id)));
  return {
    planNo: plan.planNo,
    status: plan.status,
    sku: plan.sku,
    productName: plan.productName,
    quantity: plan.quantity,
    orderNos: orderRows.map((o) => o.orderNo).sort(),
    stages: stages.map((s) => ({ code: s.code, name: s.name, progress: s.percent, goodQty: s.good, defectiveQty: s.defective })),
  };
}

const dedupeKeyOf = (planId: string, programmeId: string) => `${planId}:${programmeId}`;

/**
 * In the caller's transaction: queue a report of this plan to every enabled programme its route has a
 * complete, confirmed mapping for. Pending reports of the same plan and programme merge into one, which
 * reads the progress as it is when it runs. Returns the programmes left out because of their mapping.
 */
export async function queueUpstreamReports(ctx: ServiceContext, plan: Pick<typeof productionPlans.$inferSelect, "id" | "routeId">) {
  const blocked: { programmeId: string; name: string }[] = [];
  for (const p of await mappedProgrammesOf(ctx, plan.routeId)) {
    if (!p.enabled) continue;
    const state = await mappingState(ctx, plan.routeId, p.programmeId);
    if (!state.complete) {
      blocked.push({ programmeId: p.programmeId, name: p.name });
      continue;
    }
    await enqueue(ctx, {
      topic: TOPICS.stageProgress,
      payload: { planId: plan.id, programmeId: p.programmeId },
      dedupeKey: dedupeKeyOf(plan.id, p.programmeId),
    });
  }
  return { blocked };
}

/**
 * "Report now" from the plan page: refused with the unmapped stages when the route's mapping is
 * incomplete (the rule: an incomplete mapping cannot report upstream).
 */
export async function requestUpstreamReport(ctx: ServiceContext, planId: string) {
  return inTransaction(ctx, async (ctx) => {
    const [plan] = await ctx.db
      .select()
      .from(productionPlans)
      .where(and(eq(productionPlans.id, planId), eq(productionPlans.orgId, ctx.orgId)));
    if (!plan) throw notFound("plan");
    const programmes = (await mappedProgrammesOf(ctx, plan.routeId)).filter((p) => p.enabled);
    if (programmes.length === 0) throw new DomainError("CONFLICT", { key: "routeNotMapped" });
    for (const p of programmes) {
      const state = await mappingState(ctx, plan.routeId, p.programmeId);
      if (!state.complete) throw mappingIncompleteError(state);
    }
    await queueUpstreamReports(ctx, plan);
    return { queued: programmes.length };
  });
}

type Decision =
  | { kind: "skip"; result: Record<string, unknown> }
  | { kind: "send"; reportId: string; version: number; key: string; body: string; endpoint: string; appKey: string; appSecret: string };

/** Decide what to send for this event, in a short transaction holding the plan row. */
async function decide(ctx: ServiceContext, eventId: string, planId: string, programmeId: string): Promise<Decision> {
  return inTransaction(ctx, async (ctx) => {
    const [plan] = await ctx.db
      .select()
      .from(productionPlans)
      .where(and(eq(productionPlans.id, planId), eq(productionPlans.orgId, ctx.orgId)))
      .for("update");
    if (!plan) return { kind: "skip", result: { skipped: "planGone" } };
    const creds = await programmeCredentials(ctx, programmeId);
    if (!creds || !creds.enabled) return { kind: "skip", result: { skipped: "programmeDisabled" } };
    const [latest] = await ctx.db
      .select()
      .from(productionUpstreamReports)
      .where(
        and(
          eq(productionUpstreamReports.orgId, ctx.orgId),
          eq(productionUpstreamReports.planId, plan.id),
          eq(productionUpstreamReports.programmeId, programmeId),
        ),
      )
      .orderBy(desc(productionUpstreamReports.version))
      .limit(1);
    const nextVersion = (latest?.version ?? 0) + 1;
    const state = await mappingState(ctx, plan.routeId, programmeId);
    if (!state.complete) {
      const payload = { blocked: true, unmappedStages: state.unmappedStages.map((s) => s.code), confirmed: state.confirmed };
      if (latest?.status === "blocked" && canonical(latest.payload) === canonical(payload)) {
        return { kind: "skip", result: { blocked: true, version: latest.version } };
      }
      await ctx.db.insert(productionUpstreamReports).values({
        orgId: ctx.orgId,
        planId: plan.id,
        programmeId,
        version: nextVersion,
        idempotencyKey: `${plan.id}:${programmeId}:${nextVersion}`,
        payload,
        status: "blocked",
        lastError: "mappingIncomplete",
        outboxEventId: eventId,
      });
      return { kind: "skip", result: { blocked: true, version: nextVersion } };
    }
    const content = await snapshotOf(ctx, plan, programmeId);
    let row: { id: string; version: number; idempotencyKey: string; payload: Record<string, unknown> };
    const { version: _v, generatedAt: _g, planId: _p, ...latestContent } = (latest?.payload ?? {}) as Record<string, unknown>;
    if (latest && latest.status !== "blocked" && canonical(latestContent) === canonical(content)) {
      if (latest.status === "delivered") return { kind: "skip", result: { unchanged: true, version: latest.version } };
      // Same content not yet accepted: resend it as it was, under the same idempotency key.
      await ctx.db
        .update(productionUpstreamReports)
        .set({ status: "sending", attempts: sql`${productionUpstreamReports.attempts} + 1`, outboxEventId: eventId })
        .where(eq(productionUpstreamReports.id, latest.id));
      row = latest;
    } else {
      const payload = { ...content, planId: plan.id, version: nextVersion, generatedAt: new Date().toISOString() };
      const [inserted] = await ctx.db
        .insert(productionUpstreamReports)
        .values({
          orgId: ctx.orgId,
          planId: plan.id,
          programmeId,
          version: nextVersion,
          idempotencyKey: `${plan.id}:${programmeId}:${nextVersion}`,
          payload,
          status: "sending",
          attempts: 1,
          outboxEventId: eventId,
        })
        .returning();
      row = inserted!;
    }
    if (!creds.endpointUrl || !creds.appKey || !creds.appSecret) {
      await ctx.db
        .update(productionUpstreamReports)
        .set({ status: "rejected", lastError: "notConfigured" })
        .where(eq(productionUpstreamReports.id, row.id));
      return { kind: "skip", result: { rejected: "notConfigured", version: row.version } };
    }
    return {
      kind: "send",
      reportId: row.id,
      version: row.version,
      key: row.idempotencyKey,
      body: JSON.stringify(row.payload),
      endpoint: creds.endpointUrl,
      appKey: creds.appKey,
      appSecret: creds.appSecret,
    };
  });
}

async function markReport(db: DbExecutor, id: string, patch: { status: UpstreamReportStatus; httpStatus?: number | null; response?: Record<string, unknown> | null; lastError?: string | null }) {
  await db
    .update(productionUpstreamReports)
    .set({ ...patch, deliveredAt: patch.status === "delivered" ? new Date() : undefined })
    .where(eq(productionUpstreamReports.id, id));
}

/** The protocol's answer fields kept on the report (scalars, clipped), beside a sanitized excerpt. */
const ANSWER_FIELDS = { code: "number", applied: "boolean", receiptId: "string", message: "string" } as const;

/** What a report keeps of the receiver's answer: never its raw body (server/outbound/excerpt.ts). */
export function answerSummary(body: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = { excerpt: sanitizedExcerpt(body) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return out;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return out;
  for (const [k, type] of Object.entries(ANSWER_FIELDS)) {
    const v = (parsed as Record<string, unknown>)[k];
    if (typeof v !== type) continue;
    out[k] = typeof v === "string" ? sanitizedExcerpt(v, 120) : v;
  }
  return out;
}

/**
 * The outbox handler of TOPICS.stageProgress: build (or reuse) the snapshot, send it signed, record the
 * answer on the report row. 429/5xx/network errors are retried by the outbox with backoff (Retry-After
 * honoured); other 4xx answers are final ("rejected") and visible on the plan.
 */
export const deliverStageProgress: OutboxHandler = async (event, db) => {
  const { planId, programmeId } = payloadOf(event, TOPICS.stageProgress);
  if (!planId || !programmeId) return { ignored: "no plan or programme" };
  const ctx = systemContext(db, event.orgId, "production-upstream");
  const d = await decide(ctx, event.id, planId, programmeId);
  if (d.kind === "skip") return d.result;
  if (isMerchantSecretDefault("tiantian", d.appSecret)) {
    await markReport(db, d.reportId, { status: "rejected", lastError: "secretIsDevelopmentDefault: the programme's app secret is the demo value; enter the programme's own secret" });
    return { rejected: "secretIsDevelopmentDefault", version: d.version };
  }
  const timestamp = String(Date.now());
  let res: GuardedResponse;
  try {
    // A merchant-typed URL: through the guarded client (https, public addresses, bounded redirects and size).
    res = await guardedFetch(d.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [APP_KEY_HEADER]: d.appKey,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signUpstreamRequest(d.appKey, d.appSecret, timestamp, d.body),
        [IDEMPOTENCY_HEADER]: d.key,
        "x-request-id": randomBytes(8).toString("hex"),
      },
      body: d.body,
      timeoutMs: requestTimeoutMs(),
      maxBytes: 64 * 1024,
      originBoundHeaders: [APP_KEY_HEADER, SIGNATURE_HEADER],
    });
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (e instanceof OutboundError && e.final) {
      // The address, the redirects or the answer's size is refused: retrying changes nothing.
      await markReport(db, d.reportId, { status: "rejected", lastError: message });
      return { rejected: e.kind, version: d.version };
    }
    await markReport(db, d.reportId, { status: event.attempts >= MAX_ATTEMPTS ? "failed" : "retrying", lastError: message });
    throw new Error(`upstream ${d.key}: ${message}`);
  }
  const body = answerSummary(res.body);
  if (res.ok) {
    await markReport(db, d.reportId, { status: "delivered", httpStatus: res.status, response: body, lastError: null });
    return { delivered: true, version: d.version, httpStatus: res.status, receiptId: body.receiptId ?? null };
  }
  const message = `HTTP ${res.status} ${typeof body.message === "string" ? body.message : ""}`.trim();
  if (res.status === 429 || res.status >= 500) {
    const last = event.attempts >= MAX_ATTEMPTS;
    await markReport(db, d.reportId, { status: last ? "failed" : "retrying", httpStatus: res.status, response: body, lastError: message });
    const retryAfter = Number(res.headers.get("retry-after"));
    if (res.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) throw new RetryLater(message, retryAfter * 1000);
    throw new Error(`upstream ${d.key}: ${message}`);
  }
  await markReport(db, d.reportId, { status: "rejected", httpStatus: res.status, response: body, lastError: message });
  return { rejected: true, version: d.version, httpStatus: res.status };
};

/** Handlers this domain contributes to the outbox relay (server/jobs). */


/** Sent reports with their answers, newest first (all plans, or one). */
export async function listUpstreamReports(ctx: ServiceContext, raw: z.input<typeof UpstreamReportListInput>) {
  const input = UpstreamReportListInput.parse(raw);
  const filters = and(
    eq(productionUpstreamReports.orgId, ctx.orgId),
    input.planId ? eq(productionUpstreamReports.planId, input.planId) : undefined,
  );
  const rows = await ctx.db
    .select({ report: productionUpstreamReports, planNo: productionPlans.planNo, sortKey: sql<string>`${productionUpstreamReports.createdAt}::text` })
    .from(productionUpstreamReports)
    .innerJoin(productionPlans, eq(productionPlans.id, productionUpstreamReports.planId))
    .where(and(filters, afterCursor(productionUpstreamReports.createdAt, productionUpstreamReports.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(productionUpstreamReports.createdAt, productionUpstreamReports.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.report, planNo: r.planNo, sortKey: r.sortKey })),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(ctx, productionUpstreamReports, filters);
  return { ...page, total };
}
