"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { ChangePasswordInput, UpdateProfileInput } from "@/lib/validators/account";
import { signOutAction, signOutEverywhereAction } from "@/app/actions";

export function ProfileForm({ name, email }: { name: string; email: string }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<UpdateProfileInput>({ resolver: zodResolver(UpdateProfileInput), defaultValues: { name } });
  const save = useMutation(
    trpc.account.updateProfile.mutationOptions({
      onSuccess: (p) => {
        form.reset({ name: p.name });
        toast.success(t("common.saved"));
        router.refresh();
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, ["name"])),
    }),
  );
  return (
    <Card>
      <form
        noValidate
        className="grid gap-4"
        onSubmit={form.handleSubmit((v) => {
          setFormError(null);
          save.mutate(v);
        })}
      >
        <CardHeader>
          <CardTitle>{t("account.profile")}</CardTitle>
          <CardDescription>{t("account.profileHelp")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <FormAlert message={formError} />
          <Field label={t("account.email")} htmlFor="profile-email">
            <Input id="profile-email" value={email} readOnly className="bg-muted" />
          </Field>
          <Field label={t("account.name")} htmlFor="name" error={msg(form.formState.errors.name, "name")} required>
            <Input id="name" autoComplete="name" {...form.register("name")} aria-invalid={!!form.formState.errors.name} />
          </Field>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" disabled={!form.formState.isDirty || save.isPending}>
            {save.isPending ? t("common.saving") : t("common.save")}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

export function ChangePasswordForm() {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<ChangePasswordInput>({ resolver: zodResolver(ChangePasswordInput), defaultValues: { currentPassword: "", newPassword: "" } });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => {
        form.reset();
        toast.success(t("account.passwordChanged"));
        // The change ended every session, this one too: off to sign in with the new password.
        void signOutAction();
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, ["currentPassword", "newPassword"])),
    }),
  );
  return (
    <Card>
      <form
        noValidate
        className="grid gap-4"
        onSubmit={form.handleSubmit((v) => {
          setFormError(null);
          save.mutate(v);
        })}
      >
        <CardHeader>
          <CardTitle>{t("account.changePassword")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4">
          <FormAlert message={formError} />
          <Field label={t("fields.currentPassword")} htmlFor="currentPassword" error={msg(errors.currentPassword, "currentPassword")} required>
            <Input id="currentPassword" type="password" autoComplete="current-password" {...form.register("currentPassword")} aria-invalid={!!errors.currentPassword} />
          </Field>
          <Field label={t("fields.newPassword")} htmlFor="newPassword" error={msg(errors.newPassword, "newPassword")} required>
            <Input id="newPassword" type="password" autoComplete="new-password" {...form.register("newPassword")} aria-invalid={!!errors.newPassword} />
          </Field>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? t("common.saving") : t("account.changePassword")}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

/** 登录会话: sign out everywhere (a plain form posting the server action, so it works before hydration). */
export function SessionsCard() {
  const t = useTranslations();
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("account.sessions")}</CardTitle>
        <CardDescription>{t("account.sessionsHelp")}</CardDescription>
      </CardHeader>
      <CardFooter className="justify-end">
        <form action={signOutEverywhereAction}>
          <Button type="submit" variant="outline" data-testid="sign-out-everywhere">
            {t("account.signOutEverywhere")}
          </Button>
        </form>
      </CardFooter>
    </Card>
  );
}
