import { ZodError } from "zod";
import type { Locale } from "@/lib/i18n/config";
import { can, type Permission } from "@/lib/permissions";
import type { ServiceContext } from "@/server/context";
import { DomainError, forbidden, tenancyRefusal, type DomainErrorCode } from "@/server/errors";
import { domainErrorPayload, zodErrorPayload } from "./error-payload";
import { createRequestContext, isCrossSiteWrite } from "./request-context";
import { resolveServiceContext } from "./resolve";
import { observeRequest } from "@/server/observability/http";

/** A route label for metrics: the path with ids replaced. */
export const routeLabel = (req: Request) =>
  new URL(req.url).pathname.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, "/:id").replace(/\/\d+(?=\/|$)/g, "/:n");

/**
 * The HTTP status of each domain error in route handlers: the one map of this transport (tRPC maps
 * codes in trpc.ts, the open API to rStatus in server/open/handler.ts). Exhaustive, so a new code
 * cannot be forgotten.
 */
export const HTTP_STATUS: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  INSUFFICIENT_STOCK: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM: 502,
};

export type RouteContext = { svc: ServiceContext; locale: Locale };

export type RouteOptions = {
  /** Answer an error some other way (a redirect, say); return undefined for the usual JSON error. */
  onError?: (e: unknown, locale: Locale) => Response | undefined;
};

/** A domain error as `{error: {code, message, fieldErrors, details}}` in the caller's language. */
export const errorResponse = (e: DomainError, locale: Locale) => Response.json({ error: domainErrorPayload(e, locale) }, { status: HTTP_STATUS[e.code] });

/**
 * The entry point of every route handler that acts for a merchant (webhooks excepted: they act for
 * the platform, verified by signature). Refuses cross-site writes, resolves the caller (session or API
 * key) to a service context — the only place an org id comes from — checks the permission, runs `fn`,
 * and maps DomainError / ZodError to HTTP once. `fn` builds its own Response, headers included.
 */
export async function handleRoute(
  req: Request,
  permission: Permission | null,
  fn: (ctx: RouteContext) => Promise<Response>,
  opts: RouteOptions = {},
): Promise<Response> {
  return observeRequest(req, routeLabel(req), () => handleRouteInner(req, permission, fn, opts));
}

async function handleRouteInner(req: Request, permission: Permission | null, fn: (ctx: RouteContext) => Promise<Response>, opts: RouteOptions): Promise<Response> {
  const rc = await createRequestContext(req);
  try {
    if (isCrossSiteWrite(req)) throw new DomainError("FORBIDDEN", { key: "crossSiteRefused" });
    const svc = await resolveServiceContext(rc);
    if (permission && !can(svc.role, permission)) throw forbidden(permission);
    return await fn({ svc, locale: rc.locale });
  } catch (e) {
    const custom = opts.onError?.(e, rc.locale);
    if (custom) return custom;
    if (e instanceof DomainError) return errorResponse(e, rc.locale);
    const refused = tenancyRefusal(e);
    if (refused) return errorResponse(refused, rc.locale);
    if (e instanceof ZodError) return Response.json({ error: zodErrorPayload(e, rc.locale) }, { status: HTTP_STATUS.VALIDATION });
    throw e;
  }
}
