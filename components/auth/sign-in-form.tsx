"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { signInFormAction } from "@/app/(auth)/actions";
import { Field, FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const t = useTranslations("auth");
  // A server action bound to the form: it also works when clicked before the page has hydrated.
  const [state, formAction, pending] = useActionState(signInFormAction, null);
  const error = state?.error ? (state.error === "rateLimited" ? t("rateLimited") : t("badCredentials")) : null;

  return (
    <form action={formAction} className="grid gap-4" noValidate>
      <FormAlert message={error} />
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      <Field label={t("email")} htmlFor="email" required>
        <Input id="email" name="email" type="email" autoComplete="email" defaultValue={state?.email ?? ""} key={state?.email ?? ""} required />
      </Field>
      <Field label={t("password")} htmlFor="password" required>
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? t("signingIn") : t("signIn")}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        {t("noAccount")}{" "}
        <Link href="/sign-up" className="text-primary underline-offset-4 hover:underline">
          {t("signUp")}
        </Link>
      </p>
    </form>
  );
}
