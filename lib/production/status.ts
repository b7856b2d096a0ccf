/**
 * Production plan statuses and the one transition table that decides every move. Isomorphic, so pages
 * show only the actions a status allows.
 */
export const PLAN_STATUSES = ["planned", "released", "in_progress", "completed", "cancelled"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_ACTIONS = ["release", "start", "complete", "cancel"] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export const PLAN_TRANSITIONS: Record<PlanAction, Partial<Record<PlanStatus, PlanStatus>>> = {
  release: { planned: "released" },
  // Also taken automatically by the first work report of a released plan.
  start: { released: "in_progress" },
  // Taken automatically when the last operation has reported the full quantity.
  complete: { in_progress: "completed" },
  cancel: { planned: "cancelled", released: "cancelled", in_progress: "cancelled" },
};

export const nextPlanStatus = (action: PlanAction, from: PlanStatus): PlanStatus | null => PLAN_TRANSITIONS[action][from] ?? null;

export const canDoPlan = (action: PlanAction, from: PlanStatus) => nextPlanStatus(action, from) !== null;

/** Statuses in which work can be reported. */
export const REPORTABLE_STATUSES: readonly PlanStatus[] = ["released", "in_progress"];

/** Plans in these statuses keep their orders scheduled. */
export const LIVE_PLAN_STATUSES: readonly PlanStatus[] = ["planned", "released", "in_progress", "completed"];

export const WORK_REPORT_SOURCES = ["manual", "import", "api"] as const;
export type WorkReportSource = (typeof WORK_REPORT_SOURCES)[number];

/**
 * sending: claimed by the relay, not yet answered; retrying: failed, will be retried; delivered: the
 * programme accepted it; rejected: the programme refused it (4xx) or it is not configured — not retried;
 * failed: retries exhausted; blocked: the route's mapping was incomplete when the report was due.
 */
export const UPSTREAM_REPORT_STATUSES = ["sending", "retrying", "delivered", "rejected", "failed", "blocked"] as const;
export type UpstreamReportStatus = (typeof UPSTREAM_REPORT_STATUSES)[number];

/** Outbox topic of upstream stage-progress reports. */
export const UPSTREAM_TOPIC = "production.stage_progress";
