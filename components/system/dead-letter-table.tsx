"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useFormatDateTime } from "@/lib/i18n/date-time";

export type DeadLetterRow = { id: string; topic: string; attempts: number; lastError: string | null; createdAt: Date | string; accountId?: string | null };

/**
 * Dead outbox events with a retry button each: 用户中心 → 系统状态 (all topics) and the channel accounts
 * page (ship-backs and stock pushes, with their shop). The rows and the retry come from the system
 * status service (listDeadLetters / retryDeadLetter) through whichever router the page may use.
 */
export function DeadLetterTable({
  rows,
  onRetry,
  retrying,
  shopOf,
}: {
  rows: DeadLetterRow[];
  /** Absent: no retry button (the viewer may not retry). */
  onRetry?: (id: string) => void;
  retrying?: boolean;
  /** Adds a shop column (the accounts page). */
  shopOf?: (accountId: string | null | undefined) => string;
}) {
  const t = useTranslations("account");
  const fmt = useFormatDateTime();
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{t("systemNoDead")}</p>;
  return (
    <Table data-testid="dead-letters">
      <TableHeader>
        <TableRow>
          <TableHead>{t("systemTopic")}</TableHead>
          {shopOf ? <TableHead>{t("systemAccount")}</TableHead> : null}
          <TableHead className="text-right">{t("systemAttempts")}</TableHead>
          <TableHead>{t("systemLastError")}</TableHead>
          <TableHead>{t("systemCreated")}</TableHead>
          <TableHead />
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((d) => (
          <TableRow key={d.id}>
            <TableCell className="font-mono text-xs">{d.topic}</TableCell>
            {shopOf ? <TableCell>{shopOf(d.accountId)}</TableCell> : null}
            <TableCell className="text-right tabular-nums">{d.attempts}</TableCell>
            <TableCell className="max-w-96 truncate text-muted-foreground" title={d.lastError ?? undefined}>
              {d.lastError ?? ""}
            </TableCell>
            <TableCell>{fmt(d.createdAt)}</TableCell>
            <TableCell className="text-right">
              {onRetry ? (
                <Button size="sm" variant="outline" disabled={retrying} onClick={() => onRetry(d.id)}>
                  {t("systemRetry")}
                </Button>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
