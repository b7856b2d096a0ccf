/**
 * Whether an error means "the database is not there right now" (down, restarting, unreachable, out of
 * connections) rather than a bug: such requests are answered 503 at once, and the pool reconnects by
 * itself on the next query. Looks through `cause` chains (drizzle wraps driver errors).
 */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT"]);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, connection_exception class.
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]);

export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATES.has(code))) return true;
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable((e as { cause?: unknown }).cause, depth + 1);
}

/** A statement or lock wait cut short by statement_timeout / lock_timeout. */
export function isQueryTimeout(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const code = (e as { code?: unknown }).code;
  if (code === "57014" || code === "55P03") return true;
  return isQueryTimeout((e as { cause?: unknown }).cause, depth + 1);
}

/** A deadlock or serialization failure: the transaction was rolled back whole, a retry can succeed. */
export function isTransientConflict(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const code = (e as { code?: unknown }).code;
  if (code === "40P01" || code === "40001") return true;
  return isTransientConflict((e as { cause?: unknown }).cause, depth + 1);
}
