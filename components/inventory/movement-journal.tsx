"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { MOVEMENT_KINDS } from "@/db/schema/inventory";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { X } from "lucide-react";
import { DeltaCell, MovementKindBadge } from "./movement-table";
import { fmtTime } from "./qty";
import { useDebounced } from "./use-debounced";
import { useUrlFilters } from "./use-url-filters";
import { WarehouseSelect } from "./warehouse-select";

type Row = inferRouterOutputs<AppRouter>["inventory"]["movements"]["items"][number];
const KEYS = ["q", "wh", "kind"] as const;

/** Where a movement's document lives, for a link from the journal. */
export function documentHref(refType: string | null, refId: string | null) {
  if (!refId) return null;
  if (refType === "outbound") return `/outbound/${refId}`;
  if (refType === "inbound") return `/inbound/${refId}`;
  if (refType === "return") return `/returns/${refId}`;
  if (refType === "stocktake") return `/inventory/stocktakes/${refId}`;
  if (refType === "order") return `/orders/${refId}`;
  return null;
}

/**
 * The movement journal: all SKUs, or one (`productId`), newest first with filters for warehouse and
 * kind; each row links to its document.
 */
export function MovementJournal({ scale, productId }: { scale: number; productId?: string }) {
  const t = useTranslations("inventory");
  const trpc = useTRPC();
  const f = useUrlFilters(KEYS);
  const [q, setQ] = useDebounced(f.values.q, (v) => f.set({ q: v }));
  const kind = (MOVEMENT_KINDS as readonly string[]).includes(f.values.kind)
    ? (f.values.kind as (typeof MOVEMENT_KINDS)[number])
    : undefined;
  const query = useQuery({
    ...trpc.inventory.movements.queryOptions({
      productId,
      warehouseId: f.values.wh || undefined,
      kind,
      search: productId ? undefined : f.values.q || undefined,
      cursor: f.cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
  });
  const columns = useMemo<ColumnDef<Row, unknown>[]>(
    () => [
      {
        id: "time",
        header: t("time"),
        cell: ({ row }) => (
          <span className="text-xs whitespace-nowrap text-muted-foreground">
            {fmtTime(row.original.createdAt)}
          </span>
        ),
      },
      {
        id: "kind",
        header: t("kindLabel"),
        cell: ({ row }) => <MovementKindBadge kind={row.original.kind} />,
      },
      ...(productId
        ? []
        : [
            {
              id: "sku",
              header: t("sku"),
              cell: ({ row }) => (
                <Link
                  href={`/inventory/${row.original.productId}`}
                  className="font-mono text-xs text-primary hover:underline"
                >
                  {row.original.sku}
                </Link>
              ),
            } satisfies ColumnDef<Row, unknown>,
          ]),
      { id: "warehouse", header: t("warehouse"), cell: ({ row }) => row.original.warehouseCode },
      {
        id: "onHand",
        header: t("onHandDelta"),
        meta: { className: "text-right" },
        cell: ({ row }) => <DeltaCell value={row.original.onHandDelta} scale={scale} />,
      },
      {
        id: "reserved",
        header: t("reservedDelta"),
        meta: { className: "text-right" },
        cell: ({ row }) => <DeltaCell value={row.original.reservedDelta} scale={scale} />,
      },
      {
        id: "doc",
        header: t("document"),
        cell: ({ row }) => {
          const href = documentHref(row.original.refType, row.original.refId);
          const no = row.original.refNo ?? "";
          return href ? (
            <Link href={href} className="font-mono text-xs text-primary hover:underline">
              {no}
            </Link>
          ) : (
            <span className="font-mono text-xs">{no}</span>
          );
        },
      },
      {
        id: "reason",
        header: t("reason"),
        cell: ({ row }) => <span className="text-xs">{row.original.reason ?? ""}</span>,
      },
      {
        id: "user",
        header: t("user"),
        cell: ({ row }) => <span className="text-xs">{row.original.userName ?? t("system")}</span>,
      },
    ],
    [t, scale, productId],
  );
  return (
    <>
      <div className="mb-3 flex flex-wrap items-center gap-2" role="search">
        {productId ? null : (
          <Input
            className="w-full max-w-xs"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t("movementsSearch")}
            aria-label={t("movementsSearch")}
          />
        )}
        <WarehouseSelect
          className="w-44"
          value={f.values.wh}
          onChange={(v) => f.set({ wh: v })}
          allLabel={t("allWarehouses")}
          ariaLabel={t("warehouse")}
        />
        <NativeSelect
          className="w-36"
          value={kind ?? ""}
          onChange={(e) => f.set({ kind: e.target.value })}
          aria-label={t("kindLabel")}
        >
          <option value="">{t("allKinds")}</option>
          {MOVEMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind.${k}`)}
            </option>
          ))}
        </NativeSelect>
        {f.dirty ? (
          <Button variant="ghost" size="sm" onClick={f.reset}>
            <X />
          </Button>
        ) : null}
      </div>
      <DataTable
        testId="movements-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
      />
      {query.error ? (
        <p className="mt-2 text-sm text-destructive">{appErrorOf(query.error).message}</p>
      ) : null}
    </>
  );
}
