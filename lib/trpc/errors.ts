import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

type AppErrorData = { code: string; message: string; fieldErrors: Record<string, string>; details: unknown } | null;

/** The translated domain error a procedure returned, if any. */
export function appErrorOf(err: unknown): { message: string; fieldErrors: Record<string, string>; code: string | null; details: unknown } {
  const data = (err as { data?: { appError?: AppErrorData } })?.data?.appError ?? null;
  const message = data?.message ?? (err instanceof Error ? err.message : String(err));
  return { message, fieldErrors: data?.fieldErrors ?? {}, code: data?.code ?? null, details: data?.details ?? null };
}

/** Put server-side field errors next to their fields; returns the message for fields not on the form. */
export function applyFieldErrors<T extends FieldValues>(err: unknown, setError: UseFormSetError<T>, fields: readonly string[]): string | null {
  const { message, fieldErrors } = appErrorOf(err);
  let unplaced = Object.keys(fieldErrors).length === 0;
  for (const [path, msg] of Object.entries(fieldErrors)) {
    if (fields.some((f) => path === f || path.startsWith(f + "."))) setError(path as Path<T>, { type: "server", message: msg });
    else unplaced = true;
  }
  return unplaced ? message : null;
}

/**
 * Place a refused list submission's `<list>.N.<field>` errors on the submitted rows, keyed by the row at
 * index N (`keyOf`) — or, for a field the form shows once for all rows (`shared`, e.g. the carrier), by
 * that field's name. Top-level `fields` keep their path. `message` is the error to show above the form
 * when none of it could be placed.
 */
export function rowFieldErrors<R>(
  err: unknown,
  list: string,
  rows: readonly R[],
  keyOf: (row: R) => string,
  opts: { shared?: readonly string[]; fields?: readonly string[] } = {},
): { errors: Record<string, string>; message: string | null } {
  const { message, fieldErrors } = appErrorOf(err);
  const errors: Record<string, string> = {};
  const rowPath = new RegExp(`^${list}\\.(\\d+)\\.(\\w+)`);
  for (const [path, m] of Object.entries(fieldErrors)) {
    const match = rowPath.exec(path);
    const row = match ? rows[Number(match[1])] : undefined;
    if (row !== undefined && opts.shared?.includes(match![2]!)) errors[match![2]!] = m;
    else if (row !== undefined) errors[keyOf(row)] = m;
    else if (opts.fields?.includes(path)) errors[path] = m;
  }
  return { errors, message: Object.keys(errors).length ? null : message };
}
