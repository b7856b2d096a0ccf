"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef, RowSelectionState } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { DataTable } from "@/components/data-table/data-table";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";
import { ImportDialog } from "@/components/forms/import-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { formatDecimal } from "@/lib/decimal";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { Notes } from "./notes";
import { SkuMappingFormDialog, type MappingDraft } from "./sku-mapping-form-dialog";
import { useFormatDateTime } from "@/lib/i18n/date-time";

type Row = inferRouterOutputs<AppRouter>["skuMappings"]["list"]["items"][number];
type Account = { id: string; alias: string; platform: string };

/** 平台SKU关系: search by SKU and account; create, edit, delete; import/export; last stock push per SKU. */
export function SkuMappingList({ canWrite, accounts, quantityDecimals }: { canWrite: boolean; accounts: Account[]; quantityDecimals: number }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("channels");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState({ search: "", accountId: "" });
  const [selection, setSelection] = useState<RowSelectionState>({});
  // A link from a blocked platform order (…?new=1&account=&platformSku=) opens the dialog prefilled.
  const [editing, setEditing] = useState<MappingDraft | null>(() =>
    params.get("new") === "1" ? { accountId: params.get("account") ?? accounts[0]?.id ?? "", platformSku: params.get("platformSku") ?? "", previousPlatformSku: null } : null,
  );
  const pager = useKeysetPager(JSON.stringify(applied));
  const list = useQuery({
    ...trpc.skuMappings.list.queryOptions({ search: applied.search || undefined, accountId: applied.accountId || undefined, cursor: pager.cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.skuMappings.list.queryKey() });
  const remove = useMutation(
    trpc.skuMappings.remove.mutationOptions({
      onSuccess: () => {
        setSelection({});
        void invalidate();
      },
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const importMappings = useMutation(trpc.skuMappings.import.mutationOptions());
  const selectedIds = Object.keys(selection).filter((k) => selection[k]);

  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "platformSku",
        header: t("col.platformSku"),
        cell: ({ row }) => (
          <span className="font-mono text-xs">
            {row.original.platformSku}
            {row.original.bundle ? (
              <Badge variant="info" className="ml-1">
                {t("bundle")}
              </Badge>
            ) : null}
          </span>
        ),
      },
      {
        id: "sku",
        header: t("col.omsSku"),
        cell: ({ row }) => (
          <div className="text-xs">
            <span className="font-mono">{row.original.sku}</span>
            <div className="text-muted-foreground">{row.original.productName}</div>
          </div>
        ),
      },
      { id: "qty", header: t("col.quantity"), meta: { className: "text-right" }, cell: ({ row }) => <span className="tabular-nums">{formatDecimal(row.original.quantity, quantityDecimals)}</span> },
      { id: "account", header: t("col.account"), cell: ({ row }) => row.original.accountAlias },
      { id: "platform", header: t("col.platform"), cell: ({ row }) => t(`platforms.${row.original.platform}` as "platforms.all") },
      {
        id: "push",
        header: t("col.lastPush"),
        cell: ({ row }) => {
          const p = row.original.lastPush;
          if (!p?.status) return <span className="text-xs text-muted-foreground">{t("never")}</span>;
          return p.status === "ok" ? (
            <span className="text-xs">{t("pushOk", { qty: p.qty ?? 0, at: fmtTime(p.at) })}</span>
          ) : (
            <span className="text-xs text-destructive">{t("pushFailed", { error: p.error ?? "" })}</span>
          );
        },
      },
      ...(canWrite
        ? [
            {
              id: "edit",
              header: "",
              cell: ({ row }) => (
                <Button size="sm" variant="ghost" onClick={() => setEditing({ accountId: row.original.accountId, platformSku: row.original.platformSku, previousPlatformSku: row.original.platformSku })}>
                  {t("editMapping")}
                </Button>
              ),
            } satisfies ColumnDef<Row, unknown>,
          ]
        : []),
    ],
    [t, quantityDecimals, canWrite, fmtTime],
  );

  return (
    <div className="grid gap-3">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied((a) => ({ ...a, search }));
        }}
      >
        <Input className="w-56" placeholder={t("mappingSearch")} value={search} onChange={(e) => setSearch(e.target.value)} aria-label={t("mappingSearch")} />
        <NativeSelect className="w-48" value={applied.accountId} onChange={(e) => setApplied((a) => ({ ...a, accountId: e.target.value }))} aria-label={t("col.account")}>
          <option value="">{t("filters.any")}</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.alias}
            </option>
          ))}
        </NativeSelect>
        <Button type="submit" size="sm" variant="outline">
          {tc("search")}
        </Button>
        <div className="flex-1" />
        {canWrite ? (
          <>
            <Button type="button" size="sm" onClick={() => setEditing({ accountId: accounts[0]?.id ?? "", platformSku: "", previousPlatformSku: null })} data-testid="mapping-new">
              <Plus />
              {t("newMapping")}
            </Button>
            <Button
              type="button"
              size="sm"
              variant="outline"
              disabled={selectedIds.length === 0 || remove.isPending}
              onClick={() => window.confirm(t("deleteConfirm", { count: selectedIds.length })) && remove.mutate({ ids: selectedIds })}
            >
              <Trash2 />
              {t("deleteMapping")}
            </Button>
            <ImportDialog
              mode="rowByRow"
              entityLabel={t("mappingsTitle")}
              templateHref="/api/export/sku-mappings?format=xlsx&template=1"
              runImport={(input) => importMappings.mutateAsync(input)} onImported={() => void invalidate()} />
          </>
        ) : null}
        <Button asChild type="button" size="sm" variant="outline">
          <a href={`/api/export/sku-mappings?${new URLSearchParams({ format: "xlsx", ...(applied.search ? { search: applied.search } : {}), ...(applied.accountId ? { accountId: applied.accountId } : {}) })}`} download>
            {tc("export")}
          </a>
        </Button>
      </form>
      <DataTable
        testId="sku-mappings-table"
        columns={columns}
        data={list.data?.items}
        isLoading={list.isLoading}
        total={list.data?.total}
        pager={{ pageIndex: pager.pageIndex, hasPrev: pager.hasPrev, hasNext: !!list.data?.nextCursor, onPrev: pager.prev, onNext: () => pager.next(list.data?.nextCursor), onFirst: pager.first }}
        getRowId={(r) => r.id}
        rowSelection={selection}
        onRowSelectionChange={canWrite ? setSelection : undefined}
      />
      {list.error ? <p className="text-sm text-destructive">{appErrorOf(list.error).message}</p> : null}
      <Notes title={t("notes")} items={[t("mappingNotes.n1"), t("mappingNotes.n2"), t("mappingNotes.n3"), t("mappingNotes.n4")]} />
      <SkuMappingFormDialog key={editing ? `${editing.accountId}|${editing.previousPlatformSku ?? editing.platformSku}` : "none"} draft={editing} onOpenChange={(o) => !o && setEditing(null)} accounts={accounts} />
    </div>
  );
}
