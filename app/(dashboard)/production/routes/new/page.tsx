import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { RouteForm } from "@/components/production/route-form";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("newRoute") };
}

export default async function NewRoutePage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("production");
  return (
    <>
      <Link href="/production/routes" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft className="size-4" />
        {t("routesTitle")}
      </Link>
      <RouteForm route={null} canWrite={can(svc.role, "production.write")} />
    </>
  );
}
