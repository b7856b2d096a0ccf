"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { ArrowRight, CheckCircle2, CircleDashed } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { FormAlert } from "@/components/forms/field";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { MappingStateBadge } from "./mapping-state-badge";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Mapping = inferRouterOutputs<AppRouter>["production"]["mapping"]["get"];

/**
 * The mapping page of one route: the programme's standard stages beside the route's operations. Each
 * operation picks at most one stage (a select, so "two stages" cannot even be expressed); a stage
 * collects one or more operations. Unmapped stages are flagged live; confirming is refused by the
 * server until none is left.
 */
export function MappingEditor({ routeId, programmeId, canWrite }: { routeId: string; programmeId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.production.mapping.get.queryOptions({ routeId, programmeId }));
  if (query.error) return <FormAlert message={appErrorOf(query.error).message} />;
  if (!query.data) return <Skeleton className="h-96 w-full" />;
  // Keyed by what is stored: after a save the editor starts again from the server's state.
  const key = `${query.data.state.confirmedAt ?? ""}:${query.data.operations.map((o) => `${o.operationId}=${o.stageId}`).join(",")}`;
  return <Editor key={key} data={query.data} canWrite={canWrite} />;
}

function Editor({ data, canWrite }: { data: Mapping; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [stageOf, setStageOf] = useState<Record<string, string | null>>(() => Object.fromEntries(data.operations.map((o) => [o.operationId, o.stageId])));
  const [error, setError] = useState<string | null>(null);
  const dirty = data.operations.some((o) => (stageOf[o.operationId] ?? null) !== o.stageId);
  const opsOfStage = (stageId: string) => data.operations.filter((o) => stageOf[o.operationId] === stageId);
  const unmapped = data.stages.filter((s) => opsOfStage(s.id).length === 0);

  const save = useMutation(
    trpc.production.mapping.save.mutationOptions({
      onSuccess: async (result, v) => {
        toast.success(v.confirm ? t("production.mappingConfirmed") : t("production.mappingSaved"));
        setError(null);
        queryClient.setQueryData(trpc.production.mapping.get.queryKey({ routeId: data.route.id, programmeId: data.programme.id }), result);
        await queryClient.invalidateQueries({ queryKey: trpc.production.pathKey() });
      },
      onError: (e) => setError(appErrorOf(e).message),
    }),
  );
  const submit = (confirm: boolean) =>
    save.mutate({
      routeId: data.route.id,
      programmeId: data.programme.id,
      confirm,
      entries: data.operations.map((o) => ({ operationId: o.operationId, stageId: stageOf[o.operationId] ?? null })),
    });

  return (
    <div className="grid gap-4" data-testid="mapping-editor">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-lg font-semibold">
          <span className="font-mono">{data.route.code}</span> · {data.route.name}
        </h2>
        <MappingStateBadge state={data.state} />
        {data.state.confirmedAt ? (
          <span className="text-xs text-muted-foreground">{t("production.confirmedAt", { at: fmtTime(data.state.confirmedAt) })}</span>
        ) : null}
        <div className="flex-1" />
        <Link className="text-sm text-primary hover:underline" href={`/production/routes/${data.route.id}`}>
          {t("production.editRoute")}
        </Link>
      </div>
      <div data-testid="mapping-error">
        <FormAlert message={error} />
      </div>
      <p className={unmapped.length ? "text-sm text-amber-700" : "text-sm text-emerald-700"} data-testid="mapping-live-state" data-unmapped={unmapped.length}>
        {unmapped.length ? t("production.unmappedCount", { count: unmapped.length }) : t("production.allMapped")}
      </p>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>{t("production.stagesColumn", { programme: data.programme.name })}</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="grid gap-2" data-testid="mapping-stages">
              {data.stages.map((s) => {
                const ops = opsOfStage(s.id);
                return (
                  <li key={s.id} className="flex flex-wrap items-center gap-2 rounded-md border px-3 py-2" data-stage={s.code} data-mapped={ops.length > 0}>
                    {ops.length ? <CheckCircle2 className="size-4 text-emerald-600" /> : <CircleDashed className="size-4 text-amber-600" />}
                    <span className="w-20 font-medium">{s.name}</span>
                    <span className="font-mono text-xs text-muted-foreground">{s.code}</span>
                    <div className="flex flex-1 flex-wrap justify-end gap-1">
                      {ops.length === 0 ? <Badge variant="warning">{t("production.unmapped")}</Badge> : null}
                      {ops.map((o) => (
                        <Badge key={o.operationId} variant="outline">
                          <span className="font-mono">{o.code}</span> {o.name}
                        </Badge>
                      ))}
                    </div>
                  </li>
                );
              })}
            </ol>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("production.operationsColumn")}</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="grid gap-2" data-testid="mapping-operations">
              {data.operations.map((o) => (
                <li key={o.operationId} className="flex items-center gap-2 rounded-md border px-3 py-2" data-operation={o.code}>
                  <span className="w-6 text-right text-xs tabular-nums text-muted-foreground">{o.seq}</span>
                  <span className="font-mono text-xs">{o.code}</span>
                  <span className="flex-1 text-sm">{o.name}</span>
                  <ArrowRight className="size-4 text-muted-foreground" />
                  <NativeSelect
                    className="w-36"
                    aria-label={`${t("production.mappedTo")} ${o.code}`}
                    value={stageOf[o.operationId] ?? ""}
                    disabled={!canWrite}
                    onChange={(e) => setStageOf((m) => ({ ...m, [o.operationId]: e.target.value || null }))}
                    data-testid={`map-${o.code}`}
                  >
                    <option value="">{t("production.noStage")}</option>
                    {data.stages.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </NativeSelect>
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
      </div>
      {canWrite ? (
        <div className="flex justify-end gap-2">
          <Button variant="outline" disabled={save.isPending || !dirty} onClick={() => submit(false)} data-testid="mapping-save">
            {t("production.saveDraft")}
          </Button>
          <Button disabled={save.isPending || (!dirty && data.state.complete)} onClick={() => submit(true)} data-testid="mapping-confirm">
            {t("production.confirmMapping")}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
