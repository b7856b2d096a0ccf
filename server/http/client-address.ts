/**
 * The client's address, for rate limits. `next start` gives route handlers no socket, and it fills
 * `X-Forwarded-For` with the socket address only when the client sent none — so a client choosing its
 * own X-Forwarded-For would pick its own rate-limit bucket. Hence the server stamps the socket's
 * address on every request under PEER_HEADER (overwriting anything the client sent; see
 * installPeerAddress in ./peer-address.ts, run from instrumentation.ts), and X-Forwarded-For is read
 * only when TRUSTED_PROXY_HOPS says how many proxies of ours stand in front.
 */
export const PEER_HEADER = "x-manifold-peer";

/** Proxies of ours in front of the app (0: clients connect directly). Each appends to X-Forwarded-For. */
export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TRUSTED_PROXY_HOPS ?? 0);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 10) : 0;
}

type HeaderSource = { get(name: string): string | null };

/**
 * With no trusted proxy, the socket's address. Behind N trusted proxies, the N-th address from the
 * right of X-Forwarded-For: the one our outermost proxy saw (anything left of it the client wrote).
 * "unknown" when neither is available (then every such caller shares one bucket: fail closed).
 */
export function clientAddress(headers: HeaderSource | undefined, hops = trustedProxyHops()): string {
  const peer = headers?.get(PEER_HEADER)?.trim() || null;
  if (hops === 0) return peer ?? "unknown";
  const chain = (headers?.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - hops] ?? chain[0] ?? peer ?? "unknown";
}
