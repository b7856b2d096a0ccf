"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { DataTable } from "@/components/data-table/data-table";
import { Field } from "@/components/forms/field";
import { FormDialog } from "@/components/forms/form-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { DocStatusBadge } from "./doc-status-badge";
import { ListToolbar, OneOfSelect } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { WarehouseFilter, WarehouseSelect } from "./warehouse-select";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["inventory"]["stocktakes"]["list"]["items"][number];
const STATUSES = ["counting", "posted", "cancelled"] as const;
const FILTER_KEYS = ["status", "wh"] as const;

export function StocktakeList({ canWrite }: { canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inventory");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const f = useUrlFilters(FILTER_KEYS);
  const status = f.oneOf("status", STATUSES);
  const query = useQuery({
    ...trpc.inventory.stocktakes.list.queryOptions({
      status,
      warehouseId: f.values.wh || undefined,
      cursor: f.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const [creating, setCreating] = useState(false);
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "no",
        header: t("stocktakeNo"),
        cell: ({ row }) => (
          <Link
            href={`/inventory/stocktakes/${row.original.id}`}
            className="font-mono text-xs text-primary hover:underline"
          >
            {row.original.stocktakeNo}
          </Link>
        ),
      },
      {
        id: "status",
        header: tc("status"),
        cell: ({ row }) => (
          <DocStatusBadge status={row.original.status} label={t(`stocktakeStatus.${row.original.status}`)} />
        ),
      },
      {
        id: "warehouse",
        header: t("warehouse"),
        cell: ({ row }) => `${row.original.warehouseCode} · ${row.original.warehouseName}`,
      },
      {
        id: "progress",
        header: t("progress"),
        cell: ({ row }) =>
          t("counted", { counted: row.original.countedCount, lines: row.original.lineCount }),
      },
      {
        id: "remark",
        header: t("reason"),
        cell: ({ row }) => <span className="text-xs">{row.original.remark}</span>,
      },
      {
        id: "created",
        header: t("time"),
        cell: ({ row }) => (
          <span className="text-xs text-muted-foreground">{fmtTime(row.original.createdAt)}</span>
        ),
      },
      {
        id: "posted",
        header: t("postedAt"),
        cell: ({ row }) => (
          <span className="text-xs text-muted-foreground">{fmtTime(row.original.postedAt)}</span>
        ),
      },
    ],
    [t, tc, fmtTime],
  );
  return (
    <>
      <ListToolbar
        filters={
          <>
            <WarehouseFilter value={f.values.wh} onChange={(wh) => f.set({ wh })} />
            <OneOfSelect
              value={status}
              values={STATUSES}
              label={(s) => t(`stocktakeStatus.${s}`)}
              allLabel={t("views.all")}
              ariaLabel={t("progress")}
              onChange={(s) => f.set({ status: s })}
            />
          </>
        }
        actions={
          canWrite ? (
            <Button size="sm" onClick={() => setCreating(true)} data-testid="stocktake-new">
              <Plus />
              {t("newStocktake")}
            </Button>
          ) : null
        }
      />
      <DataTable
        testId="stocktakes-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        error={query.error}
      />
      <NewStocktakeDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}

function NewStocktakeDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const t = useTranslations("inventory");
  const tf = useTranslations("fields");
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<{ warehouseId: string; scope: "stocked" | "empty"; remark: string }>({
    defaultValues: { warehouseId: "", scope: "stocked", remark: "" },
  });
  const create = useMutation(
    trpc.inventory.stocktakes.create.mutationOptions({
      onSuccess: (row) => router.push(`/inventory/stocktakes/${row.id}`),
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, ["warehouseId", "scope", "remark"])),
    }),
  );
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={t("newStocktake")}
      description={t("stocktakesHelp")}
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        create.mutate(v);
      })}
      pending={create.isPending}
      formError={formError}
      className="sm:max-w-lg"
      testId="stocktake-form"
    >
      <Field
        label={tf("warehouseId")}
        htmlFor="st-wh"
        error={form.formState.errors.warehouseId?.message}
        required
      >
        <Controller
          control={form.control}
          name="warehouseId"
          rules={{ required: tf("warehouseId") }}
          render={({ field }) => (
            <WarehouseSelect
              id="st-wh"
              enabledOnly
              allLabel=""
              value={field.value}
              onChange={field.onChange}
              testId="stocktake-warehouse"
            />
          )}
        />
      </Field>
      <Field label={t("scope")} htmlFor="st-scope">
        <NativeSelect id="st-scope" {...form.register("scope")}>
          <option value="stocked">{t("stocktakeScope.stocked")}</option>
          <option value="empty">{t("stocktakeScope.empty")}</option>
        </NativeSelect>
      </Field>
      <Field label={tf("remark")} htmlFor="st-remark">
        <Input id="st-remark" {...form.register("remark")} />
      </Field>
    </FormDialog>
  );
}
