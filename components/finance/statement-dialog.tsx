"use client";

import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/react";

/** 对账单: a customer's receivable orders (paid, open, age) and payments (voided ones marked), with the CSV/XLSX export. */
export function StatementDialog({ customer, onOpenChange }: { customer: { id: string; clientNum: string; companyName: string } | null; onOpenChange: (o: boolean) => void }) {
  const t = useTranslations("finance.receivables");
  const tAll = useTranslations();
  const trpc = useTRPC();
  const st = useQuery({ ...trpc.finance.receivables.statement.queryOptions({ customerId: customer?.id ?? "" }), enabled: !!customer });
  if (!customer) return null;
  const href = (format: "csv" | "xlsx") => `/api/finance/customer-statement?${new URLSearchParams({ customerId: customer.id, format })}`;
  const s = st.data;
  return (
    <Dialog open={!!customer} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-4xl" data-testid="statement-dialog">
        <DialogHeader>
          <DialogTitle>{t("statementTitle", { clientNum: customer.clientNum, companyName: customer.companyName })}</DialogTitle>
        </DialogHeader>
        <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
          {s ? (
            <span className="tabular-nums">
              {t("col.ordered")} {s.ordered} · {t("col.paid")} {s.paid} · {t("col.open")} <strong>{s.open}</strong> {s.currency}
            </span>
          ) : (
            <span />
          )}
          <div className="flex gap-2">
            {(["xlsx", "csv"] as const).map((fmt) => (
              <Button key={fmt} variant="outline" size="sm" asChild>
                <a href={href(fmt)} download>
                  <Download />
                  {t("export")} {fmt.toUpperCase()}
                </a>
              </Button>
            ))}
          </div>
        </div>
        <h3 className="mt-2 text-sm font-medium">{t("statementOrders")}</h3>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("orderNo")}</TableHead>
              <TableHead>{t("day")}</TableHead>
              <TableHead>{t("status")}</TableHead>
              <TableHead className="text-right">{t("col.ordered")}</TableHead>
              <TableHead className="text-right">{t("col.paid")}</TableHead>
              <TableHead className="text-right">{t("col.open")}</TableHead>
              <TableHead className="text-right">{t("age")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {(s?.orders ?? []).map((o) => (
              <TableRow key={o.id}>
                <TableCell className="font-mono text-xs">
                  <Link className="text-primary hover:underline" href={`/orders/${o.id}`}>
                    {o.orderNo}
                  </Link>
                </TableCell>
                <TableCell>{o.day}</TableCell>
                <TableCell>{tAll(`orders.status.${o.status as "pending"}`)}</TableCell>
                <TableCell className="text-right tabular-nums">{o.total}</TableCell>
                <TableCell className="text-right tabular-nums">{o.paid}</TableCell>
                <TableCell className="text-right tabular-nums">{o.open}</TableCell>
                <TableCell className="text-right tabular-nums">{o.age}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <h3 className="mt-2 text-sm font-medium">{t("statementPayments")}</h3>
        {s && s.payments.length === 0 ? <p className="text-sm text-muted-foreground">{t("noPayments")}</p> : null}
        {s && s.payments.length ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("paidOn")}</TableHead>
                <TableHead>{t("orderNo")}</TableHead>
                <TableHead>{tAll("fields.method")}</TableHead>
                <TableHead className="text-right">{t("amount")}</TableHead>
                <TableHead>{t("note")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.payments.map((p) => (
                <TableRow key={p.id} className={p.voided ? "text-muted-foreground line-through" : undefined}>
                  <TableCell>{p.paidOn}</TableCell>
                  <TableCell className="font-mono text-xs">{p.orderNo}</TableCell>
                  <TableCell>{t(`method.${p.method as "cash"}`)}</TableCell>
                  <TableCell className="text-right tabular-nums">{p.amount}</TableCell>
                  <TableCell>
                    {p.note}
                    {p.voided ? <span className="ml-1 no-underline">{t("voidReason", { reason: p.voidReason ?? "" })}</span> : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}
