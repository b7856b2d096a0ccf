import { getTranslations } from "next-intl/server";
import { MerchantForm } from "@/components/account/merchant-form";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getOrganization } from "@/server/services/orgs/orgs";

export async function generateMetadata() {
  const t = await getTranslations("account");
  return { title: t("merchant") };
}

export default async function MerchantPage() {
  const { svc } = await requirePageContext();
  const org = await getOrganization(svc);
  return <MerchantForm name={org.name} slug={org.slug} timezone={org.timezone} canWrite={can(svc.role, "settings.write")} />;
}
