import { getTranslations } from "next-intl/server";
import { ChangePasswordForm, ProfileForm, SessionsCard } from "@/components/account/profile-forms";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requirePageContext } from "@/server/auth/page-context";
import { getProfile } from "@/server/services/auth/profile";
import { listMyOrganizations } from "@/server/services/orgs/orgs";

export async function generateMetadata() {
  const t = await getTranslations("account");
  return { title: t("profile") };
}

/** 用户中心 → 个人信息: name, password, language, and the merchants this person belongs to. */
export default async function ProfilePage() {
  const { svc, session } = await requirePageContext();
  const [me, orgs, t] = await Promise.all([getProfile(svc.db, session.user.id), listMyOrganizations(svc.db, session.user.id), getTranslations()]);
  return (
    <div className="grid max-w-5xl gap-4 lg:grid-cols-2">
      <ProfileForm name={me.name} email={me.email} />
      <ChangePasswordForm />
      <SessionsCard />
      <Card>
        <CardHeader>
          <CardTitle>{t("account.myMerchants")}</CardTitle>
        </CardHeader>
        <CardContent>
          <ul className="grid gap-2 text-sm">
            {orgs.map((o) => (
              <li key={o.id} className="flex items-center gap-2">
                <span className="font-medium">{o.name}</span>
                <span className="font-mono text-xs text-muted-foreground">{o.slug}</span>
                <span className="flex-1" />
                {o.id === svc.orgId ? <Badge variant="info">{t("account.current")}</Badge> : null}
                <Badge variant="outline">{t(`roles.${o.role}` as "roles.owner")}</Badge>
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("account.language")}</CardTitle>
          <CardDescription>{t("account.languageHelp")}</CardDescription>
        </CardHeader>
      </Card>
    </div>
  );
}
