import { Boxes, Truck, Users, Warehouse } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { CappedCount } from "@/server/services/_lib/keyset";
import type { masterDataOverview } from "@/server/services/catalog/overview";

/** 基础资料 at a glance: products (enabled share), customers, warehouses, delivery methods. */
export async function MasterDataCard({ o }: { o: Awaited<ReturnType<typeof masterDataOverview>> }) {
  const t = await getTranslations("dashboard");
  const n = (c: CappedCount) => (c.capped ? t("moreThan", { count: c.count.toLocaleString() }) : c.count.toLocaleString());
  const enabledShare = o.products.total.count ? Math.round((o.products.enabled.count / o.products.total.count) * 100) : 0;
  const disabled = Math.max(0, o.products.total.count - o.products.enabled.count);
  return (
    <Card data-testid="home-master-data">
      <CardHeader>
        <CardTitle>{t("masterDataCard")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4 sm:grid-cols-2">
        <Stat icon={Boxes} label={t("products")} value={n(o.products.total)} href="/master-data/products" testId="home-products-count">
          <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-muted" aria-hidden>
            <div className="h-full rounded-full bg-chart-2" style={{ width: `${enabledShare}%` }} />
          </div>
          <p className="mt-1 text-xs text-muted-foreground">{t("productsEnabled", { enabled: o.products.enabled.count, disabled })}</p>
        </Stat>
        <Stat icon={Users} label={t("customers")} value={n(o.customers.total)} href="/master-data/customers" testId="home-customers-count" />
        <Stat icon={Warehouse} label={t("warehouses")} value={String(o.warehouses.total)} href="/master-data/warehouses" testId="home-warehouses-count">
          <p className="mt-1 text-xs text-muted-foreground">
            {o.warehouses.defaultName ? t("warehousesDetail", { enabled: o.warehouses.enabled, name: o.warehouses.defaultName }) : t("noDefaultWarehouse")}
          </p>
        </Stat>
        <Stat icon={Truck} label={t("deliveryMethods")} value={n(o.deliveryMethods.enabled)} href="/master-data/delivery-methods" />
      </CardContent>
    </Card>
  );
}

function Stat({
  icon: Icon,
  label,
  value,
  href,
  testId,
  children,
}: {
  icon: React.ComponentType<{ className?: string }>;
  label: string;
  value: string;
  href: string;
  testId?: string;
  children?: React.ReactNode;
}) {
  return (
    <Link href={href} className="rounded-lg border p-3 transition-colors hover:bg-muted/50">
      <div className="flex items-center gap-2 text-sm text-muted-foreground">
        <Icon className="size-4" />
        {label}
      </div>
      <div className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
      {children}
    </Link>
  );
}
