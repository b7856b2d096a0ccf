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
