/**
 * System order statuses and the one transition table that decides every move (design: one table per
 * aggregate). Isomorphic, so pages show only the actions a status allows.
 */
export const ORDER_STATUSES = ["pending", "stock_up", "scheduled", "shipped", "completed", "closed", "frozen", "voided"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ACTIONS = ["approve", "schedule", "unschedule", "ship", "complete", "close", "freeze", "unfreeze", "void"] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** action → (from → to). `unfreeze` returns to the status recorded when the order was frozen. */
export const ORDER_TRANSITIONS: Record<OrderAction, Partial<Record<OrderStatus, OrderStatus | "previous">>> = {
  approve: { pending: "stock_up" },
  // Set by production when a plan is linked / its last plan unlinked.
  schedule: { stock_up: "scheduled" },
  unschedule: { scheduled: "stock_up" },
  ship: { stock_up: "shipped", scheduled: "shipped" },
  complete: { shipped: "completed" },
  // "对于未排产的订单，支持关闭订单": never once scheduled.
  close: { pending: "closed", stock_up: "closed" },
  freeze: { pending: "frozen", stock_up: "frozen", scheduled: "frozen" },
  unfreeze: { frozen: "previous" },
  void: { pending: "voided", stock_up: "voided", frozen: "voided" },
};

export function nextStatus(action: OrderAction, from: OrderStatus): OrderStatus | "previous" | null {
  return ORDER_TRANSITIONS[action][from] ?? null;
}

export const canDo = (action: OrderAction, from: OrderStatus) => nextStatus(action, from) !== null;

/** Statuses in which stock is reserved for the order's lines. */
export const RESERVED_STATUSES: readonly OrderStatus[] = ["stock_up", "scheduled"];

/** Whether stock is currently reserved for the order (directly, or held while frozen). */
export function holdsReservation(order: { status: OrderStatus; statusBeforeFreeze: OrderStatus | null }): boolean {
  if (RESERVED_STATUSES.includes(order.status)) return true;
  return order.status === "frozen" && !!order.statusBeforeFreeze && RESERVED_STATUSES.includes(order.statusBeforeFreeze);
}

export const ORDER_SOURCES = ["manual", "api", "platform"] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

export const LINE_TYPES = ["buy", "gift"] as const;
export type LineType = (typeof LINE_TYPES)[number];
