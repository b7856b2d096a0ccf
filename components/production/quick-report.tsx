"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, Minus, Plus, Search, Undo2 } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import { Controller, useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { useDecimalMessage, withPrecision } from "@/components/forms/decimal";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { Decimal, formatDecimal } from "@/lib/decimal";
import { appErrorOf, applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { cn } from "@/lib/utils";
import { WorkReportInput } from "@/lib/validators/production";
import type { Precision } from "@/lib/precision";
import { PercentBar } from "./percent-bar";
import { PlanStatusBadge } from "./plan-status-badge";

const OPERATOR_KEY = "manifold.production.operator";

/**
 * 快速报工 for a shop-floor tablet: big touch targets, three steps (plan → operation → quantities),
 * the operator remembered on the device, errors in place (over-reporting needs the override + reason).
 */
export function QuickReport({ precision }: { precision: Precision }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const planId = params.get("plan");
  const choose = (id: string | null) => router.replace(id ? `${pathname}?plan=${id}` : pathname, { scroll: false });
  return planId ? <ReportOnPlan key={planId} planId={planId} precision={precision} onChangePlan={() => choose(null)} /> : <PlanPicker onPick={choose} precision={precision} />;
}

function PlanPicker({ onPick, precision }: { onPick: (id: string) => void; precision: Precision }) {
  const t = useTranslations("production");
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const plans = useQuery(trpc.production.plans.list.queryOptions({ reportable: true, search: search || undefined, limit: 24, sort: "plannedEnd", dir: "asc" }));
  const items = plans.data?.items ?? [];
  return (
    <div className="grid gap-4" data-testid="quick-plan-picker">
      <h2 className="text-lg font-semibold">{t("quickChoosePlan")}</h2>
      <div className="relative max-w-xl">
        <Search className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-muted-foreground" />
        <Input
          autoFocus
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // A scanner types the plan number and presses Enter: an exact match opens it at once.
            if (e.key !== "Enter") return;
            const exact = items.find((p) => p.planNo.toLowerCase() === text.trim().toLowerCase());
            if (exact) onPick(exact.id);
            else if (items.length === 1) onPick(items[0]!.id);
          }}
          placeholder={t("quickFind")}
          className="h-14 pl-11 text-lg"
          data-testid="quick-search"
        />
      </div>
      {plans.isLoading ? <Skeleton className="h-40" /> : null}
      {!plans.isLoading && items.length === 0 ? <p className="text-muted-foreground">{t("quickNoPlans")}</p> : null}
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {items.map((p) => (
          <button
            key={p.id}
            type="button"
            onClick={() => onPick(p.id)}
            className="grid min-h-28 gap-2 rounded-xl border-2 bg-background p-4 text-left transition hover:border-primary focus-visible:border-primary focus-visible:outline-none"
            data-testid="quick-plan"
            data-plan-no={p.planNo}
          >
            <div className="flex items-center justify-between gap-2">
              <span className="font-mono text-lg font-semibold">{p.planNo}</span>
              <PlanStatusBadge status={p.status} />
            </div>
            <div className="text-sm">
              <span className="font-mono">{p.sku}</span> {p.productName} × {formatDecimal(p.quantity, precision.quantityDecimals)}
            </div>
            <PercentBar value={p.percent} />
          </button>
        ))}
      </div>
    </div>
  );
}

type Values = z.input<typeof WorkReportInput>;
const FIELDS = ["goodQty", "defectiveQty", "operator", "operationId", "overrideReason"] as const;

function ReportOnPlan({ planId, precision, onChangePlan }: { planId: string; precision: Precision; onChangePlan: () => void }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const plan = useQuery(trpc.production.plans.byId.queryOptions({ id: planId }));
  const [formError, setFormError] = useState<string | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const decimalMessage = useDecimalMessage();
  const schema = useMemo(
    () =>
      withPrecision(
        WorkReportInput,
        precision,
        [
          { name: "goodQty", kind: "quantity" },
          { name: "defectiveQty", kind: "quantity" },
        ],
        decimalMessage,
      ),
    [precision, decimalMessage],
  );
  const form = useForm<Values>({
    resolver: zodResolver(schema, undefined, { raw: true }),
    defaultValues: { planId, operationId: "", goodQty: "", defectiveQty: "0", operator: "", override: false, overrideReason: "", remark: "" },
  });
  const { errors } = form.formState;
  useEffect(() => {
    const saved = window.localStorage.getItem(OPERATOR_KEY);
    if (saved && !form.getValues("operator")) form.setValue("operator", saved);
  }, [form]);

  const [operationId, override, good, bad] = useWatch({ control: form.control, name: ["operationId", "override", "goodQty", "defectiveQty"] });
  const op = plan.data?.progress.operations.find((o) => o.operationId === operationId);
  const wouldExceed = useMemo(() => {
    if (!op || !plan.data) return false;
    try {
      return new Decimal(op.processed).plus(String(good || 0)).plus(String(bad || 0)).gt(plan.data.quantity);
    } catch {
      return false;
    }
  }, [op, plan.data, good, bad]);

  const report = useMutation(
    trpc.production.workReports.create.mutationOptions({
      onSuccess: async (r, v) => {
        const name = plan.data?.progress.operations.find((o) => o.operationId === v.operationId);
        setLast(t("production.quickSubmitted", { operation: `${name?.code ?? ""} ${name?.name ?? ""}`, good: String(v.goodQty), defective: String(v.defectiveQty ?? "0") }));
        window.localStorage.setItem(OPERATOR_KEY, String(v.operator));
        form.reset({ ...form.getValues(), goodQty: "", defectiveQty: "0", override: false, overrideReason: "", remark: "" });
        queryClient.setQueryData(trpc.production.plans.byId.queryKey({ id: planId }), (old) => (old ? { ...old, status: r.plan.status, progress: r.progress } : old));
        await queryClient.invalidateQueries({ queryKey: trpc.production.pathKey() });
      },
      onError: (e) => {
        setLast(null);
        setFormError(applyFieldErrors(e, form.setError, FIELDS));
        if (appErrorOf(e).fieldErrors.goodQty && wouldExceed) form.setFocus("override");
      },
    }),
  );

  if (plan.error) return <FormAlert message={appErrorOf(plan.error).message} />;
  if (!plan.data) return <Skeleton className="h-96" />;
  const p = plan.data;
  const qty = (v: string) => formatDecimal(v, precision.quantityDecimals);
  const step = new Decimal(1);
  const bump = (field: "goodQty" | "defectiveQty", d: 1 | -1) => {
    let cur: Decimal;
    try {
      cur = new Decimal(String(form.getValues(field) || 0));
    } catch {
      cur = new Decimal(0);
    }
    const next = Decimal.max(cur.plus(step.times(d)), 0);
    form.setValue(field, next.toFixed(), { shouldValidate: false });
  };

  return (
    <form
      className="grid gap-6"
      noValidate
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        report.mutate({ ...v, planId });
      })}
      data-testid="quick-report"
    >
      <div className="flex flex-wrap items-center gap-3 rounded-xl border bg-muted/40 p-4">
        <span className="font-mono text-2xl font-semibold" data-testid="quick-plan-no">
          {p.planNo}
        </span>
        <PlanStatusBadge status={p.status} />
        <span className="text-sm">
          <span className="font-mono">{p.sku}</span> {p.productName} × {qty(p.quantity)}
        </span>
        <div className="flex-1" />
        <PercentBar value={p.progress.percent} className="w-48" />
        <Button type="button" variant="outline" size="lg" onClick={onChangePlan}>
          <Undo2 />
          {t("production.quickChangePlan")}
        </Button>
      </div>

      {last ? (
        <div role="status" className="flex items-center gap-2 rounded-xl border border-emerald-300 bg-emerald-50 p-4 text-lg text-emerald-900" data-testid="quick-success">
          <CheckCircle2 className="size-6" />
          {last}
        </div>
      ) : null}
      <FormAlert message={formError} />

      <section className="grid gap-3">
        <h2 className="text-lg font-semibold">{t("production.quickChooseOperation")}</h2>
        <Controller
          control={form.control}
          name="operationId"
          render={({ field }) => (
            <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4" role="radiogroup" aria-label={t("fields.operation")}>
              {p.progress.operations.map((o) => (
                <button
                  key={o.operationId}
                  type="button"
                  role="radio"
                  aria-checked={field.value === o.operationId}
                  onClick={() => field.onChange(o.operationId)}
                  className={cn(
                    "grid min-h-24 gap-1 rounded-xl border-2 p-4 text-left transition",
                    field.value === o.operationId ? "border-primary bg-primary/5 ring-2 ring-primary/30" : "hover:border-primary/50",
                  )}
                  data-testid="quick-operation"
                  data-operation={o.code}
                >
                  <span className="text-lg font-semibold">
                    {o.seq}. {o.name}
                  </span>
                  <span className="font-mono text-xs text-muted-foreground">{o.code}</span>
                  <span className="text-sm tabular-nums">{t("production.processedOf", { processed: qty(o.processed), planned: qty(p.quantity) })}</span>
                  <PercentBar value={o.percent} />
                </button>
              ))}
            </div>
          )}
        />
        {errors.operationId ? (
          <p role="alert" className="text-sm text-destructive">
            {msg(errors.operationId, "operationId")}
          </p>
        ) : null}
      </section>

      <section className="grid gap-4">
        <h2 className="text-lg font-semibold">{t("production.quickQuantities")}</h2>
        <div className="grid gap-4 md:grid-cols-2">
          {(["goodQty", "defectiveQty"] as const).map((f) => (
            <div key={f} className="grid gap-2">
              <label htmlFor={`q-${f}`} className="text-base font-medium">
                {t(`fields.${f}`)}
              </label>
              <div className="flex items-center gap-2">
                <Button type="button" variant="outline" className="size-14 text-2xl" onClick={() => bump(f, -1)} aria-label={`− ${t(`fields.${f}`)}`}>
                  <Minus className="size-6" />
                </Button>
                <Input
                  id={`q-${f}`}
                  inputMode="decimal"
                  autoComplete="off"
                  className="h-14 flex-1 text-center text-2xl tabular-nums"
                  {...form.register(f)}
                  aria-invalid={!!errors[f]}
                  data-testid={`quick-${f}`}
                />
                <Button type="button" variant="outline" className="size-14 text-2xl" onClick={() => bump(f, 1)} aria-label={`+ ${t(`fields.${f}`)}`}>
                  <Plus className="size-6" />
                </Button>
              </div>
              {errors[f] ? (
                <p role="alert" className="text-sm text-destructive" data-field-error={f}>
                  {msg(errors[f], f)}
                </p>
              ) : op && f === "goodQty" ? (
                <p className="text-sm text-muted-foreground tabular-nums">
                  {t("production.remaining")}: {qty(op.remaining)}
                </p>
              ) : null}
            </div>
          ))}
        </div>
        <div className="grid gap-2 md:max-w-md">
          <label htmlFor="q-operator" className="text-base font-medium">
            {t("fields.operator")}
          </label>
          <Input id="q-operator" className="h-14 text-lg" autoComplete="off" {...form.register("operator")} aria-invalid={!!errors.operator} data-testid="quick-operator" />
          {errors.operator ? (
            <p role="alert" className="text-sm text-destructive">
              {msg(errors.operator, "operator")}
            </p>
          ) : (
            <p className="text-sm text-muted-foreground">{t("production.operatorRemembered")}</p>
          )}
        </div>
        {wouldExceed || override ? (
          <div className="grid gap-2 rounded-xl border border-amber-300 bg-amber-50 p-4">
            <Controller
              control={form.control}
              name="override"
              render={({ field }) => (
                <label className="flex items-center gap-3 text-base font-medium">
                  <Checkbox className="size-6" checked={!!field.value} onCheckedChange={(v) => field.onChange(!!v)} ref={field.ref} data-testid="quick-override" />
                  {t("production.override")}
                </label>
              )}
            />
            <p className="text-sm text-amber-900">{t("production.overrideHint")}</p>
            {override ? (
              <>
                <Textarea rows={2} className="text-base" placeholder={t("fields.overrideReason")} {...form.register("overrideReason")} aria-invalid={!!errors.overrideReason} data-testid="quick-override-reason" />
                {errors.overrideReason ? (
                  <p role="alert" className="text-sm text-destructive">
                    {msg(errors.overrideReason, "overrideReason")}
                  </p>
                ) : null}
              </>
            ) : null}
          </div>
        ) : null}
      </section>

      <Button type="submit" className="h-16 text-xl" disabled={report.isPending || !operationId} data-testid="quick-submit">
        {report.isPending ? t("common.saving") : t("production.quickSubmit")}
      </Button>
    </form>
  );
}
