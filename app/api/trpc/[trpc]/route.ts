import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { resolveLocale } from "@/lib/i18n/config";
import { translate } from "@/lib/i18n/translate";
import { TRPC_MAX_BATCH, TRPC_MAX_BODY_BYTES } from "@/lib/trpc/limits";
import { readBodyCapped } from "@/server/api/body-limit";
import { createRequestContext, isCrossSiteWrite } from "@/server/api/request-context";
import { appRouter } from "@/server/api/root";
import { errField, logger } from "@/server/observability/log";
import { observeRequest } from "@/server/observability/http";

const log = logger("trpc");

export const runtime = "nodejs";

/** A refusal in tRPC's own error shape (one per call of a batch), so the client shows its message. */
function refusal(req: Request, paths: string[], batch: boolean, status: 400 | 413, key: "batchTooLarge" | "requestTooLarge", params: Record<string, number>) {
  const message = translate(resolveLocale(null, req.headers.get("accept-language")), `errors.${key}`, params);
  const code = status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
  const one = (path: string) => ({
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status, path, appError: { code: "VALIDATION", message, fieldErrors: {}, details: null } } },
  });
  return Response.json(batch ? paths.map(one) : one(paths[0] ?? ""), { status });
}

async function handle(req: Request, paths: string[], batch: boolean) {
  if (isCrossSiteWrite(req)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  if (batch && paths.length > TRPC_MAX_BATCH) return refusal(req, paths, batch, 400, "batchTooLarge", { count: paths.length, max: TRPC_MAX_BATCH });
  let inner = req;
  if (req.method === "POST") {
    const body = await readBodyCapped(req, TRPC_MAX_BODY_BYTES);
    if (!body) return refusal(req, paths, batch, 413, "requestTooLarge", { maxMb: TRPC_MAX_BODY_BYTES / 1024 / 1024 });
    inner = new Request(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body) });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: inner,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => createRequestContext(inner),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ path, err: errField(error.cause ?? error) }, "procedure failed");
      else if (error.code === "SERVICE_UNAVAILABLE") log.warn({ path, err: errField(error.cause ?? error) }, "database unavailable");
    },
  });
}

/** Each call is observed (request id, metrics, draining) under its procedure path(s) as the route. */
const handler = (req: Request) => {
  const url = new URL(req.url);
  const batch = url.searchParams.get("batch") === "1";
  const paths = decodeURIComponent(url.pathname.replace(/^\/api\/trpc\/?/, "")).split(",");
  const route = `trpc:${paths.length > 3 ? `${paths.slice(0, 3).join(",")},…` : paths.join(",")}`;
  return observeRequest(req, route, () => handle(req, paths, batch));
};

export { handler as GET, handler as POST };
