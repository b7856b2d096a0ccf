/**
 * The process's life: how many requests are in flight, and whether it is draining (SIGTERM received:
 * new requests get 503 + Connection: close, /api/ready says not ready, in-flight ones finish).
 */
type State = { draining: boolean; inFlight: number; waiters: (() => void)[] };
const g = globalThis as unknown as { __manifoldLifecycle?: State };
const state = (): State => (g.__manifoldLifecycle ??= { draining: false, inFlight: 0, waiters: [] });

export const isDraining = () => state().draining;
export const inFlight = () => state().inFlight;

export function startDraining() {
  state().draining = true;
}

export function requestStarted() {
  state().inFlight++;
}

export function requestFinished() {
  const s = state();
  s.inFlight = Math.max(0, s.inFlight - 1);
  if (s.inFlight === 0) for (const w of s.waiters.splice(0)) w();
}

/** Resolves when no request is in flight, or after `timeoutMs`; returns how many were still running. */
export async function waitForIdle(timeoutMs: number): Promise<number> {
  const s = state();
  if (s.inFlight === 0) return 0;
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    s.waiters.push(() => {
      clearTimeout(t);
      resolve();
    });
  });
  return s.inFlight;
}
