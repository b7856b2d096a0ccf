import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { expect } from "vitest";
import { ZodError } from "zod";
import { appRouter } from "@/server/api/root";
import { domainErrorPayload, zodFieldErrors } from "@/server/api/error-payload";
import { DomainError } from "@/server/errors";
import { testDb } from "./db";

export type CaughtError = { code: string; fieldErrors: Record<string, string>; message: string };

/** Run a call that must fail; return its tRPC code and its field errors as a form would receive them. */
export async function failure(p: Promise<unknown>): Promise<CaughtError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    const cause = e.cause;
    const fieldErrors =
      cause instanceof DomainError ? domainErrorPayload(cause, "en").fieldErrors : cause instanceof ZodError ? zodFieldErrors(cause, "en") : {};
    const message = cause instanceof DomainError ? domainErrorPayload(cause, "en").message : e.message;
    return { code: e.code, fieldErrors, message };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The call fails with NOT_FOUND (never FORBIDDEN: another merchant's records don't exist for you). */
export async function expectNotFound(p: Promise<unknown>) {
  const err = await failure(p);
  expect(err.code).toBe("NOT_FOUND");
}

/** The call fails with a field-level error on `field` (and, when given, the tRPC code). */
export async function expectFieldError(p: Promise<unknown>, field: string, code = "BAD_REQUEST") {
  const err = await failure(p);
  expect(err.code, JSON.stringify(err)).toBe(code);
  expect(Object.keys(err.fieldErrors), JSON.stringify(err)).toContain(field);
  expect(err.fieldErrors[field]).toBeTruthy();
  return err;
}

/**
 * The HTTP API as a client sees it (fetch adapter + error formatter), authenticated with an API key.
 * Returns status and the parsed body of a single (non-batched) call.
 */
export async function httpCall(path: string, input: unknown, opts: { key?: string; method?: "GET" | "POST"; locale?: "en" | "zh-CN" } = {}) {
  const method = opts.method ?? "POST";
  const url = new URL(`http://test.local/api/trpc/${path}`);
  if (method === "GET") url.searchParams.set("input", JSON.stringify(input));
  const req = new Request(url, {
    method,
    headers: { "content-type": "application/json", ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}) },
    body: method === "POST" ? JSON.stringify(input) : undefined,
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => ({ db: testDb(), locale: opts.locale ?? "en", session: null, authorization: req.headers.get("authorization") }),
  });
  const body = (await res.json()) as {
    result?: { data: unknown };
    error?: { message: string; data: { code: string; httpStatus: number; appError: { code: string; message: string; fieldErrors: Record<string, string> } | null } };
  };
  return { status: res.status, body };
}
