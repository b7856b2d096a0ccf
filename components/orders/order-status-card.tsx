import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { orderStatusCountsOf } from "@/server/services/orders/queries";
import { OrderStatusChart } from "./order-status-chart";

/** Home dashboard card: order counts by status (exact, from the per-status counters) as a chart. */
export async function OrderStatusCard({ counts }: { counts: Awaited<ReturnType<typeof orderStatusCountsOf>> }) {
  const t = await getTranslations("orders.dashboard");
  return (
    <Card data-testid="home-order-status">
      <CardHeader className="flex flex-row items-center justify-between gap-2">
        <CardTitle>{t("title")}</CardTitle>
        <Link href="/orders" className="text-sm text-primary hover:underline">
          {t("viewAll")}
        </Link>
      </CardHeader>
      <CardContent>
        <p className="mb-2 text-sm text-muted-foreground" data-testid="home-order-total">
          {t("total", { count: counts.all.toLocaleString() })}
        </p>
        <OrderStatusChart counts={counts} />
      </CardContent>
    </Card>
  );
}
