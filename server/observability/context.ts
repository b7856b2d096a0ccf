import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * What every log line of one unit of work carries: the request (or job) id and, once known, the
 * merchant. Set by the HTTP entry points (server/observability/http.ts) and the job runners; the
 * merchant is filled in by resolveServiceContext, the one place an org id comes from.
 */
export type WorkContext = { requestId: string; orgId?: string; job?: string; route?: string };

const g = globalThis as unknown as { __manifoldAls?: AsyncLocalStorage<WorkContext> };
// One store per process even when Next.js bundles this module twice (instrumentation and routes).
const als = (g.__manifoldAls ??= new AsyncLocalStorage<WorkContext>());

export const newRequestId = () => randomUUID();

/** A caller's X-Request-Id when it is a sane token, else a fresh one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[A-Za-z0-9._:-]{8,100}$/.test(header) ? header : newRequestId();
}

export function runWithContext<T>(ctx: WorkContext, fn: () => T): T {
  return als.run({ ...ctx }, fn);
}

export const currentContext = (): WorkContext | undefined => als.getStore();

/** Record the merchant of the current unit of work (no-op outside one). */
export function noteOrg(orgId: string) {
  const store = als.getStore();
  if (store) store.orgId = orgId;
}
