import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { ProductStock } from "@/components/inventory/product-stock";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getProductStock } from "@/server/services/inventory/stock";

export default async function ProductStockPage({ params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  const { svc } = await requirePageContext();
  const t = await getTranslations("inventory");
  const product = await loadOrNotFound(productId, (id) => getProductStock(svc, id));
  const precision = await getPrecision(svc);
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
