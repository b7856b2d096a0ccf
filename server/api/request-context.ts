import { db } from "@/db";
import { LOCALE_COOKIE, resolveLocale } from "@/lib/i18n/config";
import { auth } from "@/server/auth";
import type { TrpcContext } from "./trpc";

function cookieValue(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

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
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
