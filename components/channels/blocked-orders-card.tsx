import { AlertTriangle } from "lucide-react";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { CappedCount } from "@/server/services/_lib/keyset";

/**
 * Home dashboard card (001): "N platform orders could not be imported", linking to them. Renders
 * nothing when every pulled order converted.
 */
export async function BlockedPlatformOrdersCard({ count }: { count: CappedCount }) {
  const t = await getTranslations("channels");
  if (count.count === 0) return null;
  return (
    <Card className="border-amber-300 bg-amber-50/60" data-testid="blocked-platform-orders">
      <CardHeader>
        <CardTitle className="flex items-center gap-2 text-base">
          <AlertTriangle className="size-4 text-amber-600" />
          {count.capped ? t("blockedCardCapped", { count: count.count }) : t("blockedCard", { count: count.count })}
        </CardTitle>
        <CardDescription>{t("blockedCardHelp")}</CardDescription>
      </CardHeader>
      <CardContent>
        <Link className="text-sm font-medium text-primary underline-offset-4 hover:underline" href="/channels/orders?state=pending&blockedOnly=1">
          {t("blockedCardLink")}
        </Link>
      </CardContent>
    </Card>
  );
}
