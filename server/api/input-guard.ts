import { DomainError, type MessageRef } from "@/server/errors";

/**
 * The one check every request input passes before its schema (tRPC middleware in server/api/trpc.ts,
 * the open API in server/open/handler.ts): no NUL character in any string or object key. PostgreSQL
 * text cannot store U+0000, so without this a NUL anywhere became a 500 at the insert; here it is a
 * field error naming where it is.
 */

const MAX_NODES = 200_000;

export function nulFieldErrors(input: unknown): Record<string, MessageRef> | null {
  const out: Record<string, MessageRef> = {};
  let nodes = 0;
  const walk = (v: unknown, path: string) => {
    if (++nodes > MAX_NODES) return;
    if (typeof v === "string") {
      if (v.includes("\u0000")) out[path || "_"] = { key: "textNul" };
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, path ? `${path}.${i}` : String(i)));
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const at = path ? `${path}.${k.replace(/\u0000/g, "\\0")}` : k.replace(/\u0000/g, "\\0");
        if (k.includes("\u0000")) out[at] = { key: "textNul" };
        walk(x, at);
      }
    }
  };
  walk(input, "");
  return Object.keys(out).length ? out : null;
}

/** Throw the field errors of `nulFieldErrors`, if any. */
export function refuseNul(input: unknown) {
  const fieldErrors = nulFieldErrors(input);
  if (!fieldErrors) return;
  const [path] = Object.keys(fieldErrors);
  throw new DomainError("VALIDATION", { key: "textNul", params: { field: path!.split(".").pop()! } }, { fieldErrors });
}
