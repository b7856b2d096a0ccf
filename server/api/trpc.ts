import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import type { Db } from "@/db";
import type { Locale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import { can, type Permission } from "@/lib/permissions";
import { DomainError, type DomainErrorCode } from "@/server/errors";
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

export type FieldErrorMap = Record<string, string>;

/** Field errors from a zod error, translated where the message is one of our keys. */
export function zodFieldErrors(err: ZodError, locale: Locale): FieldErrorMap {
  const out: FieldErrorMap = {};
  for (const issue of err.issues) {
    const path = issue.path.map(String).join(".") || "_";
    if (out[path]) continue;
    const field = String(issue.path[issue.path.length - 1] ?? path);
    const key = `errors.${issue.message}`;
    const msg = translate(locale, key, { field });
    out[path] = msg === key ? issue.message : msg;
  }
  return out;
}

export function domainErrorPayload(err: DomainError, locale: Locale) {
  const fieldErrors: FieldErrorMap = {};
  for (const [path, ref] of Object.entries(err.fieldErrors ?? {})) {
    const field = path.split(".").pop() ?? path;
    fieldErrors[path] = translate(locale, `errors.${ref.key}`, { field, ...(ref.params ?? {}) });
  }
  return {
    code: err.code,
    message: translate(locale, `errors.${err.messageRef.key}`, err.messageRef.params ?? {}),
    fieldErrors,
    details: err.details ?? null,
  };
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const locale = ctx?.locale ?? "zh-CN";
    const cause = error.cause;
    let appError: ReturnType<typeof domainErrorPayload> | null = null;
    if (cause instanceof DomainError) appError = domainErrorPayload(cause, locale);
    else if (cause instanceof ZodError) {
      const fieldErrors = zodFieldErrors(cause, locale);
      const [firstPath, firstMsg] = Object.entries(fieldErrors)[0] ?? ["_", ""];
      appError = {
        code: "VALIDATION",
        message: translate(locale, "errors.invalidInput", { detail: `${firstPath}: ${firstMsg}` }),
        fieldErrors,
        details: null,
      };
    }
    return {
      ...shape,
      message: appError?.message ?? (error.code === "INTERNAL_SERVER_ERROR" ? translate(locale, "errors.internal") : shape.message),
      data: { ...shape.data, stack: undefined, appError },
    };
  },
});

/** Map domain and validation errors once, for every procedure. */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
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
export const publicProcedure = t.procedure.use(errorMapping);

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
