import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ReturnDetail } from "@/components/returns/return-detail";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getReturn } from "@/server/services/returns/returns";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ReturnDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { svc } = await requirePageContext();
  const data = await getReturn(svc, id).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const [precision, t] = await Promise.all([getPrecision(svc.db, svc.orgId), getTranslations("returns")]);
  return (
    <>
      <PageHeader
        title={`${t("returnNo")} ${data.return.returnNo}`}
        actions={
          <Link href="/returns" className="text-sm text-primary hover:underline">
            {t("back")}
          </Link>
        }
      />
      <ReturnDetail id={id} scale={precision.quantityDecimals} canWrite={can(svc.role, "returns.write")} />
    </>
  );
}
