import { NextResponse, type NextRequest } from "next/server";
import { FILE_ROUTES_OUTSIDE_API, pageCsp } from "@/server/http/security-headers";

/**
 * A nonce-based Content-Security-Policy for every page (Next 16's documented way): a fresh nonce per
 * request, put on the request's CSP header (Next.js reads it there and stamps its scripts) and on the
 * response. API routes, static files and file downloads are left out (see the matcher).
 */
export function proxy(request: NextRequest) {
  if (FILE_ROUTES_OUTSIDE_API.includes(request.nextUrl.pathname)) return NextResponse.next();
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const https = request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:";
  const csp = pageCsp(nonce, { dev: process.env.NODE_ENV === "development", https });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
