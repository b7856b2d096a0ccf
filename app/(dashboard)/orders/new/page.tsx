import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { orderFormOptions } from "@/server/services/orders/form-options";
import { OrderForm } from "@/components/orders/order-form";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("orders");
  return { title: t("newOrder") };
}

export default async function NewOrderPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "orders.write")) redirect("/orders");
  const [options, t] = await Promise.all([orderFormOptions(svc), getTranslations("orders")]);
  return (
    <>
      <PageHeader title={t("newOrder")} />
      <OrderForm options={options} canApprove={can(svc.role, "orders.approve")} />
    </>
  );
}
