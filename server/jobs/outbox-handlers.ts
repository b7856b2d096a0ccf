import type { OutboxHandler } from "@/server/services/outbox/outbox";
import {
  INVENTORY_CHANGED,
  onInventoryChanged,
  onOrderShipped,
  onPushShipment,
  onPushStock,
  ORDER_SHIPPED,
  PUSH_SHIPMENT,
  PUSH_STOCK,
} from "@/server/services/channels/sync-back";
import { deliverStageProgress } from "@/server/services/production/upstream";
import { UPSTREAM_TOPIC } from "@/lib/production/status";

/**
 * Outbox topic → handler, run by the relay (server/jobs/outbox-relay.ts). One handler per topic: a
 * domain that also needs a topic another one handles composes them with `allOf`. Add a line here when
 * your domain consumes an event. Handlers must be idempotent (delivery is at least once) and throw
 * `RetryLater` to back off.
 */
export const outboxHandlers: Record<string, OutboxHandler> = {
  [ORDER_SHIPPED]: onOrderShipped,
  [PUSH_SHIPMENT]: onPushShipment,
  [INVENTORY_CHANGED]: onInventoryChanged,
  [PUSH_STOCK]: onPushStock,
  // Production stage progress → the programme (天天工厂), signed and versioned.
  [UPSTREAM_TOPIC]: deliverStageProgress,
};

/** Several consumers of one topic: each runs; the first failure fails (and retries) the event. */
export function allOf(...handlers: OutboxHandler[]): OutboxHandler {
  return async (event, db) => {
    const results: Record<string, unknown> = {};
    for (const [i, h] of handlers.entries()) results[i] = (await h(event, db)) ?? null;
    return results;
  };
}
