import { z } from "zod";
import type { StocktakeStatus } from "@/db/schema/warehouse";
import { decimalInput, optionalText, PageInput, requiredText, uuidInput } from "./common";

export const STOCK_STATUS_FILTERS = ["all", "in_stock", "low", "out"] as const;

export const StockListInput = PageInput.extend({
  search: z.string().trim().max(100).optional(),
  warehouseId: uuidInput.optional(),
  status: z.enum(STOCK_STATUS_FILTERS).default("all"),
  /** Also list SKU × warehouse pairs that never had stock (they count as out of stock). */
  includeUnstocked: z.boolean().default(false),
});
export type StockListInput = z.input<typeof StockListInput>;

export const MOVEMENT_KIND_FILTERS = [
  "opening",
  "receipt",
  "reservation",
  "release",
  "shipment",
  "return",
  "adjustment",
  "stocktake",
  "scrap",
] as const;

export const MovementListInput = PageInput.extend({
  productId: uuidInput.optional(),
  warehouseId: uuidInput.optional(),
  kind: z.enum(MOVEMENT_KIND_FILTERS).optional(),
  /** SKU or document number. */
  search: z.string().trim().max(100).optional(),
});
export type MovementListInput = z.input<typeof MovementListInput>;

export const ProductStockInput = z.object({ productId: uuidInput });

export const MovementSeriesInput = z.object({
  productId: uuidInput,
  warehouseId: uuidInput.optional(),
  points: z.number().int().min(10).max(2000).default(300),
});

export const ADJUSTMENT_KINDS = ["adjustment", "scrap"] as const;

/** Manual stock adjustment: a signed quantity (scrap only takes away) and the reason for the record. */
export const AdjustStockInput = z.object({
  productId: uuidInput,
  warehouseId: uuidInput,
  kind: z.enum(ADJUSTMENT_KINDS).default("adjustment"),
  quantity: decimalInput,
  reason: requiredText(300),
});
export type AdjustStockInput = z.input<typeof AdjustStockInput>;

export const SetLocationInput = z.object({
  productId: uuidInput,
  warehouseId: uuidInput,
  location: z.string().trim().max(40, { error: "tooLong" }),
});
export type SetLocationInput = z.input<typeof SetLocationInput>;

// ─── Stocktakes ──────────────────────────────────────────────────────────────────────────────────

export const STOCKTAKE_STATUSES = ["counting", "posted", "cancelled"] as const satisfies readonly StocktakeStatus[];
export type StocktakeAction = "post" | "cancel";

/** The one transition table of stocktakes: action → (from → to). Lines are added and counted while counting. */
export const STOCKTAKE_TRANSITIONS: Record<StocktakeAction, Partial<Record<StocktakeStatus, StocktakeStatus>>> = {
  post: { counting: "posted" },
  cancel: { counting: "cancelled" },
};

export const StocktakeCreateInput = z.object({
  warehouseId: uuidInput,
  /** stocked: start with every SKU that has a balance in the warehouse; empty: add SKUs by hand. */
  scope: z.enum(["stocked", "empty"]).default("stocked"),
  remark: optionalText(500),
});
export type StocktakeCreateInput = z.input<typeof StocktakeCreateInput>;

export const StocktakeListInput = PageInput.extend({
  status: z.enum(STOCKTAKE_STATUSES).optional(),
  warehouseId: uuidInput.optional(),
});

export const StocktakeIdInput = z.object({ id: uuidInput });

export const StocktakeLinesInput = PageInput.extend({
  id: uuidInput,
  /** counted: only lines already counted; differences: counted lines whose count differs from on hand. */
  view: z.enum(["all", "uncounted", "counted", "differences"]).default("all"),
  search: z.string().trim().max(100).optional(),
});

export const StocktakeAddLinesInput = z.object({
  id: uuidInput,
  skus: z.array(z.string().trim().min(1).max(64)).min(1, { error: "required" }).max(500),
});

export const StocktakeCountInput = z.object({
  id: uuidInput,
  counts: z
    .array(z.object({ lineId: uuidInput, countedQty: z.union([z.string().trim(), z.number()]).nullable() }))
    .min(1, { error: "required" })
    .max(1000),
});
export type StocktakeCountInput = z.input<typeof StocktakeCountInput>;
