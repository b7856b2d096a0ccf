"use server";

import { AuthError } from "next-auth";
import { db } from "@/db";
import { SignUpInput } from "@/lib/validators/auth";
import { domainErrorPayload, zodFieldErrors } from "@/server/api/error-payload";
import { signIn } from "@/server/auth";
import { DomainError } from "@/server/errors";
import { signUp } from "@/server/services/orgs/orgs";
import { ZodError } from "zod";
import { getLocale } from "next-intl/server";

export type AuthFormState = { error?: string; fieldErrors?: Record<string, string>; email?: string } | null;

function safeRedirect(to: unknown) {
  return typeof to === "string" && to.startsWith("/") && !to.startsWith("//") ? to : "/";
}

export async function signInAction(input: { email: string; password: string; callbackUrl?: string }): Promise<AuthFormState> {
  try {
    await signIn("credentials", { email: input.email, password: input.password, redirectTo: safeRedirect(input.callbackUrl) });
    return null;
  } catch (e) {
    if (e instanceof AuthError) {
      const code = (e as AuthError & { code?: string }).code;
      return { error: code === "rate_limited" ? "rateLimited" : "badCredentials" };
    }
    throw e; // the redirect after a successful sign-in
  }
}

/**
 * The sign-in form's action (useActionState): works before hydration too, so an early click posts the
 * form to the server instead of falling back to a GET that would put the password in the URL.
 */
export async function signInFormAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const email = String(form.get("email") ?? "");
  const res = await signInAction({
    email,
    password: String(form.get("password") ?? ""),
    callbackUrl: String(form.get("callbackUrl") ?? "") || undefined,
  });
  // React resets the form after an action; hand the email back so it stays filled in.
  return res ? { ...res, email } : res;
}

/** Create the user (and merchant, or join an invited one), then sign straight in. */
export async function signUpAction(input: SignUpInput): Promise<AuthFormState> {
  const locale = await getLocale();
  try {
    await signUp(db, SignUpInput.parse(input));
  } catch (e) {
    if (e instanceof DomainError) {
      const p = domainErrorPayload(e, locale);
      return { error: p.message, fieldErrors: p.fieldErrors };
    }
    if (e instanceof ZodError) return { fieldErrors: zodFieldErrors(e, locale) };
    throw e;
  }
  return signInAction({ email: input.email, password: input.password, callbackUrl: "/" });
}
