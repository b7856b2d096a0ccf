"use client";

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowSelectionState,
  type OnChangeFn,
} from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight, ChevronsLeft } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { appErrorOf } from "@/lib/trpc/errors";
import { cn } from "@/lib/utils";

export type SortState<K extends string = string> = { sort: K; dir: "asc" | "desc" };

declare module "@tanstack/react-table" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData, TValue> {
    /** Server-side sort key; the header becomes a sort toggle. */
    sortKey?: string;
    className?: string;
  }
}

export type Pager = {
  pageIndex: number;
  hasPrev: boolean;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  onFirst: () => void;
};

/**
 * The product's list table: server-side filters, sort and keyset pages; a capped total; optional row
 * selection for bulk actions.
 */
export function DataTable<T>({
  columns,
  data,
  isLoading,
  total,
  pager,
  sort,
  onSortChange,
  getRowId,
  rowSelection,
  onRowSelectionChange,
  onRowClick,
  error,
  testId,
}: {
  columns: ColumnDef<T, unknown>[];
  data: T[] | undefined;
  isLoading?: boolean;
  total?: { count: number; capped: boolean };
  pager?: Pager;
  sort?: SortState;
  onSortChange?: (s: SortState) => void;
  getRowId: (row: T) => string;
  rowSelection?: RowSelectionState;
  onRowSelectionChange?: OnChangeFn<RowSelectionState>;
  onRowClick?: (row: T) => void;
  /** The list query's error, shown under the table. */
  error?: unknown;
  testId?: string;
}) {
  const t = useTranslations("common");
  const selectable = !!onRowSelectionChange;
  const allColumns: ColumnDef<T, unknown>[] = selectable
    ? [
        {
          id: "_select",
          header: ({ table }) => (
            <Checkbox
              aria-label="select all"
              checked={
                table.getIsAllPageRowsSelected() || (table.getIsSomePageRowsSelected() && "indeterminate")
              }
              onCheckedChange={(v) => table.toggleAllPageRowsSelected(!!v)}
            />
          ),
          cell: ({ row }) => (
            <Checkbox
              aria-label="select row"
              checked={row.getIsSelected()}
              onCheckedChange={(v) => row.toggleSelected(!!v)}
              onClick={(e) => e.stopPropagation()}
            />
          ),
          meta: { className: "w-8" },
        },
        ...columns,
      ]
    : columns;
  // TanStack Table returns unstable functions by design; this component does not memoise around them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: data ?? [],
    columns: allColumns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => getRowId(r),
    manualPagination: true,
    manualSorting: true,
    enableRowSelection: selectable,
    state: { rowSelection: rowSelection ?? {} },
    onRowSelectionChange,
  });

  return (
    <>
      <div className="rounded-lg border bg-background" data-testid={testId}>
        <Table>
          <TableHeader>
            {table.getHeaderGroups().map((hg) => (
              <TableRow key={hg.id}>
                {hg.headers.map((h) => {
                  const sortKey = h.column.columnDef.meta?.sortKey;
                  const active = sortKey && sort?.sort === sortKey;
                  return (
                    <TableHead key={h.id} className={h.column.columnDef.meta?.className}>
                      {h.isPlaceholder ? null : sortKey && onSortChange ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 hover:text-foreground"
                          onClick={() =>
                            onSortChange({
                              sort: sortKey,
                              dir: active && sort?.dir === "desc" ? "asc" : "desc",
                            })
                          }
                        >
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          {active ? (
                            sort?.dir === "desc" ? (
                              <ArrowDown className="size-3" />
                            ) : (
                              <ArrowUp className="size-3" />
                            )
                          ) : (
                            <ArrowUpDown className="size-3 opacity-40" />
                          )}
                        </button>
                      ) : (
                        flexRender(h.column.columnDef.header, h.getContext())
                      )}
                    </TableHead>
                  );
                })}
              </TableRow>
            ))}
          </TableHeader>
          <TableBody>
            {isLoading && !data ? (
              Array.from({ length: 5 }, (_, i) => (
                <TableRow key={i}>
                  {allColumns.map((_c, j) => (
                    <TableCell key={j}>
                      <Skeleton className="h-4 w-full" />
                    </TableCell>
                  ))}
                </TableRow>
              ))
            ) : table.getRowModel().rows.length === 0 ? (
              <TableRow>
                <TableCell colSpan={allColumns.length} className="h-24 text-center text-muted-foreground">
                  {t("empty")}
                </TableCell>
              </TableRow>
            ) : (
              table.getRowModel().rows.map((row) => (
                <TableRow
                  key={row.id}
                  data-state={row.getIsSelected() ? "selected" : undefined}
                  className={cn(onRowClick && "cursor-pointer")}
                  onClick={onRowClick ? () => onRowClick(row.original) : undefined}
                >
                  {row.getVisibleCells().map((cell) => (
                    <TableCell key={cell.id} className={cell.column.columnDef.meta?.className}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </TableCell>
                  ))}
                </TableRow>
              ))
            )}
          </TableBody>
        </Table>
        {pager || total ? (
          <div className="flex items-center justify-between gap-2 border-t px-3 py-2 text-sm text-muted-foreground">
            <span data-testid="table-total">
              {total
                ? total.capped
                  ? t("totalCapped", { count: total.count.toLocaleString() })
                  : t("total", { count: total.count.toLocaleString() })
                : null}
            </span>
            {pager ? (
              <div className="flex items-center gap-1">
                <Button
                  variant="ghost"
                  size="sm"
                  disabled={!pager.hasPrev}
                  onClick={pager.onFirst}
                  aria-label={t("firstPage")}
                >
                  <ChevronsLeft />
                </Button>
                <Button variant="ghost" size="sm" disabled={!pager.hasPrev} onClick={pager.onPrev}>
                  <ChevronLeft />
                  {t("prevPage")}
                </Button>
                <span className="px-2 tabular-nums">{pager.pageIndex + 1}</span>
                <Button variant="ghost" size="sm" disabled={!pager.hasNext} onClick={pager.onNext}>
                  {t("nextPage")}
                  <ChevronRight />
                </Button>
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
      {error ? <p className="mt-2 text-sm text-destructive">{appErrorOf(error).message}</p> : null}
    </>
  );
}
