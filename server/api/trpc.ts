import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import type { Db } from "@/db";
import type { Locale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import { domainErrorPayload, zodErrorPayload } from "./error-payload";
import { can, type Permission } from "@/lib/permissions";
import type { ServiceContext } from "@/server/context";
import { DomainError, tenancyRefusal, type DomainErrorCode } from "@/server/errors";
import { isDatabaseUnavailable } from "@/server/observability/db-errors";
import { refuseNul } from "./input-guard";
import { resolveServiceContext } from "./resolve";

export type SessionInfo = { userId: string; orgId: string | null };

/** Everything a procedure may know about the caller; built per request by the route handler or a test. */
export type TrpcContext = {
  db: Db;
  locale: Locale;
  session: SessionInfo | null;
  /** The raw Authorization header, for API-key clients. */
  authorization: string | null;
};

const CODE_MAP: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID_TRANSITION: "PRECONDITION_FAILED",
  INSUFFICIENT_STOCK: "CONFLICT",
  VALIDATION: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UPSTREAM: "BAD_GATEWAY",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const locale = ctx?.locale ?? "zh-CN";
    const cause = error.cause;
    let appError: ReturnType<typeof domainErrorPayload> | null = null;
    if (cause instanceof DomainError) appError = domainErrorPayload(cause, locale);
    else if (cause instanceof ZodError) appError = zodErrorPayload(cause, locale);
    return {
      ...shape,
      message:
        appError?.message ??
        (error.code === "INTERNAL_SERVER_ERROR" ? translate(locale, "errors.internal") : error.code === "SERVICE_UNAVAILABLE" ? translate(locale, "errors.databaseUnavailable") : shape.message),
      data: { ...shape.data, stack: undefined, appError },
    };
  },
});

/** Map domain and validation errors once, for every procedure. */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = tenancyRefusal(result.error.cause) ?? result.error.cause;
    // The database is down or restarting: a fast, retryable 503, never a 500.
    if (isDatabaseUnavailable(cause)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "database unavailable", cause });
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.message, cause });
    }
    if (cause instanceof ZodError && result.error.code !== "BAD_REQUEST") {
      throw new TRPCError({ code: "BAD_REQUEST", message: "invalid input", cause });
    }
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Every input, before its schema: no NUL anywhere (server/api/input-guard.ts). */
const inputGuard = t.middleware(async ({ getRawInput, next }) => {
  refuseNul(await getRawInput());
  return next();
});

export const publicProcedure = t.procedure.use(errorMapping).use(inputGuard);

/**
 * The one tenant-scoped procedure: the merchant comes from the session (checked against memberships on
 * every call) or from the API key — never from input.
 */
export const orgProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const svc = await resolveServiceContext(ctx);
  return next({ ctx: { svc } });
});

/** orgProcedure plus a permission from the one table in lib/permissions.ts. */
export const permitted = (permission: Permission) =>
  orgProcedure.use(({ ctx, next }) => {
    if (!can(ctx.svc.role, permission)) {
      throw new DomainError("FORBIDDEN", { key: "forbidden", params: { permission } });
    }
    return next();
  });

/** The signed-in person behind a call; an API key has none. */
function personOf(svc: ServiceContext): string {
  if (svc.actor.type !== "user") throw new DomainError("FORBIDDEN", { key: "personOnly" });
  return svc.actor.userId;
}

/** Procedures acting on the signed-in person themselves (profile, password). */
export const personProcedure = orgProcedure.use(({ ctx, next }) => next({ ctx: { userId: personOf(ctx.svc) } }));

/**
 * `permitted(permission)` for a signed-in person only. For everything that decides who or what can
 * reach the merchant — API keys, members and roles, invitations, where production data is sent —
 * an API key is refused even when its role has the permission, so a leaked key can
 * neither mint keys nor hand out access.
 */
export const sessionOnly = (permission: Permission) =>
  personProcedure.use(({ ctx, next }) => {
    if (!can(ctx.svc.role, permission)) throw new DomainError("FORBIDDEN", { key: "forbidden", params: { permission } });
    return next();
  });
