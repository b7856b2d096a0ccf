import { z } from "zod";
import { SETTLEMENT_STATUSES } from "@/lib/finance/kinds";
import { PageInput, uuidInput } from "./common";
import { dateInput } from "./finance";

/** 对账 filters: platform, shop, status, payout date range (merchant days), and "expected ≠ received". */
export const SettlementFilter = z.object({
  platform: z.string().trim().toLowerCase().max(32).optional(),
  accountId: uuidInput.optional(),
  status: z.enum(SETTLEMENT_STATUSES).optional(),
  from: dateInput.optional(),
  to: dateInput.optional(),
  mismatch: z.boolean().optional(),
  /** A payout id, exactly. */
  search: z.string().trim().max(100).optional(),
});

export const SettlementListInput = PageInput.extend(SettlementFilter.shape);

export const UnmatchedLineListInput = PageInput.extend({
  platform: SettlementFilter.shape.platform,
  accountId: uuidInput.optional(),
  /** A platform order id, exactly. */
  search: z.string().trim().max(100).optional(),
});

export const MissingSettlementListInput = PageInput.extend({
  platform: SettlementFilter.shape.platform,
  accountId: uuidInput.optional(),
  from: dateInput.optional(),
  to: dateInput.optional(),
});

/** 拉取结算: a manual settlement pull of one shop over a range (default: since its settlement cursor). */
export const SettlementPullInput = z.object({
  id: uuidInput,
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
