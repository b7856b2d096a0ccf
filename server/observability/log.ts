import pino, { type Logger } from "pino";
import pinoPretty from "pino-pretty";
import { currentContext } from "./context";
import { redact, scrubString } from "./redact";

/**
 * The one logger: JSON lines on stderr (pretty in development, MANIFOLD_LOG_PRETTY=1/0 overrides),
 * each carrying the request id, route or job and merchant of the unit of work it belongs to
 * (server/observability/context.ts). Secrets and personal data are redacted from every field and
 * message (redact.ts). LOG_LEVEL sets the level (info; silent in tests unless LOG_LEVEL is set).
 */
function level() {
  if (process.env.LOG_LEVEL) return process.env.LOG_LEVEL;
  return process.env.MANIFOLD_TEST === "1" ? "silent" : "info";
}

function destination() {
  const pretty = process.env.MANIFOLD_LOG_PRETTY ? process.env.MANIFOLD_LOG_PRETTY === "1" : process.env.NODE_ENV === "development";
  if (pretty) {
    try {
      // Synchronous stream (no worker thread): safe inside the Next.js server bundle.
      return pinoPretty({ sync: true, destination: 2, colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
    } catch {
      /* fall through to JSON */
    }
  }
  return pino.destination({ dest: 2, sync: true });
}

export function createLogger(stream?: pino.DestinationStream, lvl = level()): Logger {
  return pino(
    {
      level: lvl,
      base: { service: "manifold" },
      mixin() {
        const c = currentContext();
        return c ? { requestId: c.requestId, ...(c.orgId ? { orgId: c.orgId } : {}), ...(c.job ? { job: c.job } : {}), ...(c.route ? { route: c.route } : {}) } : {};
      },
      formatters: { log: (obj) => redact(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // Scrub the message text (and printf arguments) too.
          const clean = args.map((a) => (typeof a === "string" ? scrubString(a) : a)) as typeof args;
          return method.apply(this, clean);
        },
      },
      serializers: { err: (e: unknown) => redact(e) },
    },
    stream ?? destination(),
  );
}

const g = globalThis as unknown as { __manifoldLogger?: Logger };

/** The process's logger (one per process, even when Next.js bundles this module twice). */
export function log(): Logger {
  return (g.__manifoldLogger ??= createLogger());
}

/** A child logger for a component (`log.child({ component })`). */
export const logger = (component: string) => log().child({ component });

/** An error (or anything thrown) as a log field. */
export const errField = (e: unknown) => (e instanceof Error ? e : { message: String(e) });
