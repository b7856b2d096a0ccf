import type { MessageRef } from "@/lib/i18n/message-ref";

export type DomainErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_TRANSITION"
  | "INSUFFICIENT_STOCK"
  | "VALIDATION"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE"
  | "UPSTREAM"
  | "INTERNAL";

/** A DomainError's message is a ref whose key is under `errors.`. */
export type { MessageRef };

export type FieldErrors = Record<string, MessageRef>;

/**
 * The one error family of the domain. Services throw only this; tRPC, the open API and forms map it.
 * `message` is an English rendering for logs and API clients that don't translate.
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly messageRef: MessageRef;
  readonly fieldErrors?: FieldErrors;
  readonly details?: unknown;

  constructor(
    code: DomainErrorCode,
    messageRef: MessageRef,
    opts: { fieldErrors?: FieldErrors; details?: unknown; cause?: unknown; message?: string } = {},
  ) {
    super(opts.message ?? `${code}: ${messageRef.key}`, { cause: opts.cause });
    this.name = "DomainError";
    this.code = code;
    this.messageRef = messageRef;
    this.fieldErrors = opts.fieldErrors;
    this.details = opts.details;
  }
}

export const notFound = (entity: string, params: Record<string, string | number> = {}) =>
  new DomainError("NOT_FOUND", { key: "notFound", params: { entity, ...params } });

export const forbidden = (permission?: string) =>
  new DomainError("FORBIDDEN", { key: "forbidden", params: permission ? { permission } : {} });

/** A validation error on one field. */
export const fieldError = (field: string, key: string, params: Record<string, string | number> = {}) =>
  new DomainError("VALIDATION", { key, params: { field, ...params } }, { fieldErrors: { [field]: { key, params } } });

export const conflict = (field: string, key: string, params: Record<string, string | number> = {}) =>
  new DomainError("CONFLICT", { key, params: { field, ...params } }, { fieldErrors: { [field]: { key, params } } });

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = (e as { cause?: unknown })?.cause ?? e;
  const pg = err as { code?: string; constraint_name?: string; constraint?: string };
  if (pg?.code !== "23505") return false;
  return !constraint || pg.constraint_name === constraint || pg.constraint === constraint;
}

/**
 * PostgreSQL itself refusing a cross-merchant write — a foreign key (org_id, x_id) → (org_id, id) that
 * finds no row of this merchant, or row-level security's WITH CHECK — as the NOT_FOUND the service
 * layer would have answered (not-yours is not-found), never a 500 with SQL text. Null for anything else.
 */
export function tenancyRefusal(e: unknown): DomainError | null {
  const err = ((e as { cause?: unknown })?.cause ?? e) as { code?: string; detail?: string; message?: string };
  if (err?.code === "23503") {
    const table = /is not present in table "(\w+)"/.exec(err.detail ?? "")?.[1];
    if (table) return notFound(entityOfTable(table));
  }
  if (err?.code === "42501" && /row-level security/.test(err.message ?? "")) return notFound("record");
  return null;
}

/** products → product, channel_accounts → channelAccount: the entity names of lib/i18n/messages/entities.ts. */
const entityOfTable = (table: string) =>
  table
    .replace(/ies$/, "y")
    .replace(/s$/, "")
    .replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
