import { is } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { tenantDb, type Db, type DbExecutor, type Tx } from "@/db";
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

/**
 * A ServiceContext inside an open transaction. Functions that must commit together with their caller's
 * document (stock ledger, outbox, document numbers, timelines) take this type, so calling them on the
 * pool is a type error rather than a half-written document.
 */
export type TxContext = ServiceContext & { db: Tx };

/** What a read of one merchant's data needs (no actor, no role): any ServiceContext is one. */
export type OrgScope = Pick<ServiceContext, "db" | "orgId">;

/**
 * The context of work nobody typed: jobs, relays, seeds, webhooks. Given a pool it runs on that
 * merchant's database (`tenantDb`: the application role, the merchant set in every transaction); given
 * an open transaction it joins it (the transaction's opener chose the database).
 */
export const systemContext = <D extends DbExecutor>(db: D, orgId: string, name: string, role: Role = "owner"): ServiceContext & { db: D } => ({
  db: (isTransaction(db) ? db : tenantDb(db as Db, orgId)) as D,
  orgId,
  role,
  actor: { type: "system", name },
});

/** The user id to stamp on rows, when the actor is a person. */
export const actorUserId = (ctx: Pick<ServiceContext, "actor">) =>
  ctx.actor.type === "user" ? ctx.actor.userId : null;

export const actorLabel = (ctx: Pick<ServiceContext, "actor">) =>
  ctx.actor.type === "user" ? `user:${ctx.actor.userId}` : ctx.actor.type === "apiKey" ? `apikey:${ctx.actor.apiKeyId}` : `system:${ctx.actor.name}`;

/** Whether `db` is an open transaction (drizzle's PgTransaction, which postgres.js backs with `begin`). */
export const isTransaction = (db: DbExecutor): db is Tx => is(db, PgTransaction);

/**
 * THE place where a merchant transaction begins: run `fn` in a new transaction, or — when the context
 * already is one — in that same transaction (no savepoint: an error aborts the caller's transaction
 * too, which is what a caller that wrote part of a document wants). Callers that must survive a failed
 * step and go on use `inSavepoint` explicitly.
 */
export async function inTransaction<T>(ctx: ServiceContext, fn: (ctx: TxContext) => Promise<T>): Promise<T> {
  if (isTransaction(ctx.db)) return fn({ ...ctx, db: ctx.db });
  return (ctx.db as Db).transaction((tx) => fn({ ...ctx, db: tx }));
}

/** Run `fn` in a savepoint of the open transaction: its failure rolls back only what it wrote. */
export async function inSavepoint<T>(ctx: TxContext, fn: (ctx: TxContext) => Promise<T>): Promise<T> {
  return ctx.db.transaction((sp) => fn({ ...ctx, db: sp }));
}
