import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { InboundDetail } from "@/components/inbound/inbound-detail";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getReceipt } from "@/server/services/inbound/receipts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function InboundDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { svc } = await requirePageContext();
  const data = await getReceipt(svc, id).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const [precision, t] = await Promise.all([getPrecision(svc.db, svc.orgId), getTranslations("inbound")]);
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
