/**
 * The outbox relay (relayOnce, what server/jobs/outbox-relay.ts loops) in a process of its own, for the
 * SIGKILL drill: ship-back events are delivered to SINK_URL with the event id as idempotency key.
 */
import { createDb } from "@/db";
import { relayOnce } from "@/server/services/outbox/outbox";
import { TOPICS } from "@/server/services/outbox/topics";

const { db } = createDb(process.env.DATABASE_URL!, 4);
const deliver = async (event: { id: string; payload: Record<string, unknown> }) => {
  const res = await fetch(process.env.SINK_URL!, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": event.id },
    body: JSON.stringify(event.payload),
  });
  if (!res.ok) throw new Error(`sink ${res.status}`);
  return { delivered: true };
};
console.log("READY");
for (;;) {
  const r = await relayOnce(db, { [TOPICS.pushShipment]: deliver, [TOPICS.pushStock]: deliver }, 10).catch(() => ({ claimed: 0 }));
  if (r.claimed === 0) await new Promise((res) => setTimeout(res, 50));
}
