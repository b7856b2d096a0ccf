import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { StockList } from "@/components/inventory/stock-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("inventory");
  return { title: t("title") };
}

export default async function InventoryPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inventory")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("help")} />
      <InventoryNav />
      <StockList scale={precision.quantityDecimals} canWrite={can(svc.role, "inventory.write")} />
    </>
  );
}
