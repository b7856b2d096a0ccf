import { z } from "zod";
import { OrderProfitFilter } from "./finance";

export const DASHBOARD_GRANULARITIES = ["day", "week", "month"] as const;
export type DashboardGranularity = (typeof DASHBOARD_GRANULARITIES)[number];

/** 经营看板: the date range and shop filters of the order-profit list, and how the series is bucketed. */
export const FinanceDashboardInput = OrderProfitFilter.pick({ accountId: true, from: true, to: true }).extend({
  granularity: z.enum(DASHBOARD_GRANULARITIES).default("day"),
});
export type FinanceDashboardInput = z.input<typeof FinanceDashboardInput>;
