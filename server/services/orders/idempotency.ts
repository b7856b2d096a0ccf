import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { idempotencyKeys } from "@/db/schema";
import { inTransaction, type ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";

/** A stable hash of a request body (key order does not matter). */
export function requestHash(value: unknown): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(stable)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, stable(x)]),
          )
        : v;
  return createHash("sha256").update(JSON.stringify(stable(value))).digest("hex");
}

export const MAX_IDEMPOTENCY_KEY = 200;

/**
 * Run `fn` at most once per (merchant, scope, key): the key row is inserted in the same transaction as
 * the work and carries its response, so a repeat returns that first response and creates nothing.
 * A repeat that arrives while the first is still running waits on the key's unique index and then
 * replays. If the work fails, its transaction (and the key) rolls back, so a retry runs again. The same
 * key with a different request body is refused.
 */
export async function withIdempotency<T>(
  ctx: ServiceContext,
  opts: { scope: string; key: string | null | undefined; request: unknown },
  fn: (ctx: ServiceContext) => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  const key = opts.key?.trim();
  if (!key) return { value: await fn(ctx), replayed: false };
  if (key.length > MAX_IDEMPOTENCY_KEY) {
    throw new DomainError("VALIDATION", { key: "tooLong", params: { field: "Idempotency-Key" } }, { fieldErrors: { "Idempotency-Key": { key: "tooLong" } } });
  }
  const hash = requestHash(opts.request);
  return inTransaction(ctx, async (ctx) => {
    const inserted = await ctx.db
      .insert(idempotencyKeys)
      .values({ orgId: ctx.orgId, scope: opts.scope, key, requestHash: hash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    const where = and(eq(idempotencyKeys.orgId, ctx.orgId), eq(idempotencyKeys.scope, opts.scope), eq(idempotencyKeys.key, key));
    if (inserted.length === 0) {
      const [first] = await ctx.db.select().from(idempotencyKeys).where(where);
      if (!first || first.requestHash !== hash) {
        throw new DomainError("CONFLICT", { key: "idempotencyMismatch" }, { fieldErrors: { "Idempotency-Key": { key: "idempotencyMismatch" } } });
      }
      return { value: first.response as T, replayed: true };
    }
    const value = await fn(ctx);
    await ctx.db.update(idempotencyKeys).set({ response: value as unknown }).where(where);
    return { value, replayed: false };
  });
}
