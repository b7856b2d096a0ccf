"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, useSyncExternalStore, useTransition } from "react";
import { useForm } from "react-hook-form";
import { signUpAction } from "@/app/(auth)/actions";
import { Field, FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { SignUpInput } from "@/lib/validators/auth";

const noop = () => () => {};

type Values = { name: string; email: string; password: string; orgName?: string; inviteToken?: string };

export function SignUpForm({ invite }: { invite?: { token: string; email: string } }) {
  const t = useTranslations("auth");
  const msg = useZodMessage();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const form = useForm<Values>({
    resolver: zodResolver(SignUpInput) as never,
    defaultValues: { name: "", email: invite?.email ?? "", password: "", orgName: invite ? undefined : "", inviteToken: invite?.token },
  });
  const { errors } = form.formState;
  // true once hydrated: browser tests wait for it before typing (the form needs JS to submit).
  const hydrated = useSyncExternalStore(noop, () => true, () => false);

  const onSubmit = form.handleSubmit((values) => {
    setError(null);
    startTransition(async () => {
      const res = await signUpAction({ ...values, orgName: invite ? undefined : values.orgName || undefined });
      if (!res) return;
      for (const [k, v] of Object.entries(res.fieldErrors ?? {})) form.setError(k as keyof Values, { message: v });
      if (res.error) setError(res.error === "badCredentials" ? t("badCredentials") : res.error);
    });
  });

  return (
    // method="post": a submit before hydration must never put the password into the URL.
    <form method="post" onSubmit={onSubmit} className="grid gap-4" noValidate data-ready={hydrated || undefined}>
      <FormAlert message={error} />
      {!invite ? (
        <Field label={t("orgName")} htmlFor="orgName" error={msg(errors.orgName, "orgName")} required>
          <Input id="orgName" {...form.register("orgName")} aria-invalid={!!errors.orgName} />
        </Field>
      ) : null}
      <Field label={t("name")} htmlFor="name" error={msg(errors.name, "name")} required>
        <Input id="name" autoComplete="name" {...form.register("name")} aria-invalid={!!errors.name} />
      </Field>
      <Field label={t("email")} htmlFor="email" error={msg(errors.email, "email")} required>
        <Input id="email" type="email" autoComplete="email" readOnly={!!invite} {...form.register("email")} aria-invalid={!!errors.email} />
      </Field>
      <Field label={t("password")} htmlFor="password" error={msg(errors.password, "password")} required>
        <Input id="password" type="password" autoComplete="new-password" {...form.register("password")} aria-invalid={!!errors.password} />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? t("signingIn") : t("signUp")}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        {t("haveAccount")}{" "}
        <Link href="/sign-in" className="text-primary underline-offset-4 hover:underline">
          {t("signIn")}
        </Link>
      </p>
    </form>
  );
}
