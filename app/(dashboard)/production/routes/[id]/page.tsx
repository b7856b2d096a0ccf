import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { RouteForm } from "@/components/production/route-form";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getRoute } from "@/server/services/production/routes";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("editRoute") };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function RoutePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  if (!UUID.test(id)) notFound();
  let route;
  try {
    route = await getRoute(svc, id);
  } catch (e) {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
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
