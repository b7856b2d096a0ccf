"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { FormDialog } from "@/components/forms/form-dialog";
import { SwitchField } from "@/components/forms/switch-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { CreateAccountInput } from "@/lib/validators/channels";
import type { AccountRow } from "./types";

/** Lazada's ventures (server/channels/lazada/config.ts LAZADA_VENTURES; a client component imports no server code). */
const LAZADA_VENTURE_CODES = ["sg", "my", "th", "vn", "ph", "id"] as const;

type Values = z.input<typeof CreateAccountInput>;
const FIELDS = ["platform", "alias", "shopDomain", "useSimulator", "pullMode", "pullIntervalMinutes", "importEnabled"] as const;

function toValues(a: AccountRow | null, platforms: string[], simulator: boolean): Values {
  return {
    platform: (a?.platform ?? platforms[0] ?? "shopify") as Values["platform"],
    alias: a?.alias ?? "",
    shopDomain: (typeof a?.settings.shopDomain === "string" ? a.settings.shopDomain : a?.externalShopId) ?? "",
    useSimulator: a ? a.baseUrl.startsWith("http://127.0.0.1") : simulator,
    pullMode: a?.pullMode ?? "auto",
    pullIntervalMinutes: a?.pullIntervalMinutes ?? 15,
    importEnabled: a?.importEnabled ?? true,
    settings: a?.platform === "lazada" ? { venture: String(a.settings.venture ?? "my") } : { venture: "my" },
  };
}

/** 新增 / 修改 a platform account: alias, shop, pull type and interval, the import switch. */
export function AccountFormDialog({
  account,
  open,
  onOpenChange,
  platforms,
  simulatorUrl,
}: {
  account: AccountRow | null;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  platforms: string[];
  simulatorUrl: string | null;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(CreateAccountInput, undefined, { raw: true }),
    values: toValues(account, platforms, !!simulatorUrl),
  });
  const { errors } = form.formState;
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey() });
    toast.success(t("common.saved"));
    onOpenChange(false);
  };
  const onError = (e: unknown) => setFormError(applyFieldErrors(e, form.setError, FIELDS));
  const create = useMutation(trpc.channels.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.channels.update.mutationOptions({ onSuccess, onError }));
  const platform = useWatch({ control: form.control, name: "platform" });
  const pullMode = useWatch({ control: form.control, name: "pullMode" });

  const onSubmit = form.handleSubmit((v) => {
    setFormError(null);
    const interval = Number(v.pullIntervalMinutes);
    if (account) update.mutate({ id: account.id, alias: v.alias, pullMode: v.pullMode, pullIntervalMinutes: interval, importEnabled: v.importEnabled });
    else create.mutate({ ...v, pullIntervalMinutes: interval, settings: v.platform === "lazada" ? v.settings : {} });
  });
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f] as never, f);

  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) setFormError(null);
        onOpenChange(o);
      }}
      title={account ? t("channels.editAccount") : t("channels.newAccount")}
      onSubmit={onSubmit}
      pending={create.isPending || update.isPending}
      formError={formError}
      testId="account-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("channels.col.platform")} htmlFor="platform" error={err("platform")} required>
          <NativeSelect id="platform" disabled={!!account} {...form.register("platform")}>
            {platforms.map((p) => (
              <option key={p} value={p}>
                {t(`channels.platforms.${p}` as "channels.platforms.all")}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field label={t("channels.col.alias")} htmlFor="alias" error={err("alias")} required>
          <Input id="alias" {...form.register("alias")} aria-invalid={!!errors.alias} />
        </Field>
        {platform === "shopify" ? (
          <Field label={t("channels.shopDomain")} htmlFor="shopDomain" error={err("shopDomain")} required hint={t("channels.shopDomainHint")}>
            <Input id="shopDomain" disabled={!!account} className="font-mono" autoComplete="off" {...form.register("shopDomain")} aria-invalid={!!errors.shopDomain} />
          </Field>
        ) : null}
        {platform === "lazada" ? (
          <Field label={t("channels.venture")} htmlFor="venture" hint={t("channels.ventureHint")} required>
            <NativeSelect id="venture" disabled={!!account} {...form.register("settings.venture")}>
              {LAZADA_VENTURE_CODES.map((v) => (
                <option key={v} value={v}>
                  {t(`channels.ventures.${v}`)}
                </option>
              ))}
            </NativeSelect>
          </Field>
        ) : null}
        {simulatorUrl && !account ? (
          <SwitchField control={form.control} name="useSimulator" label={t("channels.useSimulator")} hint={t("channels.useSimulatorHint", { url: simulatorUrl })} error={err("useSimulator")} />
        ) : null}
        <Field label={t("channels.pullType")} htmlFor="pullMode" error={err("pullMode")}>
          <NativeSelect id="pullMode" {...form.register("pullMode")}>
            <option value="auto">{t("channels.pullMode.auto")}</option>
            <option value="manual">{t("channels.pullMode.manual")}</option>
          </NativeSelect>
        </Field>
        {pullMode === "auto" ? (
          <Field label={t("channels.pullInterval")} htmlFor="pullIntervalMinutes" error={err("pullIntervalMinutes")}>
            <Input id="pullIntervalMinutes" type="number" min={5} max={1440} {...form.register("pullIntervalMinutes", { valueAsNumber: true })} aria-invalid={!!errors.pullIntervalMinutes} />
          </Field>
        ) : null}
        <SwitchField control={form.control} name="importEnabled" label={t("channels.col.importEnabled")} hint={t("channels.importHelp")} />
      </div>
    </FormDialog>
  );
}
