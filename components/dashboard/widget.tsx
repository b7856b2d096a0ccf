import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import type { Permission } from "@/lib/permissions";
import { cn } from "@/lib/utils";
import type { ServiceContext } from "@/server/context";

/**
 * A card on the home dashboard: an async server component given the caller's service context. It may
 * return null to stay out of the way (e.g. "nothing blocked").
 */
export type HomeWidget = {
  key: string;
  render: (props: { svc: ServiceContext }) => Promise<React.ReactNode>;
  /** Grid width: one column (default), two, or the whole row. */
  span?: 1 | 2 | "full";
  /** Shown only to roles with this permission. */
  permission?: Permission;
};

const SPAN = { 1: "", 2: "md:col-span-2", full: "md:col-span-2 xl:col-span-3" } as const;

/** Each card loads on its own (a slow one never holds the page) and fails on its own. */
export function WidgetSlot({ widget, svc }: { widget: HomeWidget; svc: ServiceContext }) {
  return (
    <div className={cn("empty:hidden", SPAN[widget.span ?? 1])} data-widget={widget.key}>
      <Suspense fallback={<WidgetSkeleton />}>
        <SafeWidget widget={widget} svc={svc} />
      </Suspense>
    </div>
  );
}

async function SafeWidget({ widget, svc }: { widget: HomeWidget; svc: ServiceContext }) {
  try {
    return await widget.render({ svc });
  } catch (e) {
    console.error(`home widget ${widget.key} failed:`, e);
    const t = await getTranslations("dashboard");
    return (
      <Card>
        <CardContent className="text-sm text-muted-foreground">{t("widgetFailed")}</CardContent>
      </Card>
    );
  }
}

function WidgetSkeleton() {
  return (
    <Card>
      <CardHeader>
        <Skeleton className="h-4 w-32" />
      </CardHeader>
      <CardContent className="grid gap-2">
        <Skeleton className="h-8 w-24" />
        <Skeleton className="h-4 w-full" />
      </CardContent>
    </Card>
  );
}
