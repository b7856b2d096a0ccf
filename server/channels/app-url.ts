/**
 * This server's public origin, for OAuth redirect URIs and webhook addresses: APP_URL when configured
 * (behind a proxy), else the origin the request came in on.
 */
export function appUrlOf(req: Request): string {
  if (process.env.APP_URL) return process.env.APP_URL.replace(/\/$/, "");
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}
