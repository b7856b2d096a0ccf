import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { InboundForm } from "@/components/inbound/inbound-form";
import { PageHeader } from "@/components/layout/page-header";
import { formatDecimal } from "@/lib/decimal";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getReceipt } from "@/server/services/inbound/receipts";

export default async function EditInboundPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const data = await loadOrNotFound(id, (id) => getReceipt(svc, id));
  if (data.receipt.status !== "draft" || !can(svc.role, "inbound.write")) redirect(`/inbound/${id}`);
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inbound")]);
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
