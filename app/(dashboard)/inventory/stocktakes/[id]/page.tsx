import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { StocktakeDetail } from "@/components/inventory/stocktake-detail";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getStocktake } from "@/server/services/inventory/stocktake";

export default async function StocktakePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const st = await loadOrNotFound(id, (id) => getStocktake(svc, id));
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inventory")]);
  return (
    <>
      <PageHeader title={`${t("stocktakesTitle")} ${st.stocktakeNo}`} />
      <InventoryNav />
      <StocktakeDetail
        id={id}
        scale={precision.quantityDecimals}
        canWrite={can(svc.role, "inventory.write")}
      />
    </>
  );
}
