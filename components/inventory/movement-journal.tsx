"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { MOVEMENT_KINDS } from "@/lib/inventory/movements";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { DeltaCell, MovementKindBadge } from "./movement-table";
import { ListToolbar, OneOfSelect } from "@/components/data-table/list-toolbar";
import { useUrlFilters } from "@/components/data-table/use-url-filters";
import { WarehouseFilter } from "./warehouse-select";
import { useFormatDateTime } from "@/lib/i18n/date-time";

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
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inventory");
  const trpc = useTRPC();
  const f = useUrlFilters(KEYS);
  const kind = f.oneOf("kind", MOVEMENT_KINDS);
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
    [t, scale, productId, fmtTime],
  );
  return (
    <>
      <ListToolbar
        search={f.values.q}
        onSearch={productId ? undefined : (q) => f.set({ q })}
        searchPlaceholder={t("movementsSearch")}
        filters={
          <>
            <WarehouseFilter value={f.values.wh} onChange={(wh) => f.set({ wh })} />
            <OneOfSelect
              className="w-36"
              value={kind}
              values={MOVEMENT_KINDS}
              label={(k) => t(`kind.${k}`)}
              allLabel={t("allKinds")}
              ariaLabel={t("kindLabel")}
              onChange={(k) => f.set({ kind: k })}
            />
          </>
        }
        dirty={f.dirty}
        onReset={f.reset}
      />
      <DataTable
        testId="movements-table"
        columns={columns}
        data={query.data?.items}
        isLoading={query.isLoading}
        total={query.data?.total}
        pager={f.pagerFor(query.data?.nextCursor)}
        getRowId={(r) => r.id}
        error={query.error}
      />
    </>
  );
}
