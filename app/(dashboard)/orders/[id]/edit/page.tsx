import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { orderFormOptions } from "@/server/services/orders/form-options";
import { OrderForm, type OrderFormValues } from "@/components/orders/order-form";
import { formatDecimal } from "@/lib/decimal";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getCustomerByNum } from "@/server/services/catalog/customers";
import { getOrderDetail } from "@/server/services/orders/queries";

export async function generateMetadata() {
  const t = await getTranslations("orders");
  return { title: t("editOrder") };
}

/** Edit a pending order with the same form as a new one; other statuses go back to the order page. */
export default async function EditOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  if (!can(svc.role, "orders.write")) redirect(`/orders/${id}`);
  const order = await loadOrNotFound(id, (id) => getOrderDetail(svc, id));
  if (order.status !== "pending") redirect(`/orders/${id}`);
  const [options, customer, t] = await Promise.all([
    orderFormOptions(svc),
    order.clientNum ? getCustomerByNum(svc, order.clientNum) : null,
    getTranslations("orders"),
  ]);
  const p = order.precision;
  const opt = (v: string | null, scale: number) => (v === null ? "" : formatDecimal(v, scale));
  const initial: OrderFormValues = {
    clientNum: order.clientNum ?? "",
    buyerCompany: order.buyerCompany,
    addressMode: order.addressId && customer ? "pick" : "type",
    addressId: order.addressId,
    address: {
      recipientName: order.recipientName,
      recipientPhone: order.recipientPhone,
      country: order.country || "CN",
      province: order.province,
      city: order.city,
      district: order.district,
      street: order.street,
      postcode: order.postcode,
    },
    deliveryMethod: order.deliveryMethod,
    warehouseId: order.warehouseId ?? "",
    deliveryDate: order.deliveryDate ?? "",
    freight: formatDecimal(order.freight, p.amountDecimals),
    discountTotal: order.specialPrice ? formatDecimal(order.discountTotal, p.amountDecimals) : "",
    remark: order.remark,
    agreementType: order.agreementType ?? "",
    agreedTotalQty: opt(order.agreedTotalQty, p.quantityDecimals),
    processingType: order.processingType ?? "",
    agreedTotalAmount: opt(order.agreedTotalAmount, p.amountDecimals),
    lines: order.lines.map((l) => ({
      sku: l.sku,
      name: l.productName,
      unit: l.unit,
      quantity: formatDecimal(l.quantity, p.quantityDecimals),
      unitPrice: formatDecimal(l.unitPrice, p.priceDecimals),
      lineType: l.lineType,
      remark: l.remark,
    })),
    approveNow: false,
  };
  return (
    <>
      <PageHeader title={`${t("editOrder")} ${order.orderNo}`} />
      <OrderForm
        options={options}
        canApprove={false}
        initial={initial}
        initialCustomer={customer ? { id: customer.id, clientNum: customer.clientNum, companyName: customer.companyName } : null}
        edit={{ orderId: order.id, version: order.version, orderNo: order.orderNo }}
      />
    </>
  );
}
