import { ZodError } from "zod";
import type { Db } from "@/db";
import { resolveLocale, type Locale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import { can } from "@/lib/permissions";
import { resolveServiceContext } from "@/server/api/resolve";
import { DomainError, tenancyRefusal, type MessageRef } from "@/server/errors";
import { refuseNul } from "@/server/api/input-guard";
import { duplicateJsonKey } from "./json";
import { apiFieldName } from "@/server/services/orders/open-api";
import { OPEN_FUNCTIONS } from "./functions";
import { isDatabaseUnavailable, isTransientConflict } from "@/server/observability/db-errors";
import { errField, logger } from "@/server/observability/log";
import { metrics } from "@/server/observability/metrics";

const log = logger("open-api");

/**
 * rStatus values of the open API. 100 is success (002); every other value names one kind of failure, and
 * `message` says which field and why. Whatever the failure, nothing was created.
 */
export const R_STATUS = {
  ok: 100,
  badRequest: 101,
  unknownFunction: 102,
  badKey: 103,
  forbidden: 104,
  invalidParam: 105,
  notFound: 106,
  invalidState: 107,
  conflict: 108,
  customer: 110,
  address: 111,
  sku: 112,
  productDisabled: 113,
  deliveryMethod: 114,
  insufficientStock: 115,
  idempotencyMismatch: 116,
  internal: 500,
  /** The database is unreachable or restarting: nothing was done, retry shortly (HTTP 503). */
  unavailable: 503,
} as const;

export type OpenResponse = { rStatus: number; message: string; rData: unknown };

/** Error message keys that have their own rStatus. */
const STATUS_BY_KEY: Record<string, number> = {
  customerUnknown: R_STATUS.customer,
  customerDisabled: R_STATUS.customer,
  addressUnknown: R_STATUS.address,
  addressRequired: R_STATUS.address,
  skuUnknown: R_STATUS.sku,
  productDisabled: R_STATUS.productDisabled,
  deliveryMethodUnknown: R_STATUS.deliveryMethod,
  idempotencyMismatch: R_STATUS.idempotencyMismatch,
};

const STATUS_BY_CODE: Partial<Record<DomainError["code"], number>> = {
  VALIDATION: R_STATUS.invalidParam,
  NOT_FOUND: R_STATUS.notFound,
  INVALID_TRANSITION: R_STATUS.invalidState,
  INSUFFICIENT_STOCK: R_STATUS.insufficientStock,
  CONFLICT: R_STATUS.conflict,
  FORBIDDEN: R_STATUS.forbidden,
  UNAUTHORIZED: R_STATUS.badKey,
  PAYLOAD_TOO_LARGE: R_STATUS.badRequest,
};

const MAX_BODY_BYTES = 5 * 1024 * 1024;

const o = (locale: Locale, key: string, params: Record<string, string | number> = {}) => translate(locale, `orders.open.${key}`, params);

const fail = (rStatus: number, message: string): OpenResponse => ({ rStatus, message, rData: null });

/** One "field: reason" per problem, with the API's own field names. */
function fieldMessage(locale: Locale, apiField: string, ref: MessageRef) {
  // The label is the API's field name itself (not the form's translated label).
  const msg = translate(locale, `errors.${ref.key}`, { ...(ref.params ?? {}), fieldLabel: apiField });
  return msg.includes(apiField) ? msg : `${apiField}: ${msg}`;
}

type Shortage = { sku: string; warehouse: string; requested: string; available: string };

export function domainErrorToOpen(e: DomainError, locale: Locale): OpenResponse {
  const shortages = (e.details as { shortages?: Shortage[] } | undefined)?.shortages;
  if (e.code === "INSUFFICIENT_STOCK" && shortages?.length) {
    return fail(R_STATUS.insufficientStock, o(locale, "shortage", { lines: shortages.map((s) => o(locale, "shortLine", { ...s })).join("; ") }));
  }
  const fields = Object.entries(e.fieldErrors ?? {});
  const firstKey = fields[0]?.[1].key ?? e.messageRef.key;
  const rStatus = STATUS_BY_KEY[firstKey] ?? STATUS_BY_CODE[e.code] ?? R_STATUS.internal;
  const message = fields.length
    ? fields.map(([path, ref]) => fieldMessage(locale, apiFieldName(path), ref)).join("; ")
    : translate(locale, `errors.${e.messageRef.key}`, e.messageRef.params ?? {});
  return fail(rStatus, message);
}

export function zodErrorToOpen(e: ZodError, locale: Locale): OpenResponse {
  const parts = e.issues.slice(0, 10).map((issue) => {
    const path = issue.path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "") || "v";
    const key = `errors.${issue.message}`;
    const msg = translate(locale, key, { fieldLabel: path, scale: "", max: "" });
    return msg === key ? `${path}: ${issue.message}` : msg.includes(path) ? msg : `${path}: ${msg}`;
  });
  return fail(R_STATUS.invalidParam, parts.join("; "));
}

/**
 * Handle one open-API request: `{"f": "<function>", "v": {...}}` → `{rStatus, message, rData}`. The key
 * is `v.sKey` (002) or an `Authorization: Bearer` header; either must be a live merchant API key.
 * Protocol answers are HTTP 200 (ERP clients read rStatus); only an unexpected failure is HTTP 500.
 */
export async function handleOpenRequest(
  db: Db,
  req: { body: string; headers: { get(name: string): string | null } },
): Promise<{ status: number; body: OpenResponse }> {
  const out = await handleOpenInner(db, req);
  metrics().openApiCalls.inc({ function: out.fn ?? "-", rstatus: String(out.body.rStatus) });
  return { status: out.status, body: out.body };
}

async function handleOpenInner(
  db: Db,
  req: { body: string; headers: { get(name: string): string | null } },
): Promise<{ status: number; body: OpenResponse; fn?: string }> {
  const locale = resolveLocale(null, req.headers.get("accept-language"));
  const ok = (body: OpenResponse) => ({ status: 200, body });
  if (Buffer.byteLength(req.body) > MAX_BODY_BYTES) return ok(fail(R_STATUS.badRequest, o(locale, "tooLarge")));
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch {
    return ok(fail(R_STATUS.badRequest, o(locale, "badJson")));
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return ok(fail(R_STATUS.badRequest, o(locale, "badJson")));
  const twice = duplicateJsonKey(req.body);
  if (twice) return ok(fail(R_STATUS.badRequest, translate(locale, "errors.jsonDuplicateKey", { key: twice.path })));
  const { f, v } = parsed as { f?: unknown; v?: unknown };
  if (typeof f !== "string" || !f) return ok(fail(R_STATUS.badRequest, o(locale, "missingF")));
  const fn = Object.hasOwn(OPEN_FUNCTIONS, f) ? OPEN_FUNCTIONS[f] : undefined;
  if (!fn) return ok(fail(R_STATUS.unknownFunction, o(locale, "unknownFunction", { f: f.slice(0, 60), list: Object.keys(OPEN_FUNCTIONS).join(", ") })));
  if (!v || typeof v !== "object" || Array.isArray(v)) return ok(fail(R_STATUS.badRequest, o(locale, "missingV")));

  const { sKey, ...args } = v as Record<string, unknown>;
  const authz = req.headers.get("authorization");
  const token = typeof sKey === "string" && sKey ? sKey.trim() : authz?.toLowerCase().startsWith("bearer ") ? authz.slice(7).trim() : "";
  if (!token) return ok(fail(R_STATUS.badKey, o(locale, "missingKey")));

  try {
    refuseNul(v);
    // The caller is resolved like every other entry point's; only the answer's shape is the API's own.
    const ctx = await resolveServiceContext({ db, session: null, authorization: `Bearer ${token}` }).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === "UNAUTHORIZED") return null;
      throw e;
    });
    if (!ctx) return ok(fail(R_STATUS.badKey, o(locale, "badKey")));
    if (fn.permission && !can(ctx.role, fn.permission)) return ok(fail(R_STATUS.forbidden, o(locale, "forbidden", { permission: fn.permission })));
    const rData = await fn.run(ctx, args, { idempotencyKey: req.headers.get("idempotency-key") });
    return { ...ok({ rStatus: R_STATUS.ok, message: o(locale, fn.successMessage), rData }), fn: f };
  } catch (e) {
    if (e instanceof ZodError) return { ...ok(zodErrorToOpen(e, locale)), fn: f };
    if (e instanceof DomainError) return { ...ok(domainErrorToOpen(e, locale)), fn: f };
    const refused = tenancyRefusal(e);
    if (refused) return { ...ok(domainErrorToOpen(refused, locale)), fn: f };
    if (isDatabaseUnavailable(e)) {
      log.warn({ fn: f, err: errField(e) }, "database unavailable");
      return { status: 503, body: fail(R_STATUS.unavailable, translate(locale, "errors.databaseUnavailable")), fn: f };
    }
    if (isTransientConflict(e)) {
      // Rolled back whole (a deadlock with a concurrent writer): nothing was done, the same request can be retried.
      log.warn({ fn: f, err: errField(e) }, "transaction conflict; client asked to retry");
      return { status: 503, body: fail(R_STATUS.unavailable, translate(locale, "errors.retryConflict")), fn: f };
    }
    log.error({ fn: f, err: errField(e) }, "open API call failed");
    return { status: 500, body: fail(R_STATUS.internal, translate(locale, "errors.internal")), fn: f };
  }
}
