"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { SwitchField } from "@/components/forms/switch-field";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { appErrorOf, applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { ProgrammeUpdateInput } from "@/lib/validators/production";
import type { ProgrammeView } from "@/server/services/production/programmes";

type Values = z.input<typeof ProgrammeUpdateInput>;
const FIELDS = ["name", "endpointUrl", "appKey", "appSecret", "enabled"] as const;

/** A programme's endpoint and credentials (secret write-only) and its standard stages. */
export function ProgrammeSettings({ programme, canConfigure, canEditStages }: { programme: ProgrammeView; canConfigure: boolean; canEditStages: boolean }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(ProgrammeUpdateInput, undefined, { raw: true }),
    defaultValues: { id: programme.id, name: programme.name, endpointUrl: programme.endpointUrl ?? "", appKey: programme.appKey ?? "", appSecret: "", enabled: programme.enabled },
  });
  const { errors } = form.formState;
  const update = useMutation(
    trpc.production.programmes.update.mutationOptions({
      onSuccess: async () => {
        toast.success(t("production.programmeSaved"));
        form.setValue("appSecret", "");
        await queryClient.invalidateQueries({ queryKey: trpc.production.pathKey() });
        router.refresh();
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, FIELDS)),
    }),
  );
  const err = (f: (typeof FIELDS)[number]) => msg(errors[f], f);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>{programme.name}</CardTitle>
          <CardDescription>{t("production.settingsHelp", { programme: programme.name })}</CardDescription>
        </CardHeader>
        <CardContent>
          <form onSubmit={form.handleSubmit((v) => (setFormError(null), update.mutate(v)))} className="grid gap-4" noValidate data-testid="programme-form">
            <FormAlert message={formError} />
            <Field label={t("fields.name")} htmlFor="pg-name" error={err("name")} required>
              <Input id="pg-name" disabled={!canConfigure} {...form.register("name")} aria-invalid={!!errors.name} />
            </Field>
            <Field label={t("fields.endpointUrl")} htmlFor="pg-endpoint" error={err("endpointUrl")} hint={t("production.endpointHint")}>
              <Input id="pg-endpoint" placeholder="https://" disabled={!canConfigure} {...form.register("endpointUrl")} aria-invalid={!!errors.endpointUrl} />
            </Field>
            <Field label={t("fields.appKey")} htmlFor="pg-key" error={err("appKey")}>
              <Input id="pg-key" className="font-mono" autoComplete="off" disabled={!canConfigure} {...form.register("appKey")} aria-invalid={!!errors.appKey} />
            </Field>
            <Field
              label={t("fields.appSecret")}
              htmlFor="pg-secret"
              error={err("appSecret")}
              hint={programme.hasSecret ? t("production.secretStored") : t("production.secretMissing")}
            >
              <Input id="pg-secret" type="password" autoComplete="new-password" disabled={!canConfigure} {...form.register("appSecret")} aria-invalid={!!errors.appSecret} />
            </Field>
            <SwitchField control={form.control} name="enabled" label={t("fields.enabled")} error={err("enabled")} />
            {canConfigure ? (
              <div className="flex justify-end">
                <Button type="submit" disabled={update.isPending} data-testid="programme-save">
                  {update.isPending ? t("common.saving") : t("common.save")}
                </Button>
              </div>
            ) : null}
          </form>
        </CardContent>
      </Card>
      <StagesEditor programme={programme} canWrite={canEditStages} />
    </div>
  );
}

type StageRow = { id?: string; code: string; name: string; enabled: boolean };

function StagesEditor({ programme, canWrite }: { programme: ProgrammeView; canWrite: boolean }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<StageRow[]>(() => programme.stages.map((s) => ({ id: s.id, code: s.code, name: s.name, enabled: s.enabled })));
  const save = useMutation(
    trpc.production.programmes.saveStages.mutationOptions({
      onSuccess: async (p) => {
        toast.success(t("production.stagesSaved"));
        setRows(p.stages.map((s) => ({ id: s.id, code: s.code, name: s.name, enabled: s.enabled })));
        await queryClient.invalidateQueries({ queryKey: trpc.production.pathKey() });
        router.refresh();
      },
    }),
  );
  const fieldErrors = save.error ? appErrorOf(save.error).fieldErrors : {};
  const patch = (i: number, p: Partial<StageRow>) => setRows((r) => r.map((x, j) => (j === i ? { ...x, ...p } : x)));
  const move = (i: number, d: -1 | 1) =>
    setRows((r) => {
      const n = [...r];
      const [x] = n.splice(i, 1);
      n.splice(i + d, 0, x!);
      return n;
    });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("production.stagesTitle")}</CardTitle>
        <CardDescription>{t("production.stagesHelp")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <FormAlert message={save.error && Object.keys(fieldErrors).length === 0 ? appErrorOf(save.error).message : null} />
        <ol className="grid gap-2" data-testid="stages-editor">
          {rows.map((s, i) => (
            <li key={s.id ?? `new-${i}`} className="grid gap-1">
              <div className="flex items-center gap-2">
                <span className="w-5 text-right text-xs tabular-nums text-muted-foreground">{i + 1}</span>
                <Input
                  className="w-32 font-mono"
                  value={s.code}
                  disabled={!canWrite}
                  onChange={(e) => patch(i, { code: e.target.value })}
                  aria-label={`${t("fields.code")} ${i + 1}`}
                  aria-invalid={!!fieldErrors[`stages.${i}.code`]}
                />
                <Input className="flex-1" value={s.name} disabled={!canWrite} onChange={(e) => patch(i, { name: e.target.value })} aria-label={`${t("fields.name")} ${i + 1}`} aria-invalid={!!fieldErrors[`stages.${i}.name`]} />
                <Switch checked={s.enabled} disabled={!canWrite} onCheckedChange={(v) => patch(i, { enabled: v })} aria-label={`${t("fields.enabled")} ${s.name}`} />
                {canWrite ? (
                  <>
                    <Button type="button" size="sm" variant="ghost" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t("production.moveUp")}>
                      <ArrowUp />
                    </Button>
                    <Button type="button" size="sm" variant="ghost" disabled={i === rows.length - 1} onClick={() => move(i, 1)} aria-label={t("production.moveDown")}>
                      <ArrowDown />
                    </Button>
                  </>
                ) : null}
              </div>
              {fieldErrors[`stages.${i}.code`] || fieldErrors[`stages.${i}.name`] ? (
                <p role="alert" className="pl-7 text-xs text-destructive">
                  {fieldErrors[`stages.${i}.code`] ?? fieldErrors[`stages.${i}.name`]}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
        {fieldErrors.stages ? (
          <p role="alert" className="text-xs text-destructive">
            {fieldErrors.stages}
          </p>
        ) : null}
        {canWrite ? (
          <div className="flex justify-between gap-2">
            <Button type="button" variant="outline" size="sm" onClick={() => setRows((r) => [...r, { code: "", name: "", enabled: true }])}>
              <Plus />
              {t("production.addStage")}
            </Button>
            <Button type="button" disabled={save.isPending} onClick={() => save.mutate({ programmeId: programme.id, stages: rows })} data-testid="stages-save">
              {save.isPending ? t("common.saving") : t("common.save")}
            </Button>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
