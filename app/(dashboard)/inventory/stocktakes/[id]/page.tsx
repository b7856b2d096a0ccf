import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { StocktakeDetail } from "@/components/inventory/stocktake-detail";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getStocktake } from "@/server/services/inventory/stocktake";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function StocktakePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { svc } = await requirePageContext();
  const st = await getStocktake(svc, id).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const [precision, t] = await Promise.all([getPrecision(svc.db, svc.orgId), getTranslations("inventory")]);
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
