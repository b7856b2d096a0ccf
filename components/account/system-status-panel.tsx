"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { DeadLetterTable } from "@/components/system/dead-letter-table";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import { useTRPC } from "@/lib/trpc/react";

/** 用户中心 → 系统状态: the numbers of /api/metrics for this merchant, refreshed every 15 s. */
export function SystemStatusPanel() {
  const t = useTranslations("account");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const fmt = useFormatDateTime();
  const q = useQuery({ ...trpc.system.status.queryOptions(), refetchInterval: 15_000 });
  const retry = useMutation(
    trpc.system.retryDeadLetter.mutationOptions({
      onSuccess: () => {
        toast.success(t("systemRetried"));
        void qc.invalidateQueries({ queryKey: trpc.system.status.queryKey() });
      },
      onError: (e) => toast.error(e.message),
    }),
  );
  if (!q.data) return q.error ? <p className="text-sm text-destructive">{q.error.message}</p> : <Skeleton className="h-64 w-full" />;
  const { status, deadLetters } = q.data;
  return (
    <div className="grid gap-4">
      <p className="text-sm text-muted-foreground">{t("systemHelp")}</p>
      <Card>
        <CardHeader>
          <CardTitle>{t("systemOutbox")}</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-wrap gap-6 text-sm">
          <span>
            {t("systemPending")}: <b>{status.outbox.pending}</b>
          </span>
          <span>
            {t("systemProcessing")}: <b>{status.outbox.processing}</b>
          </span>
          <span>
            {t("systemDead")}: <b className={status.outbox.dead ? "text-destructive" : undefined}>{status.outbox.dead}</b>
          </span>
          <span>
            {t("systemOldestPending")}: <b>{status.outbox.oldestPendingSeconds}</b>
          </span>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("systemPulls")}</CardTitle>
        </CardHeader>
        <CardContent>
          {status.accounts.length === 0 ? (
            <p className="text-sm text-muted-foreground">{t("systemNoAccounts")}</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("systemAccount")}</TableHead>
                  <TableHead>{t("systemLastPull")}</TableHead>
                  <TableHead>{t("systemLastSuccess")}</TableHead>
                  <TableHead className="text-right">{t("systemLag")}</TableHead>
                  <TableHead className="text-right">{t("systemFailures")}</TableHead>
                  <TableHead>{t("systemLastError")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {status.accounts.map((a) => (
                  <TableRow key={a.accountId}>
                    <TableCell>
                      {a.alias} <span className="text-muted-foreground">({a.platform})</span>
                    </TableCell>
                    <TableCell>{fmt(a.lastPullAt)}</TableCell>
                    <TableCell>{fmt(a.lastSuccessAt)}</TableCell>
                    <TableCell className="text-right tabular-nums">{a.pullLagSeconds ?? "—"}</TableCell>
                    <TableCell className="text-right">{a.consecutiveFailures ? <Badge variant="destructive">{a.consecutiveFailures}</Badge> : 0}</TableCell>
                    <TableCell className="max-w-80 truncate text-muted-foreground" title={a.lastError ?? undefined}>
                      {a.lastError ?? ""}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("systemQueues")}</CardTitle>
        </CardHeader>
        <CardContent>
          {status.queues.length === 0 ? (
            <p className="text-sm text-muted-foreground">{t("systemNoJobs")}</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("systemQueue")}</TableHead>
                  <TableHead className="text-right">{t("systemQueued")}</TableHead>
                  <TableHead className="text-right">{t("systemActive")}</TableHead>
                  <TableHead className="text-right">{t("systemFailed")}</TableHead>
                  <TableHead className="text-right">{t("systemOldest")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {status.queues.map((x) => (
                  <TableRow key={x.queue}>
                    <TableCell className="font-mono text-xs">{x.queue}</TableCell>
                    <TableCell className="text-right tabular-nums">{x.queued}</TableCell>
                    <TableCell className="text-right tabular-nums">{x.active}</TableCell>
                    <TableCell className="text-right tabular-nums">{x.failed}</TableCell>
                    <TableCell className="text-right tabular-nums">{x.oldestQueuedSeconds}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("systemDeadLetters")}</CardTitle>
          <CardDescription>{t("systemDeadHelp")}</CardDescription>
        </CardHeader>
        <CardContent>
          <DeadLetterTable rows={deadLetters} onRetry={(id) => retry.mutate({ id })} retrying={retry.isPending} />
        </CardContent>
      </Card>
    </div>
  );
}
