"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { MapPin, SlidersHorizontal } from "lucide-react";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/react";
import type { AppRouter } from "@/server/api/root";
import { AdjustDialog, LocationDialog } from "./adjust-dialog";
import { MovementJournal } from "./movement-journal";
import { fmtQty } from "@/components/data-table/format";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import { StockLevelBadge } from "./stock-level-badge";

type Level = inferRouterOutputs<AppRouter>["inventory"]["product"]["levels"][number];
const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2"];

/** One SKU: a card per warehouse (on hand, reserved, available, bin), the stock-over-time chart and its journal. */
export function ProductStock({
  productId,
  scale,
  canWrite,
}: {
  productId: string;
  scale: number;
  canWrite: boolean;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inventory");
  const trpc = useTRPC();
  const { data } = useQuery(trpc.inventory.product.queryOptions({ productId }));
  const series = useQuery(trpc.inventory.series.queryOptions({ productId, points: 300 }));
  const [adjusting, setAdjusting] = useState<Level | null>(null);
  const [locating, setLocating] = useState<Level | null>(null);

  const warehouses = data?.levels ?? [];
  const chart = useMemo(() => {
    // One point per movement, carrying every warehouse's balance at that moment (step lines); chart
    // coordinates only (numbers), no arithmetic on them.
    const last: Record<string, number> = {};
    return (series.data ?? []).map((p) => {
      last[p.warehouseId] = Number(p.onHand);
      last[`${p.warehouseId}:r`] = Number(p.reserved);
      return { at: fmtTime(p.at), ...last };
    });
  }, [series.data, fmtTime]);
  const used = warehouses.filter((w) => (series.data ?? []).some((p) => p.warehouseId === w.warehouseId));

  if (!data) return <Skeleton className="h-40 w-full" />;
  const p = data.product;
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
        <span className="font-medium text-foreground">{p.name}</span>
        {p.spec ? <span>{p.spec}</span> : null}
        {!p.enabled ? <Badge variant="outline">{t("disabledProduct")}</Badge> : null}
        {p.lowStockThreshold ? (
          <span>
            {t("threshold")}: {fmtQty(p.lowStockThreshold, scale)}
          </span>
        ) : null}
      </div>
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4" data-testid="product-levels">
        {warehouses.map((w) => {
          return (
            <Card key={w.warehouseId} className="gap-2 py-3" data-testid={`level-${w.warehouseCode}`}>
              <CardHeader className="flex-row items-center justify-between px-4">
                <CardTitle className="text-sm">
                  {w.warehouseCode}{" "}
                  <span className="font-normal text-muted-foreground">{w.warehouseName}</span>
                </CardTitle>
                <StockLevelBadge available={w.available} threshold={p.lowStockThreshold} />
              </CardHeader>
              <CardContent className="grid grid-cols-3 gap-2 px-4 text-sm">
                <Figure label={t("onHand")} value={fmtQty(w.onHand, scale)} testId="on-hand" />
                <Figure label={t("reserved")} value={fmtQty(w.reserved, scale)} testId="reserved" />
                <Figure label={t("available")} value={fmtQty(w.available, scale)} testId="available" strong />
                <div className="col-span-3 flex items-center justify-between gap-2 text-xs text-muted-foreground">
                  <span>
                    {t("location")}:{" "}
                    <span className="font-mono text-foreground">{w.location ?? t("noLocation")}</span>
                  </span>
                  {canWrite ? (
                    <span className="flex gap-1">
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => setLocating(w)}
                        aria-label={t("editLocation")}
                      >
                        <MapPin />
                      </Button>
                      <Button
                        variant="outline"
                        size="sm"
                        onClick={() => setAdjusting(w)}
                        data-testid={`adjust-${w.warehouseCode}`}
                      >
                        <SlidersHorizontal />
                        {t("adjust")}
                      </Button>
                    </span>
                  ) : null}
                </div>
              </CardContent>
            </Card>
          );
        })}
      </div>
      <Card className="py-3">
        <CardHeader className="px-4">
          <CardTitle className="text-sm">{t("chartTitle")}</CardTitle>
        </CardHeader>
        <CardContent className="h-64 px-2">
          {chart.length === 0 ? (
            <p className="px-2 text-sm text-muted-foreground">{t("chartEmpty")}</p>
          ) : (
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={chart} margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="at" fontSize={10} minTickGap={40} />
                <YAxis fontSize={11} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {used.flatMap((w, i) => [
                  <Line
                    key={w.warehouseId}
                    type="stepAfter"
                    dataKey={w.warehouseId}
                    name={t("chartOnHand", { warehouse: w.warehouseCode })}
                    stroke={COLORS[i % COLORS.length]}
                    dot={false}
                    connectNulls
                  />,
                  <Line
                    key={`${w.warehouseId}:r`}
                    type="stepAfter"
                    dataKey={`${w.warehouseId}:r`}
                    name={t("chartReserved", { warehouse: w.warehouseCode })}
                    stroke={COLORS[i % COLORS.length]}
                    strokeDasharray="4 3"
                    dot={false}
                    connectNulls
                  />,
                ])}
              </LineChart>
            </ResponsiveContainer>
          )}
        </CardContent>
      </Card>
      <div>
        <h2 className="mb-2 text-sm font-semibold">{t("movementsTitle")}</h2>
        <MovementJournal scale={scale} productId={productId} />
      </div>
      <AdjustDialog
        target={adjusting ? { productId, sku: p.sku, warehouseId: adjusting.warehouseId } : null}
        onOpenChange={(o) => !o && setAdjusting(null)}
        scale={scale}
      />
      <LocationDialog
        target={
          locating
            ? {
                productId,
                sku: p.sku,
                warehouseId: locating.warehouseId,
                warehouseCode: locating.warehouseCode,
                location: locating.location,
              }
            : null
        }
        onOpenChange={(o) => !o && setLocating(null)}
      />
    </div>
  );
}

function Figure({
  label,
  value,
  strong,
  testId,
}: {
  label: string;
  value: string;
  strong?: boolean;
  testId?: string;
}) {
  return (
    <div>
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className={`tabular-nums ${strong ? "font-semibold" : ""}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
