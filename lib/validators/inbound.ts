import { z } from "zod";
import type { InboundStatus } from "@/db/schema/warehouse";
import { codeText, decimalInput, optionalText, PageInput, uuidInput } from "./common";
import { ImportInput } from "./tabular";

export const INBOUND_STATUSES = [
  "draft",
  "submitted",
  "partially_received",
  "received",
  "cancelled",
] as const satisfies readonly InboundStatus[];

export const INBOUND_ACTIONS = ["submit", "receive", "finish", "cancel"] as const;
export type InboundAction = (typeof INBOUND_ACTIONS)[number];

/**
 * action → (from → to). `receive` lands in partially_received or received depending on the quantities;
 * `finish` closes a partly received receipt short (the rest is not coming).
 */
export const INBOUND_TRANSITIONS: Record<InboundAction, Partial<Record<InboundStatus, InboundStatus[]>>> = {
  submit: { draft: ["submitted"] },
  receive: {
    submitted: ["partially_received", "received"],
    partially_received: ["partially_received", "received"],
  },
  finish: { partially_received: ["received"] },
  cancel: { draft: ["cancelled"], submitted: ["cancelled"] },
};

export const canInbound = (action: InboundAction, from: InboundStatus) =>
  (INBOUND_TRANSITIONS[action][from]?.length ?? 0) > 0;

export const InboundLineInput = z.object({
  sku: codeText(64),
  expectedQty: decimalInput,
  remark: optionalText(200),
});

const dateText = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "dateFormat" })
  .nullish()
  .or(z.literal("").transform(() => null));

export const InboundCreateInput = z.object({
  warehouseId: uuidInput,
  supplier: optionalText(200),
  reference: optionalText(100),
  expectedDate: dateText,
  remark: optionalText(1000),
  lines: z.array(InboundLineInput).max(2000).default([]),
});
export type InboundCreateInput = z.input<typeof InboundCreateInput>;

export const InboundUpdateInput = InboundCreateInput.extend({ id: uuidInput });
export type InboundUpdateInput = z.input<typeof InboundUpdateInput>;

export const InboundListInput = PageInput.extend({
  status: z.enum(INBOUND_STATUSES).optional(),
  warehouseId: uuidInput.optional(),
  /** Receipt number, supplier or reference. */
  search: z.string().trim().max(100).optional(),
});

export const InboundIdInput = z.object({ id: uuidInput });

export const InboundCancelInput = z.object({ id: uuidInput, reason: optionalText(300) });

/** One receiving: actual quantities per line (0 = nothing of it this time). */
export const InboundReceiveInput = z.object({
  id: uuidInput,
  lines: z
    .array(z.object({ lineId: uuidInput, qty: decimalInput }))
    .min(1, { error: "required" })
    .max(2000),
  remark: optionalText(300),
});
export type InboundReceiveInput = z.input<typeof InboundReceiveInput>;

export const InboundImportInput = ImportInput.extend({ id: uuidInput });
export type InboundImportInput = z.input<typeof InboundImportInput>;
