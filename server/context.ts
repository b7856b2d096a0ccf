import type { DbExecutor } from "@/db";
import type { Role } from "@/lib/permissions";

export type Actor =
  | { type: "user"; userId: string }
  | { type: "apiKey"; apiKeyId: string }
  | { type: "system"; name: string };

/**
 * What every tenant-scoped service receives. `orgId` always comes from the session or the API key,
 * never from client input.
 */
export type ServiceContext = {
  db: DbExecutor;
  orgId: string;
  role: Role;
  actor: Actor;
};

/** The user id to stamp on rows, when the actor is a person. */
export const actorUserId = (ctx: Pick<ServiceContext, "actor">) =>
  ctx.actor.type === "user" ? ctx.actor.userId : null;

export const actorLabel = (ctx: Pick<ServiceContext, "actor">) =>
  ctx.actor.type === "user" ? `user:${ctx.actor.userId}` : ctx.actor.type === "apiKey" ? `apikey:${ctx.actor.apiKeyId}` : `system:${ctx.actor.name}`;

/** Run `fn` in a transaction unless the context already is one. */
export async function inTransaction<T>(ctx: ServiceContext, fn: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const db = ctx.db as DbExecutor & { transaction: (f: (tx: DbExecutor) => Promise<T>) => Promise<T> };
  return db.transaction((tx) => fn({ ...ctx, db: tx }));
}
