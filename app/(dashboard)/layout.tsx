import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/layout/locale-switcher";
import { OrgSwitcher } from "@/components/layout/org-switcher";
import { Sidebar } from "@/components/layout/sidebar";
import { UserMenu } from "@/components/layout/user-menu";
import { requirePageContext } from "@/server/auth/page-context";
import { whoAmI } from "@/server/services/orgs/whoami";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { svc } = await requirePageContext();
  const [{ org, memberships, user }, t] = await Promise.all([whoAmI(svc), getTranslations("common")]);
  return (
    <div className="flex min-h-screen">
      {/* The dark column stretches with the page; only its content sticks to the viewport. */}
      <aside className="no-print hidden w-52 shrink-0 bg-sidebar md:block">
        <div className="sticky top-0 flex max-h-screen flex-col overflow-y-auto">
          <Link href="/" className="flex items-center gap-2 px-4 py-4 font-semibold text-sidebar-foreground">
            <span className="grid size-7 place-items-center rounded-md bg-primary text-primary-foreground">M</span>
            {t("appName")}
          </Link>
          <Sidebar />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="no-print sticky top-0 z-30 flex h-12 items-center gap-2 border-b bg-background/95 px-4 backdrop-blur">
          <OrgSwitcher current={{ id: org.id, name: org.name }} orgs={memberships} />
          <div className="flex-1" />
          <LocaleSwitcher />
          <UserMenu name={user?.name ?? ""} email={user?.email ?? ""} role={svc.role} />
        </header>
        <main className="flex-1 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
