import { inboundReceiptEvents, orderEvents, outboundEvents, platformOrderEvents, productionPlanEvents, returnEvents, stocktakeEvents, type PlatformOrderBlocker } from "@/db/schema";
import type { InboundStatus, OutboundStatus, ReturnStatus, StocktakeStatus } from "@/db/schema/warehouse";
import type { OrderStatus } from "@/lib/orders/status";
import type { PlanStatus } from "@/lib/production/status";
import { actorLabel, actorUserId, type ServiceContext } from "@/server/context";

/** Every document with a timeline: its event table and the column naming the document. */
const EVENT_TABLES = {
  order: { table: orderEvents, ref: "orderId" },
  outbound: { table: outboundEvents, ref: "outboundId" },
  inbound: { table: inboundReceiptEvents, ref: "receiptId" },
  return: { table: returnEvents, ref: "returnId" },
  productionPlan: { table: productionPlanEvents, ref: "planId" },
  stocktake: { table: stocktakeEvents, ref: "stocktakeId" },
  platformOrder: { table: platformOrderEvents, ref: "platformOrderId" },
} as const;

type StatusOf = {
  order: OrderStatus;
  outbound: OutboundStatus;
  inbound: InboundStatus;
  return: ReturnStatus;
  productionPlan: PlanStatus;
  stocktake: StocktakeStatus;
  /** A platform order's state, or (platform_status events) the platform's normalized status. */
  platformOrder: string;
};
export type DocumentKind = keyof StatusOf;

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** One timeline entry: what happened, from which status to which, why; orders keep field changes. */
export type DocumentEvent<K extends DocumentKind> = {
  type: string;
  from?: StatusOf[K] | null;
  to?: StatusOf[K] | null;
  reason?: string | null;
} & (K extends "order"
  ? { changes?: FieldChanges | null }
  : K extends "platformOrder"
    ? { blockers?: PlatformOrderBlocker[] | null }
    : { details?: Record<string, unknown> | null });

/**
 * The one writer of document timelines: rows of `kind`'s event table for `events` (each naming its
 * document), stamped with the context's actor, in multi-row inserts. Runs on the caller's executor, so
 * the events commit with the change they describe.
 */
export async function recordEvents<K extends DocumentKind>(
  ctx: Pick<ServiceContext, "db" | "orgId" | "actor">,
  kind: K,
  events: (DocumentEvent<K> & { documentId: string })[],
): Promise<void> {
  const { table, ref } = EVENT_TABLES[kind];
  const userId = actorUserId(ctx);
  const label = actorLabel(ctx);
  if (kind === "platformOrder") {
    // Platform orders name states (from_state/to_state), keep blockers, and stamp only a label.
    const poRows = (events as (DocumentEvent<"platformOrder"> & { documentId: string })[]).map((e) => ({
      orgId: ctx.orgId,
      platformOrderId: e.documentId,
      type: e.type,
      fromState: e.from ?? null,
      toState: e.to ?? null,
      reason: e.reason ?? null,
      blockers: e.blockers ?? null,
      actorLabel: label,
    }));
    for (let i = 0; i < poRows.length; i += 1000) await ctx.db.insert(platformOrderEvents).values(poRows.slice(i, i + 1000));
    return;
  }
  const rows = events.map((e) => {
    const extra =
      "changes" in e ? { changes: e.changes && Object.keys(e.changes).length ? e.changes : null } : kind === "order" ? { changes: null } : { details: ("details" in e ? e.details : null) ?? null };
    return { orgId: ctx.orgId, [ref]: e.documentId, type: e.type, fromStatus: e.from ?? null, toStatus: e.to ?? null, reason: e.reason ?? null, ...extra, actorUserId: userId, actorLabel: label };
  });
  // The tables differ only in the document column, which `ref` names; drizzle cannot type a union of tables.
  for (let i = 0; i < rows.length; i += 1000) await ctx.db.insert(table as typeof returnEvents).values(rows.slice(i, i + 1000) as never);
}

/** One entry of a document's timeline (see `recordEvents`). */
export async function recordEvent<K extends DocumentKind>(ctx: Pick<ServiceContext, "db" | "orgId" | "actor">, kind: K, documentId: string, e: DocumentEvent<K>): Promise<void> {
  await recordEvents(ctx, kind, [{ ...e, documentId }]);
}
