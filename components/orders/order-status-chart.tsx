"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/orders/status";

const COLORS: Record<OrderStatus, string> = {
  pending: "#d97706",
  stock_up: "#0284c7",
  scheduled: "#6366f1",
  shipped: "#2563eb",
  completed: "#16a34a",
  closed: "#94a3b8",
  frozen: "#64748b",
  voided: "#dc2626",
};

/** Orders per status as bars; each bar (and its label) opens the list on that status tab. */
export function OrderStatusChart({ counts }: { counts: Record<OrderStatus | "all", number> }) {
  const t = useTranslations("orders.status");
  const data = ORDER_STATUSES.map((s) => ({ status: s, name: t(s), value: counts[s] }));
  return (
    <div data-testid="order-status-chart">
      <div style={{ height: 240 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ left: 0, right: 8, top: 16, bottom: 4 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" fontSize={11} interval={0} />
            <YAxis allowDecimals={false} fontSize={11} width={40} />
            <Tooltip formatter={(v) => [Number(v).toLocaleString(), ""]} />
            <Bar dataKey="value" isAnimationActive={false} radius={[4, 4, 0, 0]}>
              {data.map((d) => (
                <Cell key={d.status} fill={COLORS[d.status]} />
              ))}
              <LabelList dataKey="value" position="top" fontSize={11} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs">
        {data.map((d) => (
          <li key={d.status} data-status={d.status} data-count={d.value}>
            <Link href={`/orders?status=${d.status}`} className="inline-flex items-center gap-1 hover:underline">
              <span className="size-2 rounded-full" style={{ background: COLORS[d.status] }} />
              {d.name} <span className="tabular-nums text-muted-foreground">{d.value.toLocaleString()}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
