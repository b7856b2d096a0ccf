import { getTranslations } from "next-intl/server";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { getOrganization } from "@/server/services/orgs/orgs";

/** Which merchant this is and how it counts (precision), for the person who just signed in. */
export async function MerchantCard({ org }: { org: Awaited<ReturnType<typeof getOrganization>> }) {
  const t = await getTranslations("dashboard");
  return (
    <Card data-testid="home-merchant">
      <CardHeader>
        <CardTitle>{t("merchantCard")}</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-muted-foreground">{t("slug")}</dt>
          <dd className="font-mono">{org.slug}</dd>
          <dt className="text-muted-foreground">{t("timezone")}</dt>
          <dd>{org.timezone}</dd>
          <dt className="text-muted-foreground">{t("precision")}</dt>
          <dd>{t("precisionValue", { amount: org.amountDecimals, price: org.priceDecimals, quantity: org.quantityDecimals })}</dd>
        </dl>
      </CardContent>
    </Card>
  );
}
