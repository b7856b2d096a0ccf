import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { InboundForm } from "@/components/inbound/inbound-form";
import { PageHeader } from "@/components/layout/page-header";
import { formatDecimal } from "@/lib/decimal";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getReceipt } from "@/server/services/inbound/receipts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function EditInboundPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { svc } = await requirePageContext();
  const data = await getReceipt(svc, id).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  if (data.receipt.status !== "draft" || !can(svc.role, "inbound.write")) redirect(`/inbound/${id}`);
  const [precision, t] = await Promise.all([getPrecision(svc.db, svc.orgId), getTranslations("inbound")]);
  const r = data.receipt;
  return (
    <>
      <PageHeader title={t("editReceipt", { no: r.receiptNo })} />
      <InboundForm
        scale={precision.quantityDecimals}
        initial={{
          id: r.id,
          receiptNo: r.receiptNo,
          warehouseId: r.warehouseId,
          supplier: r.supplier,
          reference: r.reference,
          expectedDate: r.expectedDate,
          remark: r.remark,
          lines: data.lines.map((l) => ({
            sku: l.sku,
            expectedQty: formatDecimal(l.expectedQty, precision.quantityDecimals),
            remark: l.remark,
          })),
        }}
      />
    </>
  );
}
