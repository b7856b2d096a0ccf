import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { simulatorOrigins } from "@/server/channels/endpoints";
import { runtimeMode } from "@/server/runtime-mode";
import { refusedAddressReason } from "./address-policy";

/**
 * The one HTTP client for calls to a URL a merchant typed (upstream production reports now; carrier and
 * ERP endpoints later). Per hop: the scheme is checked, the host is resolved once and every address it
 * resolves to is judged (address-policy.ts), and the connection is pinned to the judged address — the
 * socket's own lookup answers with it — so a DNS answer that changes between check and connect (DNS
 * rebinding) cannot move the call. Redirects are followed by hand, each hop checked again, at most
 * `maxRedirects`. One deadline covers every hop and the body; the body stops at `maxBytes`.
 */

export type OutboundPolicy = {
  /** http:// is refused. */
  httpsOnly: boolean;
  /** Loopback, private, link-local… addresses are allowed (development and tests only). */
  allowPrivateAddresses: boolean;
  /** Exact origins allowed whatever the rules above say: the local simulators of a demo server. */
  trustedOrigins: string[];
};

/** The policy of this runtime mode (server/runtime-mode.ts). */
export function outboundPolicy(env: NodeJS.ProcessEnv = process.env): OutboundPolicy {
  const mode = runtimeMode(env);
  if (mode === "development") return { httpsOnly: false, allowPrivateAddresses: true, trustedOrigins: [] };
  return { httpsOnly: true, allowPrivateAddresses: false, trustedOrigins: mode === "demo" ? simulatorOrigins(env) : [] };
}

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** DNS resolution; a seam so tests can make a name resolve wherever they need. */
export type LookupFn = (hostname: string) => Promise<ResolvedAddress[]>;

const systemLookup: LookupFn = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export type OutboundErrorKind = "refused" | "redirects" | "timeout" | "tooLarge" | "network";

/** `refused`, `redirects` and `tooLarge` are final (retrying changes nothing); the others are transient. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
  get final() {
    return this.kind === "refused" || this.kind === "redirects" || this.kind === "tooLarge";
  }
}

export type GuardedRequest = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** One deadline for every hop and the body (default 10 s). */
  timeoutMs?: number;
  /** Largest body read (default 64 KiB); more is an error, not a truncation. */
  maxBytes?: number;
  /** Redirect hops followed (default 3); each is checked like the first request. */
  maxRedirects?: number;
  /** Headers dropped when a redirect leaves the origin (authorization and cookie always are). */
  originBoundHeaders?: string[];
  policy?: OutboundPolicy;
  lookup?: LookupFn;
};

export type GuardedResponse = { status: number; headers: Headers; body: Buffer; url: string; ok: boolean };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function guardedFetch(url: string, req: GuardedRequest = {}): Promise<GuardedResponse> {
  const policy = req.policy ?? outboundPolicy();
  const lookup = req.lookup ?? systemLookup;
  const deadline = Date.now() + (req.timeoutMs ?? 10_000);
  const maxBytes = req.maxBytes ?? 64 * 1024;
  const maxRedirects = req.maxRedirects ?? 3;
  let current = parseUrl(url);
  let method = (req.method ?? "GET").toUpperCase();
  let body = req.body;
  let headers: Record<string, string> = lowerKeys(req.headers ?? {});
  for (let hop = 0; ; hop++) {
    const target = await withDeadline(checkTarget(current, policy, lookup), deadline);
    const res = await requestOnce(current, target, { method, headers, body, deadline, maxBytes });
    const location = res.headers.get("location");
    if (!REDIRECTS.has(res.status) || !location) return { ...res, url: current.toString(), ok: res.status >= 200 && res.status < 300 };
    if (hop >= maxRedirects) throw new OutboundError("redirects", `more than ${maxRedirects} redirects (last to ${safeUrl(location, current)})`);
    const next = parseUrl(new URL(location, current).toString());
    if (next.origin !== current.origin) {
      const drop = new Set(["authorization", "cookie", ...(req.originBoundHeaders ?? []).map((h) => h.toLowerCase())]);
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k)));
    }
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      const { "content-type": _t, "content-length": _l, ...rest } = headers;
      headers = rest;
    }
    current = next;
  }
}

function parseUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new OutboundError("refused", "not a valid URL");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new OutboundError("refused", `${u.protocol} URLs are not allowed`);
  if (u.username || u.password) throw new OutboundError("refused", "credentials in the URL are not allowed");
  return u;
}

/** The URL without query or credentials, for messages. */
function safeUrl(raw: string, base: URL): string {
  try {
    const u = new URL(raw, base);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "an invalid URL";
  }
}

const hostOf = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, "$1");

async function checkTarget(u: URL, policy: OutboundPolicy, lookup: LookupFn): Promise<ResolvedAddress> {
  const trusted = policy.trustedOrigins.includes(u.origin);
  if (!trusted && policy.httpsOnly && u.protocol !== "https:") throw new OutboundError("refused", `${u.origin}: only https is allowed`);
  const host = hostOf(u);
  const literal = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(host);
    } catch (e) {
      throw new OutboundError("network", `${host} does not resolve: ${(e as Error)?.message ?? e}`);
    }
    if (addresses.length === 0) throw new OutboundError("network", `${host} does not resolve`);
  }
  if (!trusted && !policy.allowPrivateAddresses) {
    // Every address must pass: a name with one public and one private address could land on either.
    for (const a of addresses) {
      const reason = refusedAddressReason(a.address);
      if (reason) throw new OutboundError("refused", `${host}${literal ? "" : ` resolves to ${a.address}`}: ${reason} addresses are not allowed`);
    }
  }
  return addresses[0]!;
}

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.reject(new OutboundError("timeout", "timeout: no complete answer in time"));
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new OutboundError("timeout", "timeout: no complete answer in time")), left);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

type Once = { method: string; headers: Record<string, string>; body?: string | Buffer; deadline: number; maxBytes: number };

function requestOnce(u: URL, target: ResolvedAddress, o: Once): Promise<{ status: number; headers: Headers; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const left = o.deadline - Date.now();
    if (left <= 0) return reject(new OutboundError("timeout", "timeout: no complete answer in time"));
    const payload = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body, "utf8");
    const host = hostOf(u);
    const lib = u.protocol === "https:" ? https : http;
    const req = lib.request({
      protocol: u.protocol,
      host,
      port: u.port || undefined,
      path: `${u.pathname}${u.search}`,
      method: o.method,
      headers: { "accept-encoding": "identity", ...o.headers, ...(payload ? { "content-length": String(payload.length) } : {}) },
      // No pooled socket: each connection is made to the address just judged.
      agent: false,
      // Pinning: whatever the resolver says now, the socket connects to the checked address.
      lookup: ((_h: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
        opts?.all ? cb(null, [{ address: target.address, family: target.family }]) : cb(null, target.address, target.family)) as unknown as net.LookupFunction,
      ...(u.protocol === "https:" && !net.isIP(host) ? { servername: host } : {}),
    });
    const timer = setTimeout(() => req.destroy(new OutboundError("timeout", "timeout: no complete answer in time")), left);
    const fail = (e: unknown) => {
      clearTimeout(timer);
      reject(e instanceof OutboundError ? e : new OutboundError("network", `network error: ${(e as Error)?.message ?? e}`));
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
        else if (v !== undefined) headers.set(k, v);
      }
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status) && headers.get("location")) {
        // A redirect's body is never read.
        clearTimeout(timer);
        res.destroy();
        return resolve({ status, headers, body: Buffer.alloc(0) });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) return res.destroy(new OutboundError("tooLarge", `the response is larger than ${o.maxBytes} bytes`));
        chunks.push(c);
      });
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status, headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(payload);
  });
}

function lowerKeys(h: Record<string, string>) {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
