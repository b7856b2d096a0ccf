import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { InboundDetail } from "@/components/inbound/inbound-detail";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getReceipt } from "@/server/services/inbound/receipts";

export default async function InboundDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const data = await loadOrNotFound(id, (id) => getReceipt(svc, id));
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inbound")]);
  return (
    <>
      <PageHeader
        title={`${t("detail")} ${data.receipt.receiptNo}`}
        actions={
          <Link href="/inbound" className="text-sm text-primary hover:underline">
            {t("back")}
          </Link>
        }
      />
      <InboundDetail id={id} scale={precision.quantityDecimals} canWrite={can(svc.role, "inbound.write")} />
    </>
  );
}
