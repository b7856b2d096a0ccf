import { z } from "zod";
import type { ReturnStatus } from "@/db/schema/warehouse";
import { decimalInput, optionalText, PageInput, requiredText, uuidInput } from "./common";

export const RETURN_STATUSES = [
  "requested",
  "received",
  "inspected",
  "closed",
  "cancelled",
] as const satisfies readonly ReturnStatus[];

export const RETURN_ACTIONS = ["receive", "inspect", "close", "cancel"] as const;
export type ReturnAction = (typeof RETURN_ACTIONS)[number];

/** The one transition table of returns (RMA): action → (from → to). */
export const RETURN_TRANSITIONS: Record<ReturnAction, Partial<Record<ReturnStatus, ReturnStatus>>> = {
  receive: { requested: "received" },
  inspect: { received: "inspected" },
  close: { inspected: "closed" },
  cancel: { requested: "cancelled" },
};

export const canReturn = (action: ReturnAction, from: ReturnStatus) => !!RETURN_TRANSITIONS[action][from];

export const DISPOSITIONS = ["restock", "scrap"] as const;

/** What can still be returned: the lines of a shipped order (or of one of its outbound orders). */
export const ReturnableInput = z
  .object({
    orderId: uuidInput.optional(),
    /** Order number or outbound number, as typed on the form. */
    number: z.string().trim().max(40).optional(),
    outboundId: uuidInput.optional(),
  })
  .refine((v) => v.orderId || v.number || v.outboundId, { error: "required", path: ["number"] });

export const CreateReturnInput = z.object({
  orderId: uuidInput,
  outboundId: uuidInput.nullish(),
  reason: requiredText(300),
  platformRef: optionalText(100),
  remark: optionalText(1000),
  lines: z
    .array(z.object({ orderLineId: uuidInput, quantity: decimalInput, remark: optionalText(200) }))
    .min(1, { error: "returnLinesRequired" })
    .max(500),
});
export type CreateReturnInput = z.input<typeof CreateReturnInput>;

export const ReturnListInput = PageInput.extend({
  status: z.enum(RETURN_STATUSES).optional(),
  /** Return no., order no. or platform reference. */
  search: z.string().trim().max(100).optional(),
  orderId: uuidInput.optional(),
});

export const ReturnIdInput = z.object({ id: uuidInput });

export const ReceiveReturnInput = z.object({
  id: uuidInput,
  lines: z
    .array(z.object({ lineId: uuidInput, receivedQty: decimalInput }))
    .min(1, { error: "required" })
    .max(500),
});
export type ReceiveReturnInput = z.input<typeof ReceiveReturnInput>;

export const InspectReturnInput = z.object({
  id: uuidInput,
  lines: z
    .array(
      z.object({
        lineId: uuidInput,
        disposition: z.enum(DISPOSITIONS, { error: "dispositionRequired" }),
        warehouseId: uuidInput.nullish(),
      }),
    )
    .min(1, { error: "required" })
    .max(500),
});
export type InspectReturnInput = z.input<typeof InspectReturnInput>;

export const CancelReturnInput = z.object({ id: uuidInput, reason: requiredText(300) });
