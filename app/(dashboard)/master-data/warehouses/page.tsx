import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { WarehouseList } from "@/components/master-data/warehouses/warehouse-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("masterData");
  return { title: t("warehousesTitle") };
}

export default async function WarehousesPage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("masterData");
  return (
    <>
      <PageHeader title={t("warehousesTitle")} description={t("warehousesHelp")} />
      <WarehouseList canWrite={can(svc.role, "warehouses.write")} />
    </>
  );
}
