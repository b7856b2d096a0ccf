import { and, eq, sql } from "drizzle-orm";
import { tenantDb, type Db, type DbExecutor } from "@/db";
import { outbox } from "@/db/schema";
import { isTransaction, type OrgScope } from "@/server/context";
import { currentContext, newRequestId, runWithContext } from "@/server/observability/context";
import { metrics } from "@/server/observability/metrics";
import { TOPICS, type OutboxMessage, type Topic } from "./topics";

export type OutboxEvent = typeof outbox.$inferSelect;

/**
 * Write events in the caller's transaction, one statement for all of them. With a dedupe key, a
 * still-pending event with the same topic and key absorbs this one (debounce): e.g. ten stock changes
 * of one SKU before the relay runs cause one stock push, which reads the stock as it is then. Keys go
 * in sorted order, so concurrent writers of several keys never wait on each other in a cycle.
 */
export async function enqueueMany(ctx: OrgScope, messages: OutboxMessage[]) {
  if (messages.length === 0) return;
  const now = new Date();
  // The request (or job) that caused the event: its id follows the event into the relay's log lines.
  const requestId = currentContext()?.requestId;
  const sorted = [...messages].sort((a, b) => (a.topic + (a.dedupeKey ?? "") < b.topic + (b.dedupeKey ?? "") ? -1 : 1));
  for (let i = 0; i < sorted.length; i += 1000) {
    await ctx.db
      .insert(outbox)
      .values(
        sorted.slice(i, i + 1000).map((m) => ({
          orgId: ctx.orgId,
          topic: m.topic,
          payload: requestId ? { ...m.payload, _requestId: requestId } : m.payload,
          dedupeKey: m.dedupeKey ?? null,
          availableAt: m.availableAt ?? now,
        })),
      )
      .onConflictDoNothing({
        target: [outbox.orgId, outbox.topic, outbox.dedupeKey],
        where: sql`status = 'pending' and dedupe_key is not null`,
      });
  }
}

/** Write one event in the caller's transaction (see `enqueueMany`). */
export const enqueue = <T extends Topic>(ctx: OrgScope, message: OutboxMessage<T>) => enqueueMany(ctx, [message]);

/** How long a claimed event stays invisible to other relays before it is considered abandoned. */
const LEASE_SECONDS = Number(process.env.OUTBOX_LEASE_SECONDS ?? 300);

/**
 * Claim up to `limit` due events with SKIP LOCKED, so any number of relays can run side by side
 * without processing an event twice. A claim is a lease: a crashed relay's events come back later.
 */
export async function claimEvents(db: DbExecutor, topics: string[], limit = 50): Promise<OutboxEvent[]> {
  if (topics.length === 0) return [];
  const rows = await db.execute(sql`
    update ${outbox} o
       set status = 'processing', attempts = o.attempts + 1,
           available_at = now() + make_interval(secs => ${LEASE_SECONDS})
      from (
        select id from ${outbox}
         where topic in ${topics}
           and ((status = 'pending' and available_at <= now()) or (status = 'processing' and available_at < now()))
         order by available_at
         limit ${limit}
         for update skip locked
      ) c
     where o.id = c.id
    returning o.*`);
  return (rows as unknown as Record<string, unknown>[]).map(toEvent);
}

function toEvent(r: Record<string, unknown>): OutboxEvent {
  return {
    id: r.id as string,
    orgId: r.org_id as string,
    topic: r.topic as string,
    dedupeKey: (r.dedupe_key as string | null) ?? null,
    payload: r.payload as Record<string, unknown>,
    status: r.status as OutboxEvent["status"],
    attempts: Number(r.attempts),
    availableAt: new Date(r.available_at as string),
    lastError: (r.last_error as string | null) ?? null,
    result: (r.result as Record<string, unknown> | null) ?? null,
    processedAt: r.processed_at ? new Date(r.processed_at as string) : null,
    createdAt: new Date(r.created_at as string),
  };
}

export async function completeEvent(db: DbExecutor, id: string, result: Record<string, unknown> = {}) {
  await db
    .update(outbox)
    .set({ status: "done", processedAt: new Date(), result, lastError: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, "processing")));
}

export const MAX_ATTEMPTS = 10;

/** Capped exponential backoff with full jitter (AWS Builders' Library). */
export function backoffMs(attempt: number, baseMs = 2_000, capMs = 15 * 60_000) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(Math.random() * ceiling);
}

/** Put a failed event back with backoff, or park it as dead after MAX_ATTEMPTS (visible, never dropped). */
export async function failEvent(db: DbExecutor, event: Pick<OutboxEvent, "id" | "attempts">, error: string, opts: { retryAfterMs?: number } = {}) {
  const dead = event.attempts >= MAX_ATTEMPTS;
  try {
    await db
      .update(outbox)
      .set({
        status: dead ? "dead" : "pending",
        lastError: error.slice(0, 2000),
        availableAt: new Date(Date.now() + (opts.retryAfterMs ?? backoffMs(event.attempts))),
        processedAt: dead ? new Date() : null,
      })
      .where(and(eq(outbox.id, event.id), eq(outbox.status, "processing")));
  } catch (e) {
    // A newer event with the same dedupe key was enqueued while this one ran: it supersedes this one
    // (it will do the same work, reading the state as it is then), so this one is closed, not retried.
    if ((e as { cause?: { code?: string } })?.cause?.code !== "23505" && (e as { code?: string })?.code !== "23505") throw e;
    await db
      .update(outbox)
      .set({ status: "done", lastError: error.slice(0, 2000), processedAt: new Date(), result: { supersededAfterError: true } })
      .where(and(eq(outbox.id, event.id), eq(outbox.status, "processing")));
  }
}

export type OutboxHandler = (event: OutboxEvent, db: DbExecutor) => Promise<Record<string, unknown> | void>;

/** Thrown by a handler to ask for a retry at a given time (e.g. a marketplace's Retry-After). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** One relay pass: claim due events of the given topics and run their handlers. */
export async function relayOnce(db: DbExecutor, handlers: Record<string, OutboxHandler>, limit = 50) {
  const events = await claimEvents(db, Object.keys(handlers), limit);
  let done = 0;
  let failed = 0;
  const m = metrics();
  for (const event of events) {
    const handler = handlers[event.topic];
    const requestId = typeof event.payload._requestId === "string" ? event.payload._requestId : newRequestId();
    await runWithContext({ requestId, orgId: event.orgId, job: `outbox:${event.topic}` }, async () => {
      try {
        // The handler acts for the event's merchant: on its database (row-level security), unless the
        // caller handed an open transaction.
        const result = await handler!(event, isTransaction(db) ? db : tenantDb(db as Db, event.orgId));
        await completeEvent(db, event.id, result ?? {});
        done++;
        m.outboxDeliveries.inc({ topic: event.topic, outcome: "done" });
      } catch (e) {
        failed++;
        const message = e instanceof Error ? e.message : String(e);
        await failEvent(db, event, message, e instanceof RetryLater ? { retryAfterMs: e.retryAfterMs } : {});
        m.outboxDeliveries.inc({ topic: event.topic, outcome: event.attempts >= MAX_ATTEMPTS ? "dead" : "retry" });
        if (event.topic === TOPICS.pushStock) m.stockPushFailures.inc();
      }
    });
  }
  return { claimed: events.length, done, failed };
}
