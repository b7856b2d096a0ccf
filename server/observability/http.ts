import { translate } from "@/lib/i18n/translate";
import { resolveLocale } from "@/lib/i18n/config";
import { runWithContext, requestIdFrom } from "./context";
import { isDatabaseUnavailable } from "./db-errors";
import { isDraining, requestFinished, requestStarted } from "./lifecycle";
import { errField, logger } from "./log";
import { metrics } from "./metrics";

const log = logger("http");

/** The answer when the database is unreachable or the process is shutting down: fast, clear, retryable. */
export function unavailableResponse(req: Request, reason: "database" | "shutdown", requestId: string) {
  const locale = resolveLocale(null, req.headers.get("accept-language"));
  const key = reason === "database" ? "errors.databaseUnavailable" : "errors.shuttingDown";
  const message = translate(locale, key);
  return Response.json(
    { error: { code: "UNAVAILABLE", message, fieldErrors: {}, details: null } },
    { status: 503, headers: { "retry-after": reason === "database" ? "5" : "1", "x-request-id": requestId, ...(reason === "shutdown" ? { connection: "close" } : {}) } },
  );
}

/**
 * Every API route handler runs inside this: a request id (the caller's X-Request-Id or a new one,
 * echoed back) carried by every log line of the request into services and the jobs it enqueues; one
 * access log line; request count and latency by route; the in-flight count graceful shutdown waits
 * for. While draining, new requests get 503 at once. An unreachable database is a 503, never a 500.
 */
export async function observeRequest(req: Request, route: string, fn: () => Promise<Response>): Promise<Response> {
  const requestId = requestIdFrom(req.headers.get("x-request-id"));
  const m = metrics();
  const started = process.hrtime.bigint();
  if (isDraining()) {
    m.httpRequests.inc({ route, method: req.method, status: "503" });
    return unavailableResponse(req, "shutdown", requestId);
  }
  requestStarted();
  m.httpInFlight.inc();
  return runWithContext({ requestId, route }, async () => {
    let status = 500;
    try {
      let res: Response;
      try {
        res = await fn();
      } catch (e) {
        if (!isDatabaseUnavailable(e)) throw e;
        m.dbUnavailable.inc();
        log.warn({ err: errField(e) }, "database unavailable");
        res = unavailableResponse(req, "database", requestId);
      }
      status = res.status;
      try {
        res.headers.set("x-request-id", requestId);
      } catch {
        /* immutable headers (a redirect): fine */
      }
      return res;
    } catch (e) {
      log.error({ err: errField(e) }, "request failed");
      throw e;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      m.httpRequests.inc({ route, method: req.method, status: String(status) });
      m.httpDuration.observe({ route, method: req.method }, seconds);
      m.httpInFlight.dec();
      requestFinished();
      log.info({ method: req.method, status, ms: Math.round(seconds * 1000) }, "request");
    }
  });
}
