import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { OutboundDetail } from "@/components/outbound/outbound-detail";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getOutbound } from "@/server/services/outbound/queries";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function OutboundDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { svc } = await requirePageContext();
  const data = await getOutbound(svc, id).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const [precision, t] = await Promise.all([getPrecision(svc.db, svc.orgId), getTranslations("outbound")]);
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
      <OutboundDetail id={id} scale={precision.quantityDecimals} canWrite={can(svc.role, "outbound.write")} />
    </>
  );
}
