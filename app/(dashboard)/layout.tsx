import { eq } from "drizzle-orm";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/layout/locale-switcher";
import { OrgSwitcher } from "@/components/layout/org-switcher";
import { Sidebar } from "@/components/layout/sidebar";
import { UserMenu } from "@/components/layout/user-menu";
import { db } from "@/db";
import { users } from "@/db/schema";
import { requirePageContext } from "@/server/auth/page-context";
import { getOrganization, listMyOrganizations } from "@/server/services/orgs/orgs";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { svc, session } = await requirePageContext();
  const [org, orgs, [user]] = await Promise.all([
    getOrganization(svc),
    listMyOrganizations(db, session.user.id),
    db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, session.user.id)),
  ]);
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-screen">
      <aside className="no-print sticky top-0 hidden h-screen w-52 shrink-0 flex-col overflow-y-auto bg-sidebar md:flex">
        <Link href="/" className="flex items-center gap-2 px-4 py-4 font-semibold text-sidebar-foreground">
          <span className="grid size-7 place-items-center rounded-md bg-primary text-primary-foreground">M</span>
          {t("appName")}
        </Link>
        <Sidebar />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="no-print sticky top-0 z-30 flex h-12 items-center gap-2 border-b bg-background/95 px-4 backdrop-blur">
          <OrgSwitcher current={{ id: org.id, name: org.name }} orgs={orgs} />
          <div className="flex-1" />
          <LocaleSwitcher />
          <UserMenu name={user?.name ?? ""} email={user?.email ?? ""} role={svc.role} />
        </header>
        <main className="flex-1 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
