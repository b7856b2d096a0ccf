import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ReturnDetail } from "@/components/returns/return-detail";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getReturn } from "@/server/services/returns/returns";

export default async function ReturnDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const data = await loadOrNotFound(id, (id) => getReturn(svc, id));
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("returns")]);
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
