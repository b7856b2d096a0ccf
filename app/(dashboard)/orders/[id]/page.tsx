import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { OrderDetailView } from "@/components/orders/order-detail";
import { can } from "@/lib/permissions";
import { isUuid } from "@/lib/validators/common";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("orders");
  return { title: t("title") };
}

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { svc } = await requirePageContext();
  return <OrderDetailView orderId={id} canWrite={can(svc.role, "orders.write")} canApprove={can(svc.role, "orders.approve")} canReadFinance={can(svc.role, "finance.read")} canWriteFinance={can(svc.role, "finance.write")} />;
}
