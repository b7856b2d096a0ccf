import { trustedProxyHops } from "@/server/http/client-address";
import { runtimeMode } from "@/server/runtime-mode";
import { appUrlProblem } from "@/server/secrets";

/** Production without APP_URL and without trusted proxies: this server cannot know its public origin. */
export class AppUrlNotConfigured extends Error {}

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The value our own proxies wrote in a forwarded header: each proxy appends, so behind `hops` trusted
 * proxies it is the hops-th from the right (what the outermost one saw); anything left of it the client
 * wrote. A proxy that replaces the header leaves one value, then the rightmost one (ours) is taken.
 */
function forwarded(value: string | null, hops: number): string | null {
  const chain = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - hops] ?? chain[chain.length - 1] ?? null;
}

/**
 * This server's public origin, for OAuth redirect URIs, the pages OAuth returns to and webhook
 * addresses:
 * - APP_URL when configured (required in production unless TRUSTED_PROXY_HOPS is set: the server
 *   refuses to start without either, server/secrets.ts `productionStartProblems`);
 * - behind TRUSTED_PROXY_HOPS proxies, X-Forwarded-Host / -Proto as our outermost proxy wrote them
 *   (the same rule as the client address, server/http/client-address.ts);
 * - in development and demo, the origin the request came in on (X-Forwarded-Host, else Host).
 * In production a client's X-Forwarded-Host or Host never chooses it otherwise: that would let a
 * request send a merchant back to, or register a redirect URI on, a host the client names.
 */
export function appUrlOf(req: Request, env: NodeJS.ProcessEnv = process.env): string {
  if (env.APP_URL) {
    const problem = appUrlProblem(env);
    if (problem) throw new AppUrlNotConfigured(problem);
    return env.APP_URL.replace(/\/+$/, "");
  }
  const url = new URL(req.url);
  const hops = trustedProxyHops(env);
  let host: string | null;
  let proto: string | null;
  if (hops > 0) {
    host = forwarded(req.headers.get("x-forwarded-host"), hops) ?? req.headers.get("host");
    proto = forwarded(req.headers.get("x-forwarded-proto"), hops);
  } else if (runtimeMode(env) === "production") {
    throw new AppUrlNotConfigured(appUrlProblem(env) ?? "APP_URL is not set");
  } else {
    host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host");
    proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || null;
  }
  host ||= url.host;
  proto ||= url.protocol.replace(":", "");
  if (!HOST.test(host) || (proto !== "http" && proto !== "https")) throw new AppUrlNotConfigured(`the forwarded origin ${proto}://${host} is not a valid origin`);
  return `${proto}://${host}`;
}

/** appUrlOf for a route: a 503 saying what to set (and one log line) when the origin is not configured. */
export function appUrlOrRefusal(req: Request): { appUrl: string; refusal?: undefined } | { appUrl?: undefined; refusal: Response } {
  try {
    return { appUrl: appUrlOf(req) };
  } catch (e) {
    if (!(e instanceof AppUrlNotConfigured)) throw e;
    console.error(`[app-url] ${new URL(req.url).pathname} refused: ${e.message}`);
    return { refusal: Response.json({ error: "this server's public address (APP_URL) is not configured" }, { status: 503 }) };
  }
}
