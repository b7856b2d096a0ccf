import { db } from "@/db";
import { LOCALE_COOKIE, resolveLocale } from "@/lib/i18n/config";
import { auth } from "@/server/auth";
import { appUrlOf } from "@/server/channels/app-url";
import { cookieValue } from "@/server/http/cookies";
import type { TrpcContext } from "./trpc";

/** Build the tRPC context of an HTTP request: an API key when one is presented, else the session. */
export async function createRequestContext(req: Request): Promise<TrpcContext> {
  const authorization = req.headers.get("authorization");
  const locale = resolveLocale(cookieValue(req, LOCALE_COOKIE), req.headers.get("accept-language"));
  if (authorization) return { db, locale, session: null, authorization };
  const session = await auth();
  return {
    db,
    locale,
    session: session?.user?.id ? { userId: session.user.id, orgId: session.orgId ?? null } : null,
    authorization: null,
  };
}

/**
 * Cookie-authenticated writes must come from our own pages (ASVS 3.5.1): JSON content type (not a
 * CORS-safelisted one) and, when the browser sends it, an Origin matching this host.
 */
export function isCrossSiteWrite(req: Request): boolean {
  if (req.method === "GET" || req.method === "HEAD" || req.headers.get("authorization")) return false;
  const type = req.headers.get("content-type") ?? "";
  if (!type.includes("application/json") && !type.includes("multipart/form-data")) return true;
  const origin = req.headers.get("origin");
  if (!origin) return false;
  try {
    // The same public origin OAuth and webhooks use (APP_URL in production; a client's X-Forwarded-Host
    // never decides it there). Not configured: refuse the write rather than guess.
    return new URL(origin).host !== new URL(appUrlOf(req)).host;
  } catch {
    return true;
  }
}
