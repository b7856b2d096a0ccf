import type { Db } from "@/db";
import { relayOnce } from "@/server/services/outbox/outbox";
import { outboxHandlers } from "./outbox-handlers";

const g = globalThis as unknown as { __manifoldRelay?: { stop: () => void } };

/**
 * The outbox relay loop: claim due events (SKIP LOCKED, so any number of processes may run it), run
 * their handlers, and poll again — at once while there is a backlog, else after `idleMs`.
 */
export function startOutboxRelay(db: Db, opts: { idleMs?: number; batch?: number; log?: (m: string) => void } = {}) {
  if (g.__manifoldRelay) return g.__manifoldRelay;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    if (stopped) return;
    let again = false;
    try {
      const r = await relayOnce(db, outboxHandlers, opts.batch ?? 50);
      again = r.claimed === (opts.batch ?? 50);
      if (r.failed) opts.log?.(`[outbox] ${r.failed} of ${r.claimed} events failed (will retry)`);
    } catch (e) {
      opts.log?.(`[outbox] relay error: ${e instanceof Error ? e.message : e}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), again ? 0 : (opts.idleMs ?? 1000));
  };
  timer = setTimeout(() => void tick(), 0);
  g.__manifoldRelay = {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      g.__manifoldRelay = undefined;
    },
  };
  return g.__manifoldRelay;
}
