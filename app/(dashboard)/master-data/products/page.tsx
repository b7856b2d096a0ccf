import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ProductList } from "@/components/master-data/products/product-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("masterData");
  return { title: t("productsTitle") };
}

export default async function ProductsPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("masterData")]);
  return (
    <>
      <PageHeader title={t("productsTitle")} description={t("productsHelp")} />
      <ProductList precision={precision} canWrite={can(svc.role, "catalog.write")} canEditPrice={can(svc.role, "prices.write")} />
    </>
  );
}
