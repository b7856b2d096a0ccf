"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, CheckCheck, Plus, Save } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { useKeysetPager } from "@/components/data-table/use-keyset-pager";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { FormAlert } from "@/components/forms/field";
import { decimalInputProps, useDecimalMessage } from "@/components/forms/decimal";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import { checkDecimal, signOf, tryDecimal } from "@/lib/decimal";
import { appErrorOf, rowFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { cn } from "@/lib/utils";
import { DocStatusBadge } from "./doc-status-badge";
import { fmtDelta, fmtQty } from "@/components/data-table/format";
import { useFormatDateTime } from "@/lib/i18n/date-time";

const VIEWS = ["all", "uncounted", "counted", "differences"] as const;
type View = (typeof VIEWS)[number];

/**
 * 盘点单: the count sheet (counted quantity per SKU, typed in place, saved in one go), the differences
 * against the books, and posting them as one batch.
 */
export function StocktakeDetail({ id, scale, canWrite }: { id: string; scale: number; canWrite: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("inventory");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const decimalMessage = useDecimalMessage();
  const [view, setView] = useState<View>("all");
  const [search, setSearch] = useState("");
  const pager = useKeysetPager(`${view}|${search}`);
  const head = useQuery(trpc.inventory.stocktakes.byId.queryOptions({ id }));
  const lines = useQuery({
    ...trpc.inventory.stocktakes.lines.queryOptions({
      id,
      view,
      search: search || undefined,
      cursor: pager.cursor,
      limit: 100,
    }),
    placeholderData: keepPreviousData,
  });
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [skuText, setSkuText] = useState("");

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.inventory.pathKey() });
  const save = useMutation(trpc.inventory.stocktakes.count.mutationOptions());
  const addLines = useMutation(trpc.inventory.stocktakes.addLines.mutationOptions());
  const post = useMutation(trpc.inventory.stocktakes.post.mutationOptions());
  const cancel = useMutation(trpc.inventory.stocktakes.cancel.mutationOptions());

  const st = head.data;
  const counting = st?.status === "counting" && canWrite;
  const dirty = Object.keys(edits).length;

  async function saveCounts() {
    setFormError(null);
    const entries = Object.entries(edits);
    const errs: Record<string, string> = {};
    for (const [lineId, v] of entries) {
      if (v.trim() === "") continue;
      const r = checkDecimal(v, scale);
      if (!r.ok) errs[lineId] = decimalMessage(r, "countedQty", scale);
    }
    setRowErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      const res = await save.mutateAsync({
        id,
        counts: entries.map(([lineId, v]) => ({ lineId, countedQty: v.trim() === "" ? null : v.trim() })),
      });
      setEdits({});
      toast.success(t("countsSaved", { count: res.updated }));
      await refresh();
    } catch (e) {
      const r = rowFieldErrors(e, "counts", entries, ([lineId]) => lineId);
      setRowErrors(r.errors);
      setFormError(r.message);
    }
  }

  async function addSkus() {
    const skus = skuText
      .split(/[\s,，;；]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (!skus.length) return;
    setFormError(null);
    try {
      const res = await addLines.mutateAsync({ id, skus });
      toast.success(t("added", { count: res.added }));
      setSkuText("");
      await refresh();
    } catch (e) {
      setFormError(appErrorOf(e).message);
    }
  }

  if (!st) return <Skeleton className="h-40 w-full" />;
  const s = st.stats;
  return (
    <div className="grid gap-4">
      <Card className="py-4">
        <CardContent className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
          <DocStatusBadge
            status={st.status}
            label={t(`stocktakeStatus.${st.status}`)}
            testId="stocktake-status"
          />
          <span>
            {t("warehouse")}: <b>{st.warehouseCode}</b> {st.warehouseName}
          </span>
          <span>{t("counted", { counted: s.counted, lines: s.lines })}</span>
          <span>
            {t("views.differences")}: <b>{s.differences}</b>
          </span>
          <span className="text-emerald-700">
            {t("gain")} {fmtQty(s.gain, scale)}
          </span>
          <span className="text-destructive">
            {t("loss")} {fmtQty(s.loss, scale)}
          </span>
          <span className="text-muted-foreground">
            {t("createdBy")}: {st.createdByName ?? t("system")} · {fmtTime(st.createdAt)}
          </span>
          {st.postedAt ? (
            <span className="text-muted-foreground">
              {t("postedAt")}: {fmtTime(st.postedAt)}
            </span>
          ) : null}
          {st.remark ? <span className="text-muted-foreground">{st.remark}</span> : null}
          <div className="flex-1" />
          {counting ? (
            <div className="flex gap-2">
              <ConfirmDialog
                trigger={
                  <Button variant="outline" size="sm">
                    <Ban />
                    {t("cancelStocktake")}
                  </Button>
                }
                title={t("cancelStocktake")}
                description={t("cancelStocktakeHelp")}
                onConfirm={async () => {
                  await cancel.mutateAsync({ id });
                  await refresh();
                }}
              />
              <ConfirmDialog
                trigger={
                  <Button size="sm" disabled={dirty > 0 || s.counted === 0} data-testid="stocktake-post">
                    <CheckCheck />
                    {t("post")}
                  </Button>
                }
                title={t("postTitle", { no: st.stocktakeNo })}
                description={t("postHelp", {
                  counted: s.counted,
                  differences: s.differences,
                  gain: fmtQty(s.gain, scale),
                  loss: fmtQty(s.loss, scale),
                })}
                destructive={false}
                confirmLabel={t("post")}
                onConfirm={async () => {
                  const res = await post.mutateAsync({ id });
                  toast.success(t("posted", { changed: res.changed }));
                  await refresh();
                }}
              />
            </div>
          ) : null}
        </CardContent>
      </Card>

      <FormAlert message={formError} />

      <div className="flex flex-wrap items-center gap-2">
        <Tabs value={view} onValueChange={(v) => setView(v as View)}>
          <TabsList>
            {VIEWS.map((v) => (
              <TabsTrigger key={v} value={v}>
                {t(`views.${v}`)}
              </TabsTrigger>
            ))}
          </TabsList>
        </Tabs>
        <Input
          className="w-56"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={t("searchPlaceholder")}
          aria-label={tc("search")}
        />
        <div className="flex-1" />
        {counting ? (
          <>
            {dirty ? <span className="text-sm text-amber-700">{t("unsaved", { count: dirty })}</span> : null}
            <Button
              size="sm"
              onClick={() => void saveCounts()}
              disabled={!dirty || save.isPending}
              data-testid="stocktake-save"
            >
              <Save />
              {t("saveCounts")}
            </Button>
          </>
        ) : null}
      </div>

      <div className="rounded-lg border" data-testid="stocktake-lines">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("sku")}</TableHead>
              <TableHead>{t("product")}</TableHead>
              <TableHead className="text-right">
                {st.status === "posted" ? t("systemQtyPosted") : t("systemQty")}
              </TableHead>
              <TableHead className="text-right">{t("reserved")}</TableHead>
              <TableHead className="w-40 text-right">{t("countedQty")}</TableHead>
              <TableHead className="text-right">{t("difference")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {(lines.data?.items ?? []).map((l) => {
              const edited = edits[l.id];
              const counted = edited ?? (l.countedQty === null ? "" : fmtQty(l.countedQty, scale));
              const typed = edited !== undefined ? tryDecimal(edited) : null;
              const diff = edited !== undefined ? (typed ? typed.minus(l.systemQty).toFixed() : null) : l.differenceQty;
              return (
                <TableRow key={l.id} data-sku={l.sku}>
                  <TableCell className="font-mono text-xs">{l.sku}</TableCell>
                  <TableCell>{l.productName}</TableCell>
                  <TableCell className="text-right tabular-nums">{fmtQty(l.systemQty, scale)}</TableCell>
                  <TableCell className="text-right text-muted-foreground tabular-nums">
                    {fmtQty(l.reserved, scale)}
                  </TableCell>
                  <TableCell className="text-right">
                    {counting ? (
                      <>
                        <Input
                          className={cn(
                            "h-8 text-right tabular-nums",
                            edited !== undefined && "border-amber-400",
                          )}
                          {...decimalInputProps(scale)}
                          value={counted}
                          aria-label={`${t("countedQty")} ${l.sku}`}
                          aria-invalid={!!rowErrors[l.id]}
                          onChange={(e) => setEdits((m) => ({ ...m, [l.id]: e.target.value }))}
                          data-testid={`count-${l.sku}`}
                        />
                        {rowErrors[l.id] ? (
                          <p role="alert" className="mt-1 text-left text-xs text-destructive">
                            {rowErrors[l.id]}
                          </p>
                        ) : null}
                      </>
                    ) : (
                      <span className="tabular-nums">{counted}</span>
                    )}
                  </TableCell>
                  <TableCell
                    className={cn(
                      "text-right tabular-nums",
                      signOf(diff) > 0 && "text-emerald-700",
                      signOf(diff) < 0 && "text-destructive",
                    )}
                  >
                    {diff === null ? "" : fmtDelta(diff, scale)}
                  </TableCell>
                </TableRow>
              );
            })}
            {lines.data && lines.data.items.length === 0 ? (
              <TableRow>
                <TableCell colSpan={6} className="h-16 text-center text-muted-foreground">
                  {tc("empty")}
                </TableCell>
              </TableRow>
            ) : null}
          </TableBody>
        </Table>
        <div className="flex items-center justify-between border-t px-3 py-2 text-sm text-muted-foreground">
          <span>
            {lines.data
              ? lines.data.total.capped
                ? tc("totalCapped", { count: lines.data.total.count })
                : tc("total", { count: lines.data.total.count })
              : null}
          </span>
          <div className="flex gap-1">
            <Button variant="ghost" size="sm" disabled={!pager.hasPrev} onClick={pager.prev}>
              {tc("prevPage")}
            </Button>
            <Button
              variant="ghost"
              size="sm"
              disabled={!lines.data?.nextCursor}
              onClick={() => pager.next(lines.data?.nextCursor)}
            >
              {tc("nextPage")}
            </Button>
          </div>
        </div>
      </div>

      {counting ? (
        <div className="grid max-w-xl gap-2">
          <label className="text-sm font-medium" htmlFor="add-skus">
            {t("addSkus")}
          </label>
          <Textarea
            id="add-skus"
            rows={2}
            value={skuText}
            onChange={(e) => setSkuText(e.target.value)}
            placeholder={t("addSkusHint")}
          />
          <div>
            <Button
              variant="outline"
              size="sm"
              onClick={() => void addSkus()}
              disabled={!skuText.trim() || addLines.isPending}
            >
              <Plus />
              {t("addSkus")}
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
