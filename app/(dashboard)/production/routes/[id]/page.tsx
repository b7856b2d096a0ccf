import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { RouteForm } from "@/components/production/route-form";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getRoute } from "@/server/services/production/routes";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("editRoute") };
}

export default async function RoutePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const route = await loadOrNotFound(id, (id) => getRoute(svc, id));
  const t = await getTranslations("production");
  return (
    <>
      <Link href="/production/routes" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft className="size-4" />
        {t("routesTitle")}
      </Link>
      {/* Keyed by version: after a save the form starts again from what is stored. */}
      <RouteForm key={`${route.id}:${route.version}`} route={route} canWrite={can(svc.role, "production.write")} />
    </>
  );
}
