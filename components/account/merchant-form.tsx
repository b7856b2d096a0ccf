"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { OrgProfileInput } from "@/lib/validators/account";

type Values = z.input<typeof OrgProfileInput>;

/** 商户: name and time zone (owner/admin); the handle is shown but fixed. */
export function MerchantForm({ name, slug, timezone, canWrite }: { name: string; slug: string; timezone: string; canWrite: boolean }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const zones = useMemo(() => {
    const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    return all.includes(timezone) ? all : [timezone, ...all];
  }, [timezone]);
  const form = useForm<Values>({ resolver: zodResolver(OrgProfileInput), defaultValues: { name, timezone } });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.settings.updateProfile.mutationOptions({
      onSuccess: (s) => {
        form.reset({ name: s.name, timezone: s.timezone });
        toast.success(t("common.saved"));
        router.refresh();
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, ["name", "timezone"])),
    }),
  );
  return (
    <Card className="max-w-xl">
      <form
        noValidate
        className="grid gap-4"
        onSubmit={form.handleSubmit((v) => {
          setFormError(null);
          save.mutate(v);
        })}
      >
        <CardHeader>
          <CardTitle>{t("account.merchant")}</CardTitle>
          <CardDescription>{canWrite ? t("account.merchantHelp") : t("account.noPermissionSection")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <FormAlert message={formError} />
          <Field label={t("fields.orgName")} htmlFor="name" error={msg(errors.name, "orgName")} required>
            <Input id="name" readOnly={!canWrite} {...form.register("name")} aria-invalid={!!errors.name} />
          </Field>
          <Field label={t("account.slug")} htmlFor="slug" hint={t("account.slugHelp")}>
            <Input id="slug" value={slug} readOnly className="bg-muted font-mono" />
          </Field>
          <Field label={t("account.timezone")} htmlFor="timezone" error={msg(errors.timezone, "timezone")} required>
            <NativeSelect id="timezone" disabled={!canWrite} {...form.register("timezone")} aria-invalid={!!errors.timezone}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </NativeSelect>
          </Field>
        </CardContent>
        {canWrite ? (
          <CardFooter className="justify-end">
            <Button type="submit" disabled={!form.formState.isDirty || save.isPending}>
              {save.isPending ? t("common.saving") : t("common.save")}
            </Button>
          </CardFooter>
        ) : null}
      </form>
    </Card>
  );
}
