import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Small pieces both marketplace simulators (Amazon, Shopee) are built from: a controllable clock, a
 * fault queue, a deterministic random source and an HTTP server on port 0.
 */

/**
 * Wall time plus an offset: tokens expire when a test moves the clock, while rate buckets still refill.
 * `freeze()` stops it following wall time, so only `advance` moves it (a test that gives the same clock
 * to the code under test, sleeping by advancing it, sees the same instants on both sides: no timing);
 * `thaw()` lets it run on from where it stands.
 */
export class SimClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }
  advance(ms: number): number {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.now();
  }
  set(epochMs: number): number {
    if (this.frozenAt !== null) this.frozenAt = epochMs;
    else this.offsetMs = epochMs - Date.now();
    return this.now();
  }
  freeze(): number {
    this.frozenAt ??= this.now();
    return this.frozenAt;
  }
  thaw(): number {
    if (this.frozenAt !== null) {
      this.offsetMs = this.frozenAt - Date.now();
      this.frozenAt = null;
    }
    return this.now();
  }
}

export type FaultKind = "429" | "500" | "503" | "timeout" | "reset";

/**
 * One injected failure. `match` is an operation name (e.g. "getOrders", "order.get_order_list") or "*";
 * `times` how many matching requests it hits. "timeout" holds the response for `delayMs` and then answers
 * normally — the request did land, which is exactly what makes retries of writes dangerous. "reset"
 * drops the connection without an answer.
 */
export type FaultRule = { match: string; kind: FaultKind; times?: number; delayMs?: number };

export class FaultQueue {
  private rules: { rule: FaultRule; left: number }[] = [];
  readonly hits: { match: string; kind: FaultKind; operation: string; at: number }[] = [];

  add(rules: FaultRule[]) {
    for (const rule of rules) this.rules.push({ rule, left: rule.times ?? 1 });
  }
  clear() {
    this.rules = [];
  }
  pending(): number {
    return this.rules.reduce((n, r) => n + r.left, 0);
  }
  take(operation: string): FaultRule | null {
    const entry = this.rules.find((r) => r.left > 0 && (r.rule.match === "*" || r.rule.match === operation));
    if (!entry) return null;
    entry.left -= 1;
    this.rules = this.rules.filter((r) => r.left > 0);
    this.hits.push({ match: entry.rule.match, kind: entry.rule.kind, operation, at: Date.now() });
    return entry.rule;
  }
}

/** Mulberry32: the same seed gives the same orders, so a failing test can be replayed. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
  };
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

export function sendHtml(res: http.ServerResponse, status: number, html: string) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>;

/** Listen on `port` (0 = any free port) and return the base URL and a close that ends open sockets. */
export async function listen(handler: Handler, port = 0, host = "127.0.0.1") {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    handler(req, res, url).catch((e) => {
      if (!res.headersSent) sendJson(res, 500, { error: "simulator_error", message: String((e as Error)?.message ?? e) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject); // EADDRINUSE and friends
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Apply a fault; returns true when the request was answered (or dropped) by it. */
export async function applyFault(
  fault: FaultRule | null,
  res: http.ServerResponse,
  answer: (status: number) => void,
): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case "timeout":
      await new Promise((r) => setTimeout(r, fault.delayMs ?? 30_000));
      return false; // then handled normally: the request landed, the client just stopped waiting
    case "reset":
      res.socket?.destroy();
      return true;
    default:
      answer(Number(fault.kind));
      return true;
  }
}
