import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { OutboundDetail } from "@/components/outbound/outbound-detail";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { reportingCurrency } from "@/server/services/finance/settings";
import { getOutbound } from "@/server/services/outbound/queries";

export default async function OutboundDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const data = await loadOrNotFound(id, (id) => getOutbound(svc, id));
  const canFreight = can(svc.role, "finance.write");
  const [precision, t, currency] = await Promise.all([getPrecision(svc), getTranslations("outbound"), canFreight ? reportingCurrency(svc) : null]);
  return (
    <>
      <PageHeader
        title={`${t("outboundNo")} ${data.outbound.outboundNo}`}
        actions={
          <Link href="/outbound" className="text-sm text-primary hover:underline">
            {t("title")}
          </Link>
        }
      />
      <OutboundDetail
        id={id}
        scale={precision.quantityDecimals}
        canWrite={can(svc.role, "outbound.write")}
        // Freight is a cost: only finance staff enter it with the shipment (the service holds the same line).
        freightCurrency={currency}
      />
    </>
  );
}
