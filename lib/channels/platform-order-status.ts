/**
 * Platform order states (the tabs of 平台订单管理) and the one transition table that decides every
 * move. Isomorphic: the page offers only the actions a state allows.
 */
export const PLATFORM_ORDER_STATES = ["pending", "processed", "marked_shipped", "frozen", "voided"] as const;
export type PlatformOrderState = (typeof PLATFORM_ORDER_STATES)[number];

export const PLATFORM_ORDER_ACTIONS = ["convert", "freeze", "unfreeze", "void", "markShipped", "platformShip"] as const;
export type PlatformOrderAction = (typeof PLATFORM_ORDER_ACTIONS)[number];

export const PLATFORM_ORDER_TRANSITIONS: Record<PlatformOrderAction, Partial<Record<PlatformOrderState, PlatformOrderState | "previous">>> = {
  // 转为系统订单
  convert: { pending: "processed" },
  freeze: { pending: "frozen", processed: "frozen" },
  unfreeze: { frozen: "previous" },
  // 作废: not once a system order exists (close that order instead).
  void: { pending: "voided", frozen: "voided" },
  // 转标记发货: mark as shipped without telling the platform.
  markShipped: { processed: "marked_shipped" },
  // 平台发货: push carrier + tracking, then marked shipped.
  platformShip: { processed: "marked_shipped" },
};

export const canPlatformOrder = (action: PlatformOrderAction, from: PlatformOrderState) => PLATFORM_ORDER_TRANSITIONS[action][from] !== undefined;
