import type { Db } from "@/db";
import { relayOnce } from "@/server/services/outbox/outbox";
import { isDatabaseUnavailable } from "@/server/observability/db-errors";
import { outboxHandlers } from "./outbox-handlers";

type Relay = { stop: () => Promise<void> };
const g = globalThis as unknown as { __manifoldRelay?: Relay };

export const relayRunning = () => Boolean(g.__manifoldRelay);

/**
 * The outbox relay loop: claim due events (SKIP LOCKED, so any number of processes may run it), run
 * their handlers, and poll again — at once while there is a backlog, else after `idleMs` (longer while
 * the database is away, so a restart is not hammered). `stop()` lets the pass in progress finish.
 */
export function startOutboxRelay(db: Db, opts: { idleMs?: number; batch?: number; log?: (m: string) => void } = {}) {
  if (g.__manifoldRelay) return g.__manifoldRelay;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let downSince = 0;
  const pass = async () => {
    let delay = opts.idleMs ?? 1000;
    try {
      const r = await relayOnce(db, outboxHandlers, opts.batch ?? 50);
      if (r.claimed === (opts.batch ?? 50)) delay = 0;
      if (r.failed) opts.log?.(`[outbox] ${r.failed} of ${r.claimed} events failed (will retry)`);
      if (downSince) opts.log?.(`[outbox] database back after ${Math.round((Date.now() - downSince) / 1000)}s`);
      downSince = 0;
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        if (!downSince) opts.log?.(`[outbox] database unavailable, retrying: ${e instanceof Error ? e.message : e}`);
        downSince ||= Date.now();
        delay = Math.max(delay, 2000);
      } else opts.log?.(`[outbox] relay error: ${e instanceof Error ? e.message : e}`);
    }
    return delay;
  };
  const tick = () => {
    if (stopped) return;
    current = pass().then((delay) => {
      current = null;
      if (!stopped) timer = setTimeout(tick, delay);
    });
  };
  timer = setTimeout(tick, 0);
  g.__manifoldRelay = {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      g.__manifoldRelay = undefined;
      await current;
    },
  };
  return g.__manifoldRelay;
}
