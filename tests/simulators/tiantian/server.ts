import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The receiving side of 天天工厂's production-progress API, as Manifold defines it (see
 * server/services/production/upstream.ts): POST /api/v1/production/progress with a JSON snapshot,
 * headers x-tt-app-key, x-tt-timestamp (unix ms, ±5 min), x-tt-signature = hex HMAC-SHA256(secret,
 * "<app key>\n<timestamp>\n<raw body>") and idempotency-key.
 *
 * Like a real programme it checks the signature on the raw body with a constant-time compare before
 * parsing, answers a repeated idempotency key with its first answer (without applying it again), and
 * applies a plan's snapshot only when its version is newer than the one it holds. Faults can be injected
 * (HTTP status with optional Retry-After, a hang past the client's timeout, or "applied but the answer is
 * lost" — the connection is cut after the snapshot was applied). Everything received is recorded.
 *
 * The signature check is written here independently of the client's signing code on purpose: a bug in
 * one is not mirrored by the other.
 */

export const TIANTIAN_PROGRESS_PATH = "/api/v1/production/progress";

export type Fault = { kind: "status"; status: number; retryAfter?: number } | { kind: "hang"; ms: number } | { kind: "dropAfterApply" };

export type Received = {
  at: Date;
  idempotencyKey: string | null;
  signatureOk: boolean;
  /** What the simulator answered (0 = connection cut or hung). */
  status: number;
  outcome: "applied" | "stale" | "duplicate" | "unauthorized" | "badRequest" | "fault";
  body: Record<string, unknown> | null;
};

export type PlanState = { version: number; planNo: string; status: string; stages: { code: string; progress: string; goodQty: string; defectiveQty: string }[] };

export type TiantianSimulator = {
  url: string;
  endpoint: string;
  appKey: string;
  appSecret: string;
  received: Received[];
  /** Latest applied snapshot per plan id. */
  plans: Map<string, PlanState>;
  /** How many times each idempotency key was applied (must stay ≤ 1). */
  appliedCount: Map<string, number>;
  /** Faults for the next requests, in order. */
  injectFaults: (...faults: Fault[]) => void;
  /** Rotate credentials: requests signed with the old secret are refused from now on. */
  setSecret: (secret: string) => void;
  close: () => Promise<void>;
};

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

function verify(appKey: string, secret: string, headers: http.IncomingHttpHeaders, raw: Buffer): boolean {
  const key = String(headers["x-tt-app-key"] ?? "");
  const ts = String(headers["x-tt-timestamp"] ?? "");
  const sig = String(headers["x-tt-signature"] ?? "");
  if (key !== appKey || !/^\d{10,16}$/.test(ts) || !/^[0-9a-f]{64}$/.test(sig)) return false;
  if (Math.abs(Date.now() - Number(ts)) > 5 * 60_000) return false;
  const mac = createHmac("sha256", secret);
  mac.update(`${key}\n${ts}\n`);
  mac.update(raw);
  const expected = mac.digest();
  const given = Buffer.from(sig, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startTiantianSimulator(opts: { appKey?: string; appSecret?: string; port?: number } = {}): Promise<TiantianSimulator> {
  const appKey = opts.appKey ?? `tt-${randomBytes(4).toString("hex")}`;
  let appSecret = opts.appSecret ?? randomBytes(24).toString("base64url");
  const received: Received[] = [];
  const plans = new Map<string, PlanState>();
  const appliedCount = new Map<string, number>();
  const answers = new Map<string, { status: number; body: unknown }>();
  const faults: Fault[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
      const record = (r: Omit<Received, "at" | "idempotencyKey">) => {
        received.push({ at: new Date(), idempotencyKey: key, ...r });
        // A long-running dev simulator keeps the latest requests only.
        if (received.length > 5000) received.splice(0, received.length - 5000);
      };
      if (req.method !== "POST" || req.url !== TIANTIAN_PROGRESS_PATH) return json(res, 404, { code: 404, message: "not found" });
      const signatureOk = verify(appKey, appSecret, req.headers, raw);
      let body: Record<string, unknown> | null = null;
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        body = null;
      }
      const fault = faults.shift();
      if (fault?.kind === "status") {
        record({ signatureOk, status: fault.status, outcome: "fault", body });
        return json(res, fault.status, { code: fault.status, message: "injected fault" }, fault.retryAfter ? { "retry-after": String(fault.retryAfter) } : {});
      }
      if (fault?.kind === "hang") {
        record({ signatureOk, status: 0, outcome: "fault", body });
        hanging.add(res);
        setTimeout(() => {
          hanging.delete(res);
          if (!res.writableEnded) res.destroy();
        }, fault.ms).unref();
        return;
      }
      if (!signatureOk) {
        record({ signatureOk, status: 401, outcome: "unauthorized", body });
        return json(res, 401, { code: 401, message: "bad signature" });
      }
      if (!body || !key || typeof body.planId !== "string" || typeof body.version !== "number" || !Array.isArray(body.stages)) {
        record({ signatureOk, status: 400, outcome: "badRequest", body });
        return json(res, 400, { code: 400, message: "bad request" });
      }
      const previous = answers.get(key);
      if (previous) {
        record({ signatureOk, status: previous.status, outcome: "duplicate", body });
        return json(res, previous.status, previous.body);
      }
      const current = plans.get(body.planId);
      const receiptId = `R${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
      let outcome: Received["outcome"] = "applied";
      if (current && current.version >= body.version) {
        outcome = "stale";
      } else {
        plans.set(body.planId, {
          version: body.version,
          planNo: String(body.planNo),
          status: String(body.status),
          stages: (body.stages as Record<string, unknown>[]).map((s) => ({
            code: String(s.code),
            progress: String(s.progress),
            goodQty: String(s.goodQty),
            defectiveQty: String(s.defectiveQty),
          })),
        });
        appliedCount.set(key, (appliedCount.get(key) ?? 0) + 1);
      }
      const answer = { code: 0, receiptId, applied: outcome === "applied" };
      answers.set(key, { status: 200, body: answer });
      if (fault?.kind === "dropAfterApply") {
        record({ signatureOk, status: 0, outcome: "fault", body });
        res.socket?.destroy();
        return;
      }
      record({ signatureOk, status: 200, outcome, body });
      return json(res, 200, answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpoint: `${url}${TIANTIAN_PROGRESS_PATH}`,
    appKey,
    get appSecret() {
      return appSecret;
    },
    received,
    plans,
    appliedCount,
    injectFaults: (...f) => faults.push(...f),
    setSecret: (s) => {
      appSecret = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
