import type { OutboxHandler } from "@/server/services/outbox/outbox";
import { onInventoryChanged, onOrderShipped, onPushShipment, onPushStock } from "@/server/services/channels/sync-back";
import { TOPICS, type Topic } from "@/server/services/outbox/topics";
import { deliverStageProgress } from "@/server/services/production/upstream";

/**
 * Outbox topic → handler, run by the relay (server/jobs/outbox-relay.ts). One handler per topic (the
 * record is typed by the topics in services/outbox/topics.ts, so a new topic without a handler does not
 * compile). Add a line here when your domain consumes an event. Handlers must be idempotent (delivery
 * is at least once) and throw `RetryLater` to back off.
 */
export const outboxHandlers: Record<Topic, OutboxHandler> = {
  [TOPICS.orderShipped]: onOrderShipped,
  [TOPICS.pushShipment]: onPushShipment,
  [TOPICS.inventoryChanged]: onInventoryChanged,
  [TOPICS.pushStock]: onPushStock,
  // Production stage progress → the programme (天天工厂), signed and versioned.
  [TOPICS.stageProgress]: deliverStageProgress,
};
