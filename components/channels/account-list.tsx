"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, Plus, XCircle } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { DeadLetterTable } from "@/components/system/dead-letter-table";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { cn } from "@/lib/utils";
import { AccountFormDialog } from "./account-form-dialog";
import { FetchOrdersDialog } from "./fetch-orders-dialog";
import { Notes } from "./notes";
import type { AccountRow } from "./types";
import { pullSummaryText, settlementPullSummaryText } from "@/lib/channels/describe";
import { useFormatDateTime } from "@/lib/i18n/date-time";
import { useTranslate } from "@/lib/i18n/use-translate";

const STATUS_VARIANT = { unauthorized: "outline", enabled: "success", stopped: "secondary", token_expired: "warning", revoked: "destructive" } as const;
const RESULT_VARIANT = { running: "info", ok: "success", partial: "warning", failed: "destructive" } as const;


/** 平台账号管理: platform tabs (only implemented platforms), accounts with every action of 001/003. */
export function AccountList({
  canManage,
  canOperate,
  canPullSettlements = false,
  simulatorUrl,
}: {
  canManage: boolean;
  canOperate: boolean;
  /** finance.write: the 拉取结算 action (settlements are finance data). */
  canPullSettlements?: boolean;
  simulatorUrl: string | null;
}) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations("channels");
  const tErr = useTranslations("errors");
  const tr = useTranslate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const [platform, setPlatform] = useState<string>("all");
  const [editing, setEditing] = useState<AccountRow | "new" | null>(null);
  const [fetching, setFetching] = useState<AccountRow | null>(null);

  const platforms = useQuery(trpc.channels.platforms.queryOptions());
  const list = useQuery({
    ...trpc.channels.list.queryOptions(platform === "all" ? {} : { platform: platform as "shopify" }),
    refetchInterval: (q) => (q.state.data?.some((a) => a.lastPullResult === "running" || a.lastSettlementPullResult === "running") ? 2000 : 15000),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey() });
  const onError = (e: unknown) => toast.error(appErrorOf(e).message);
  const setPulling = useMutation(trpc.channels.setPulling.mutationOptions({ onSuccess: invalidate, onError }));
  const setImport = useMutation(trpc.channels.setImportEnabled.mutationOptions({ onSuccess: invalidate, onError }));
  const revoke = useMutation(trpc.channels.revoke.mutationOptions({ onSuccess: invalidate, onError }));
  const tSettle = useTranslations("settlements");
  const pullSettlements = useMutation(
    trpc.finance.settlements.pull.mutationOptions({
      onSuccess: (r) => {
        toast.success(r.joined ? tSettle("pullJoined") : tSettle("pullStarted"));
        void invalidate();
      },
      onError,
    }),
  );
  const deadLetters = useQuery({ ...trpc.channels.deadLetters.queryOptions(), refetchInterval: 15000 });
  const retryDead = useMutation(
    trpc.channels.retryDeadLetter.mutationOptions({
      onSuccess: () => {
        toast.success(t("deadLetterRetried"));
        void queryClient.invalidateQueries({ queryKey: trpc.channels.deadLetters.queryKey() });
      },
      onError,
    }),
  );
  const verify = useMutation(
    trpc.channels.verify.mutationOptions({
      onSuccess: (r) => {
        if (r.ok) toast.success(t("verifySuccess", { shop: r.shopName ?? "" }));
        else toast.error(t("verifyFailed", { error: r.error }));
        void invalidate();
      },
      onError,
    }),
  );

  // The OAuth callback sends the browser back here with the outcome.
  const auth = params.get("auth");
  const reason = params.get("reason") ?? "";
  const reasonText = tErr.has(reason as never) ? tErr(reason as never) : reason;
  const dismiss = () => router.replace("/channels", { scroll: false });

  const implemented = platforms.data?.implemented ?? [];
  const authorizeHref = (a: AccountRow) => `/api/oauth/${a.platform}/start?accountId=${a.id}`;

  return (
    <div className="grid gap-4">
      {auth === "ok" ? (
        <div role="status" data-testid="auth-result" className="flex items-center gap-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          <CheckCircle2 className="size-4" />
          <span>{t("authOk", { shop: params.get("shop") ?? "" })}</span>
          {params.get("warning") ? <span className="text-amber-700">{t("authWarning", { warning: params.get("warning") ?? "" })}</span> : null}
          <Button variant="ghost" size="sm" className="ml-auto" onClick={dismiss}>
            ×
          </Button>
        </div>
      ) : auth === "error" ? (
        <div role="alert" data-testid="auth-result" className="flex items-center gap-2 rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          <XCircle className="size-4" />
          <span>{t("authError", { reason: reasonText })}</span>
          <Button variant="ghost" size="sm" className="ml-auto" onClick={dismiss}>
            ×
          </Button>
        </div>
      ) : null}

      <div className="flex flex-wrap items-center gap-2">
        <div className="flex flex-wrap gap-1 rounded-lg bg-muted p-1" role="tablist" aria-label={t("col.platform")}>
          {["all", ...implemented].map((p) => (
            <button
              key={p}
              role="tab"
              aria-selected={platform === p}
              className={cn("rounded-md px-3 py-1 text-sm", platform === p ? "bg-background font-medium shadow-sm" : "text-muted-foreground hover:text-foreground")}
              onClick={() => setPlatform(p)}
            >
              {t(`platforms.${p}` as "platforms.all")}
            </button>
          ))}
        </div>
        <div className="flex-1" />
        {canManage ? (
          <Button size="sm" onClick={() => setEditing("new")} data-testid="account-new">
            <Plus />
            {t("newAccount")}
          </Button>
        ) : null}
      </div>

      <div className="overflow-x-auto rounded-lg border bg-background">
        <Table data-testid="accounts-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("col.platform")}</TableHead>
              <TableHead>{t("col.alias")}</TableHead>
              <TableHead>{t("col.status")}</TableHead>
              <TableHead>{t("col.tokenExpiry")}</TableHead>
              <TableHead>{t("col.authorizedAt")}</TableHead>
              <TableHead>{t("col.pullType")}</TableHead>
              <TableHead>{t("col.lastPull")}</TableHead>
              <TableHead>{t("col.importEnabled")}</TableHead>
              <TableHead>{t("col.actions")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data?.length === 0 ? (
              <TableRow>
                <TableCell colSpan={9} className="h-20 text-center text-muted-foreground">
                  {t("noAccounts")}
                </TableCell>
              </TableRow>
            ) : null}
            {list.data?.map((a) => {
              const needsAuth = a.status === "unauthorized" || a.status === "token_expired" || a.status === "revoked";
              return (
                <TableRow key={a.id} data-testid={`account-row-${a.alias}`}>
                  <TableCell className="font-medium">{t(`platforms.${a.platform}` as "platforms.all")}</TableCell>
                  <TableCell>
                    <div className="font-medium">{a.alias}</div>
                    <div className="text-xs text-muted-foreground">{a.shopName ?? a.externalShopId ?? (typeof a.settings.shopDomain === "string" ? a.settings.shopDomain : "")}</div>
                  </TableCell>
                  <TableCell>
                    <Badge variant={STATUS_VARIANT[a.status]} data-testid="account-status">
                      {t(`accountStatus.${a.status}`)}
                    </Badge>
                    {a.lastError ? <div className="mt-1 max-w-56 text-xs break-words text-destructive">{a.lastError}</div> : null}
                  </TableCell>
                  <TableCell className="text-xs whitespace-nowrap">{fmtTime(a.accessTokenExpiresAt) || "—"}</TableCell>
                  <TableCell className="text-xs whitespace-nowrap">{fmtTime(a.authorizedAt) || "—"}</TableCell>
                  <TableCell className="text-xs whitespace-nowrap">
                    {t(`pullMode.${a.pullMode}`)}
                    {a.pullMode === "auto" ? <div className="text-muted-foreground">{t("every", { minutes: a.pullIntervalMinutes })}</div> : null}
                  </TableCell>
                  <TableCell className="text-xs">
                    <div className="whitespace-nowrap">{fmtTime(a.lastPullAt) || "—"}</div>
                    {a.lastPullResult ? (
                      <Badge variant={RESULT_VARIANT[a.lastPullResult]} className="mt-1" data-testid="pull-result">
                        {t(`pullResult.${a.lastPullResult}`)}
                      </Badge>
                    ) : null}
                    {a.lastPullSummary ? (
                      <div className="mt-1 max-w-56 text-muted-foreground" data-testid="pull-summary">
                        {pullSummaryText(tr, a.lastPullSummary)}
                      </div>
                    ) : null}
                    {a.lastSettlementPullAt || a.lastSettlementPullResult === "running" ? (
                      <div className="mt-1 max-w-56 text-muted-foreground" data-testid="settlement-pull-summary">
                        {tSettle("lastPull")}: {fmtTime(a.lastSettlementPullAt) || "—"}{" "}
                        {a.lastSettlementPullResult ? t(`pullResult.${a.lastSettlementPullResult}`) : ""}
                        {a.lastSettlementPullSummary ? ` · ${settlementPullSummaryText(tr, a.lastSettlementPullSummary)}` : ""}
                      </div>
                    ) : null}
                    {a.backingOff ? (
                      <div className="mt-1 max-w-56 font-medium text-destructive" data-testid="pull-backoff">
                        {a.pullMode === "auto" && a.nextPullAt
                          ? t("pullBackoff", { failures: a.pullFailures, next: fmtTime(a.nextPullAt) })
                          : t("pullFailing", { failures: a.pullFailures })}
                      </div>
                    ) : null}
                  </TableCell>
                  <TableCell>
                    <div className="flex items-center gap-2 text-xs" title={t("importHelp")}>
                      <Switch
                        checked={a.importEnabled}
                        disabled={!canManage || setImport.isPending}
                        onCheckedChange={(v) => setImport.mutate({ id: a.id, enabled: v })}
                        aria-label={`${t("col.importEnabled")} ${a.alias}`}
                      />
                      {a.importEnabled ? t("importOn") : t("importOff")}
                    </div>
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-wrap gap-1">
                      {canManage ? (
                        <Button asChild size="sm" variant={needsAuth ? "default" : "outline"} data-testid="account-authorize">
                          <a href={authorizeHref(a)}>{a.status === "unauthorized" ? t("authorize") : needsAuth ? t("reauthorize") : t("authorize")}</a>
                        </Button>
                      ) : null}
                      {canManage ? (
                        <Button size="sm" variant="outline" onClick={() => setEditing(a)}>
                          {t("modify")}
                        </Button>
                      ) : null}
                      {canOperate && a.hasToken && (a.status === "enabled" || a.status === "stopped") ? (
                        <>
                          <Button size="sm" variant="outline" onClick={() => setFetching(a)} data-testid="account-fetch">
                            {t("fetchOrders")}
                          </Button>
                          <Button size="sm" variant="ghost" disabled={verify.isPending} onClick={() => verify.mutate({ id: a.id })}>
                            {t("verify")}
                          </Button>
                        </>
                      ) : null}
                      {canPullSettlements && a.hasToken && (a.status === "enabled" || a.status === "stopped") ? (
                        <Button size="sm" variant="outline" disabled={pullSettlements.isPending} onClick={() => pullSettlements.mutate({ id: a.id })} data-testid="account-pull-settlements">
                          {tSettle("pull")}
                        </Button>
                      ) : null}
                      {canManage && a.status === "enabled" ? (
                        <Button size="sm" variant="ghost" onClick={() => setPulling.mutate({ id: a.id, enabled: false })}>
                          {t("stopPulling")}
                        </Button>
                      ) : null}
                      {canManage && a.status === "stopped" ? (
                        <Button size="sm" variant="ghost" onClick={() => setPulling.mutate({ id: a.id, enabled: true })}>
                          {t("resumePulling")}
                        </Button>
                      ) : null}
                      {canManage && a.hasToken ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="text-destructive"
                          onClick={() => window.confirm(t("revokeConfirm", { alias: a.alias })) && revoke.mutate({ id: a.id })}
                        >
                          {t("revoke")}
                        </Button>
                      ) : null}
                    </div>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      {list.error ? <p className="text-sm text-destructive">{appErrorOf(list.error).message}</p> : null}
      <Card>
        <CardHeader>
          <CardTitle>{t("deadLettersTitle")}</CardTitle>
          <CardDescription>{t("deadLettersHelp")}</CardDescription>
        </CardHeader>
        <CardContent>
          <DeadLetterTable
            rows={deadLetters.data ?? []}
            onRetry={canOperate ? (id) => retryDead.mutate({ id }) : undefined}
            retrying={retryDead.isPending}
            shopOf={(id) => list.data?.find((a) => a.id === id)?.alias ?? ""}
          />
        </CardContent>
      </Card>
      <Notes title={t("notes")} items={[t("accountNotes.n1"), t("accountNotes.n2"), t("accountNotes.n3"), t("accountNotes.n4")]} />
      <AccountFormDialog
        account={editing === "new" ? null : editing}
        open={editing !== null}
        onOpenChange={(o) => !o && setEditing(null)}
        platforms={implemented}
        simulatorUrl={platforms.data?.simulatorsAllowed ? simulatorUrl : null}
      />
      <FetchOrdersDialog key={fetching?.id ?? "none"} account={fetching} onOpenChange={(o) => !o && setFetching(null)} onDone={() => void invalidate()} />
    </div>
  );
}
