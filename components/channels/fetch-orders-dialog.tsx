"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Field, FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Progress } from "@/components/ui/progress";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { AccountRow } from "./types";

const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/** 抓取订单: a time range, then a progress bar that follows the pull run until it finishes. */
export function FetchOrdersDialog({ account, onOpenChange, onDone }: { account: AccountRow | null; onOpenChange: (o: boolean) => void; onDone: () => void }) {
  const t = useTranslations("channels");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [from, setFrom] = useState(() => local(new Date(Date.now() - 3 * 24 * 3600_000)));
  const [to, setTo] = useState(() => local(new Date(Date.now() + 5 * 60_000)));
  const [runId, setRunId] = useState<string | null>(null);
  const [joined, setJoined] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const start = useMutation(
    trpc.channels.fetchOrders.mutationOptions({
      onSuccess: (r) => {
        setRunId(r.runId);
        setJoined(r.joined);
      },
      onError: (e) => {
        const err = appErrorOf(e);
        setFieldErrors(err.fieldErrors);
        setFormError(Object.keys(err.fieldErrors).length ? null : err.message);
      },
    }),
  );
  const run = useQuery({
    ...trpc.channels.pullRun.queryOptions({ id: runId ?? "00000000-0000-7000-8000-000000000000" }),
    enabled: !!runId,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 800 : false),
  });
  const r = run.data;
  const finished = r && r.status !== "running";
  useEffect(() => {
    if (finished) {
      onDone();
      void queryClient.invalidateQueries({ queryKey: trpc.platformOrders.counts.queryKey() });
    }
  }, [finished, onDone, queryClient, trpc]);

  const span = r ? new Date(r.windowTo).getTime() - new Date(r.windowFrom).getTime() : 1;
  const pct = r ? (r.status === "running" ? Math.min(99, Math.max(2, ((new Date(r.reachedAt ?? r.windowFrom).getTime() - new Date(r.windowFrom).getTime()) / span) * 100)) : 100) : 0;

  return (
    <Dialog open={!!account} onOpenChange={(o) => (start.isPending ? null : onOpenChange(o))}>
      <DialogContent data-testid="fetch-dialog">
        <DialogHeader>
          <DialogTitle>{t("fetchTitle", { alias: account?.alias ?? "" })}</DialogTitle>
          <DialogDescription>{t("fetchHelp")}</DialogDescription>
        </DialogHeader>
        <FormAlert message={formError} />
        {!runId ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("from")} htmlFor="fetch-from" error={fieldErrors.from}>
              <Input id="fetch-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
            </Field>
            <Field label={t("to")} htmlFor="fetch-to" error={fieldErrors.to}>
              <Input id="fetch-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
          </div>
        ) : (
          <div className="grid gap-2" data-testid="fetch-progress">
            {joined ? <p className="text-xs text-muted-foreground">{t("joinedRun")}</p> : null}
            <Progress value={pct} />
            {r ? (
              <p className="text-sm" data-testid="fetch-status" data-status={r.status}>
                {r.status === "running"
                  ? `${t("fetching")} ${t("progress", { pages: r.pages, fetched: r.fetched })}`
                  : r.status === "failed"
                    ? t("fetchFailed", { error: r.error ?? "" })
                    : t("fetchDone", { fetched: r.fetched, created: r.created, updated: r.updated, converted: r.converted, blocked: r.blocked })}
                {r.retries ? <span className="ml-2 text-xs text-muted-foreground">{t("retries", { count: r.retries })}</span> : null}
              </p>
            ) : null}
          </div>
        )}
        <DialogFooter>
          {!runId ? (
            <Button
              data-testid="fetch-start"
              disabled={start.isPending || !account}
              onClick={() => account && start.mutate({ id: account.id, from: new Date(from), to: new Date(to) })}
            >
              {t("start")}
            </Button>
          ) : (
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              {finished ? "OK" : t("fetching")}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
