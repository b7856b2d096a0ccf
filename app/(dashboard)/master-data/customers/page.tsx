import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { CustomerList } from "@/components/master-data/customers/customer-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("masterData");
  return { title: t("customersTitle") };
}

export default async function CustomersPage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("masterData");
  return (
    <>
      <PageHeader title={t("customersTitle")} description={t("customersHelp")} />
      <CustomerList canWrite={can(svc.role, "customers.write")} />
    </>
  );
}
