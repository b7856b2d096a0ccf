import { z } from "zod";
import type { OutboundStatus } from "@/db/schema/warehouse";
import { decimalInput, optionalDecimalInput, optionalText, PageInput, requiredText, uuidInput } from "./common";
import { optionalCurrencyInput } from "./finance";
import { ImportInput } from "./tabular";

export const OUTBOUND_STATUSES = [
  "pending_audit",
  "audited",
  "picking",
  "packed",
  "shipped",
  "cancelled",
] as const satisfies readonly OutboundStatus[];

export const OUTBOUND_ACTIONS = ["audit", "pick", "pack", "ship", "cancel"] as const;
export type OutboundAction = (typeof OUTBOUND_ACTIONS)[number];

/**
 * The one transition table of outbound orders: action → (from → to). Picking and packing may be skipped
 * by merchants who ship straight after 审核 (the timeline shows which steps were taken).
 */
export const OUTBOUND_TRANSITIONS: Record<OutboundAction, Partial<Record<OutboundStatus, OutboundStatus>>> = {
  audit: { pending_audit: "audited" },
  pick: { audited: "picking" },
  pack: { audited: "packed", picking: "packed" },
  ship: { audited: "shipped", picking: "shipped", packed: "shipped" },
  cancel: { pending_audit: "cancelled", audited: "cancelled", picking: "cancelled", packed: "cancelled" },
};

export const canOutbound = (action: OutboundAction, from: OutboundStatus) =>
  !!OUTBOUND_TRANSITIONS[action][from];

export const OutboundListInput = PageInput.extend({
  status: z.enum(OUTBOUND_STATUSES).optional(),
  warehouseId: uuidInput.optional(),
  /** Outbound no., order no., tracking no. or recipient. */
  search: z.string().trim().max(100).optional(),
  /** Only rows whose last audit found problems. */
  withExceptions: z.boolean().optional(),
  pickBatchId: uuidInput.optional(),
  orderId: uuidInput.optional(),
});
export type OutboundListInput = z.input<typeof OutboundListInput>;

export const OutboundIdInput = z.object({ id: uuidInput });

export const BulkAuditInput = z.object({
  /** The rows to audit; without ids, the next `limit` rows still pending audit (oldest first). */
  ids: z.array(uuidInput).max(500).optional(),
  warehouseId: uuidInput.optional(),
  /**
   * With no ids: skip rows already audited since this time, so a client auditing "all the rest" batch
   * by batch moves on past rows that failed instead of retrying them forever.
   */
  notAuditedSince: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type BulkAuditInput = z.input<typeof BulkAuditInput>;

export const CreatePickBatchInput = z.object({
  ids: z.array(uuidInput).min(1, { error: "required" }).max(500),
});

export const PackInput = z.object({
  id: uuidInput,
  lines: z
    .array(z.object({ lineId: uuidInput, packedQty: decimalInput }))
    .min(1, { error: "required" })
    .max(500),
});
export type PackInput = z.input<typeof PackInput>;

export const carrierText = requiredText(60);
export const trackingText = z
  .string({ error: "required" })
  .trim()
  .min(1, { error: "required" })
  .max(60, { error: "tooLong" })
  .regex(/^[A-Za-z0-9\-_/ .]+$/, { error: "trackingFormat" });

export const ShipInput = z.object({
  id: uuidInput,
  carrier: carrierText,
  trackingNumber: trackingText,
  /** 物流成本 paid for this shipment (finance staff only; empty: none), in `freightCurrency` (empty: the reporting currency). */
  freight: optionalDecimalInput,
  freightCurrency: optionalCurrencyInput,
});
export type ShipInput = z.input<typeof ShipInput>;

export const BulkShipInput = z.object({
  items: z.array(ShipInput).min(1, { error: "required" }).max(500),
});
export type BulkShipInput = z.input<typeof BulkShipInput>;

export const CancelOutboundInput = z.object({ id: uuidInput, reason: requiredText(300) });
export type CancelOutboundInput = z.input<typeof CancelOutboundInput>;

/** CSV/XLSX of order number (or outbound number) → tracking number, optional carrier column. */
export const TrackingUploadInput = ImportInput.extend({
  /** Carrier for rows whose file has none. */
  defaultCarrier: optionalText(60),
});
export type TrackingUploadInput = z.input<typeof TrackingUploadInput>;

export const PickBatchListInput = PageInput.extend({ warehouseId: uuidInput.optional() });
