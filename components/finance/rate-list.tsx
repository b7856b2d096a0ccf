"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { ListToolbar } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { Field } from "@/components/forms/field";
import { FormDialog } from "@/components/forms/form-dialog";
import { ImportDialog } from "@/components/forms/import-dialog";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { applyFieldErrors, appErrorOf } from "@/lib/trpc/errors";
import { useMerchantToday } from "@/lib/i18n/date-time";
import { useTRPC } from "@/lib/trpc/react";
import { ExchangeRateInput } from "@/lib/validators/finance";
import type { AppRouter } from "@/server/api/root";
import { CurrencyInput } from "@/components/forms/currency-input";

type RateRow = inferRouterOutputs<AppRouter>["finance"]["rates"]["list"]["items"][number];
const KEYS = ["currency"] as const;
const FIELDS = ["rateDate", "currency", "rate"] as const;

/** 汇率: the merchant's reporting currency, and daily rates into it (entered, imported from CSV, deleted). */
export function RateList({ canWrite, reportingCurrency }: { canWrite: boolean; reportingCurrency: string }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const f = useUrlFilters(KEYS);
  const [creating, setCreating] = useState(false);
  const query = useQuery({
    ...trpc.finance.rates.list.queryOptions({ currency: f.values.currency || undefined, cursor: f.cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.finance.rates.list.queryKey() });
  const importRates = useMutation(trpc.finance.rates.import.mutationOptions());
  const remove = useMutation(trpc.finance.rates.remove.mutationOptions({ onSuccess: () => void invalidate() }));
  const quote = query.data?.quoteCurrency ?? reportingCurrency;

  const columns = useMemo<ColumnDef<RateRow, unknown>[]>(
    () => [
      { accessorKey: "rateDate", header: t("finance.rateDate") },
      { accessorKey: "currency", header: t("fields.currency") },
      {
        accessorKey: "rate",
        header: t("finance.rate"),
        cell: ({ row }) => <span className="tabular-nums">{t("finance.rateMeaning", { currency: row.original.currency, rate: row.original.rate.replace(/\.?0+$/, ""), quote: row.original.quoteCurrency })}</span>,
      },
      ...(canWrite
        ? [
            {
              id: "actions",
              header: "",
              meta: { className: "w-12" },
              cell: ({ row }) => (
                <ConfirmDialog
                  trigger={
                    <Button variant="ghost" size="sm" aria-label={`${t("finance.remove")} ${row.original.currency} ${row.original.rateDate}`}>
                      <Trash2 />
                    </Button>
                  }
                  title={`${t("finance.remove")} ${row.original.currency} ${row.original.rateDate}`}
                  confirmLabel={t("finance.remove")}
                  onConfirm={async () => {
                    await remove.mutateAsync({ id: row.original.id });
                    toast.success(t("finance.removed"));
                  }}
                />
              ),
            } satisfies ColumnDef<RateRow, unknown>,
          ]
        : []),
    ],
    [t, canWrite, remove],
  );

  return (
    <>
      <ReportingCurrency current={quote} canWrite={canWrite} />
      <ListToolbar
        search={f.values.currency}
        onSearch={(currency) => f.set({ currency })}
        searchPlaceholder={t("fields.currency")}
        dirty={f.dirty}
        onReset={f.reset}
        actions={
          canWrite ? (
            <>
              <ImportDialog
                mode="rowByRow"
                entityLabel={t("finance.importRates")}
                templateHref="/api/finance/rates-template?format=csv"
                runImport={(input) => importRates.mutateAsync(input)}
                onImported={() => void invalidate()}
              />
              <Button size="sm" onClick={() => setCreating(true)} data-testid="rate-new">
                <Plus />
                {t("finance.newRate")}
              </Button>
            </>
          ) : null
        }
      />
      <DataTable testId="rates-table" columns={columns} data={query.data?.items} isLoading={query.isLoading} total={query.data?.total} pager={f.pagerFor(query.data?.nextCursor)} getRowId={(r) => r.id} error={query.error} />
      <RateFormDialog open={creating} onOpenChange={setCreating} quote={quote} />
    </>
  );
}

function ReportingCurrency({ current, canWrite }: { current: string; canWrite: boolean }) {
  const t = useTranslations("finance");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(current);
  const save = useMutation(
    trpc.finance.setReportingCurrency.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.finance.pathKey() });
        toast.success(t("saveCurrency"));
      },
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  return (
    <div className="mb-4 flex flex-wrap items-end gap-2 rounded-md border p-3">
      <Field label={t("reportingCurrency")} htmlFor="reporting-currency" hint={t("reportingCurrencyHelp")} className="max-w-md">
        <CurrencyInput id="reporting-currency" value={value} onChange={(e) => setValue(e.target.value.toUpperCase())} disabled={!canWrite} />
      </Field>
      {canWrite ? (
        <Button size="sm" variant="outline" disabled={save.isPending || value === current} onClick={() => save.mutate({ currency: value })}>
          {t("saveCurrency")}
        </Button>
      ) : null}
    </div>
  );
}

function RateFormDialog({ open, onOpenChange, quote }: { open: boolean; onOpenChange: (o: boolean) => void; quote: string }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const today = useMerchantToday();
  const empty: ExchangeRateInput = { rateDate: today(), currency: "USD", rate: "" };
  const form = useForm<ExchangeRateInput>({ resolver: zodResolver(ExchangeRateInput, undefined, { raw: true }), values: empty });
  const { errors } = form.formState;
  const [currency, rate] = useWatch({ control: form.control, name: ["currency", "rate"] });
  const save = useMutation(
    trpc.finance.rates.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.finance.rates.list.queryKey() });
        toast.success(t("common.saved"));
        onOpenChange(false);
      },
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, FIELDS)),
    }),
  );
  const err = (k: (typeof FIELDS)[number]) => msg(errors[k], k);
  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset(empty);
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={t("finance.newRate")}
      description={t("finance.rateMeaning", { currency: currency || "…", rate: String(rate ?? "") || "…", quote })}
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
      pending={save.isPending}
      formError={formError}
      className="sm:max-w-md"
      testId="rate-form"
    >
      <Field label={t("finance.rateDate")} htmlFor="rateDate" error={err("rateDate")} required>
        <Input id="rateDate" type="date" {...form.register("rateDate")} aria-invalid={!!errors.rateDate} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("fields.currency")} htmlFor="currency" error={err("currency")} required>
          <CurrencyInput id="currency" {...form.register("currency")} aria-invalid={!!errors.currency} />
        </Field>
        <Field label={t("finance.rate")} htmlFor="rate" error={err("rate")} required>
          <Input id="rate" inputMode="decimal" {...form.register("rate")} aria-invalid={!!errors.rate} />
        </Field>
      </div>
    </FormDialog>
  );
}
