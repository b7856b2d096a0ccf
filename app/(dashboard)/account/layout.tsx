import { getTranslations } from "next-intl/server";
import { AccountTabs } from "@/components/account/account-tabs";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export default async function AccountLayout({ children }: { children: React.ReactNode }) {
  const { svc } = await requirePageContext();
  const t = await getTranslations("account");
  const tabs = [
    { href: "/account", label: t("profile") },
    { href: "/account/merchant", label: t("merchant") },
    { href: "/account/members", label: t("members") },
    // API keys are for owners and admins only; the server refuses everyone else anyway.
    ...(can(svc.role, "apikeys.manage") ? [{ href: "/account/api-keys", label: t("apiKeys") }] : []),
    ...(can(svc.role, "settings.write") ? [{ href: "/account/system", label: t("system") }] : []),
  ];
  return (
    <>
      <PageHeader title={t("title")} description={t("help")} />
      <AccountTabs tabs={tabs} />
      {children}
    </>
  );
}
