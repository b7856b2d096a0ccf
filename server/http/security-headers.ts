/**
 * The browser-facing security policy, in one place: the page Content-Security-Policy (proxy.ts adds a
 * fresh nonce per request; Next.js reads it from the request's CSP header and puts it on its own
 * scripts) and the headers every response carries (next.config.ts). File responses add their own
 * sandbox policy (server/api/file-response.ts).
 */

/**
 * Scripts only with this request's nonce ('strict-dynamic' lets those load the page's chunks); styles
 * may be inline (React and Radix write style attributes, sonner a <style> tag) — a style cannot run
 * script. Images may come from https (product images are merchant URLs). Nothing may frame the app.
 */
export function pageCsp(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** On every response (pages, API, files). */
export const COMMON_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Legacy twin of CSP frame-ancestors, for responses (API, files) that carry no page policy.
  { key: "X-Frame-Options", value: "DENY" },
];

/** Only when the request came over https (a plain-http answer with HSTS would be ignored anyway). */
export const HSTS = { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" };

/**
 * Route handlers outside /api that answer with a file: the page policy must not be stamped on them
 * (Next keeps the proxy's header over the route's), their own sandbox policy applies. A test checks
 * that every such route is listed.
 */
export const FILE_ROUTES_OUTSIDE_API = ["/inventory/export", "/outbound/tracking-template", "/inbound/lines-template"];
