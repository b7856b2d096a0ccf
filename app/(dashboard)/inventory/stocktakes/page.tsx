import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { StocktakeList } from "@/components/inventory/stocktake-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("inventory");
  return { title: t("stocktakesTitle") };
}

export default async function StocktakesPage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("inventory");
  return (
    <>
      <PageHeader title={t("title")} description={t("stocktakesHelp")} />
      <InventoryNav />
      <StocktakeList canWrite={can(svc.role, "inventory.write")} />
    </>
  );
}
