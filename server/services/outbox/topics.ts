import { UPSTREAM_TOPIC } from "@/lib/production/status";

/**
 * Every outbox topic and the payload it carries, in one place: `enqueue` accepts only these, and a
 * handler reads its payload through `payloadOf`, so producer and consumer cannot drift apart.
 */
export const TOPICS = {
  /** A SKU's stock changed (debounced per SKU): stock push and ERP sync read it as it is then. */
  inventoryChanged: "inventory.changed",
  /** An outbound order shipped: the platform order learns carrier and tracking. */
  orderShipped: "order.shipped",
  /** Push carrier + tracking of a platform order to its marketplace. */
  pushShipment: "channels.push_shipment",
  /** Push the sellable quantity of one listing (debounced per account × platform SKU). */
  pushStock: "channels.push_stock",
  /** Production stage progress of a plan → a programme (天天工厂), signed and versioned. */
  stageProgress: UPSTREAM_TOPIC,
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export type TopicPayloads = {
  "inventory.changed": { productId: string };
  "order.shipped": { orderId: string; outboundId: string; carrier: string; trackingNumber: string };
  "channels.push_shipment": { platformOrderId: string };
  "channels.push_stock": { accountId: string; platformSku: string };
  [UPSTREAM_TOPIC]: { planId: string; programmeId: string };
};

/** One event to write: its topic, the payload of that topic, and an optional debounce key. */
export type OutboxMessage<T extends Topic = Topic> = T extends Topic
  ? { topic: T; payload: TopicPayloads[T]; dedupeKey?: string | null; availableAt?: Date }
  : never;

/** The payload of a claimed event, typed by its topic (events are only ever written by `enqueue`). */
export const payloadOf = <T extends Topic>(event: { topic: string; payload: unknown }, _topic: T) => event.payload as Partial<TopicPayloads[T]>;
