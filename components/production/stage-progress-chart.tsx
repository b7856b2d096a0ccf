"use client";

import { useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type StageBar = { code: string; name: string; percent: string; mapped: boolean; good: string; defective: string };

/**
 * Progress per standard stage as horizontal bars (0–100 %). Unmapped stages are drawn grey so a gap in
 * the mapping is visible at a glance. Values are the server's decimal strings, drawn as numbers only.
 */
export function StageProgressChart({ stages, height }: { stages: StageBar[]; height?: number }) {
  const t = useTranslations("production");
  const data = stages.map((s) => ({ ...s, value: Number(s.percent), label: s.mapped ? `${s.percent}%` : t("unmapped") }));
  return (
    <div style={{ height: height ?? Math.max(160, stages.length * 34 + 40) }} data-testid="stage-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 48, top: 4, bottom: 4 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} fontSize={11} />
          <YAxis type="category" dataKey="name" width={72} fontSize={12} />
          <Tooltip
            formatter={(_v, _n, item) => {
              const p = item.payload as (typeof data)[number];
              return [`${p.percent}% · ${t("good")} ${p.good} · ${t("defective")} ${p.defective}`, p.name];
            }}
          />
          <Bar dataKey="value" isAnimationActive={false} radius={[0, 4, 4, 0]} fill="#2563eb" background={{ fill: "#f1f5f9" }}>
            {data.map((d) => (
              <Cell key={d.code} fill={!d.mapped ? "#cbd5e1" : d.value >= 100 ? "#16a34a" : "#2563eb"} />
            ))}
            <LabelList dataKey="label" position="right" fontSize={11} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <ul className="sr-only" data-testid="stage-values">
        {stages.map((s) => (
          <li key={s.code} data-stage={s.code} data-percent={s.percent}>
            {s.name}: {s.mapped ? `${s.percent}%` : t("unmapped")}
          </li>
        ))}
      </ul>
    </div>
  );
}
