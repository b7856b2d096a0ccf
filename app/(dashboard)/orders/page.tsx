import { Plus } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { OrderList } from "@/components/orders/order-list";
import { Button } from "@/components/ui/button";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("orders");
  return { title: t("title") };
}

export default async function OrdersPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("orders")]);
  const canWrite = can(svc.role, "orders.write");
  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          canWrite ? (
            <Button asChild size="sm" data-testid="order-new">
              <Link href="/orders/new">
                <Plus />
                {t("newOrder")}
              </Link>
            </Button>
          ) : null
        }
      />
      <OrderList precision={precision} canWrite={canWrite} canApprove={can(svc.role, "orders.approve")} />
    </>
  );
}
