import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { ProductStock } from "@/components/inventory/product-stock";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getProductStock } from "@/server/services/inventory/stock";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ProductStockPage({ params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  if (!UUID.test(productId)) notFound();
  const { svc } = await requirePageContext();
  const t = await getTranslations("inventory");
  const product = await getProductStock(svc, productId).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const precision = await getPrecision(svc.db, svc.orgId);
  return (
    <>
      <PageHeader title={t("productTitle", { sku: product.product.sku })} />
      <InventoryNav />
      <ProductStock
        productId={productId}
        scale={precision.quantityDecimals}
        canWrite={can(svc.role, "inventory.write")}
      />
    </>
  );
}
