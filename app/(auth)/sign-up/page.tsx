import { getTranslations } from "next-intl/server";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { db } from "@/db";
import { findInvitation } from "@/server/services/orgs/orgs";

export async function generateMetadata() {
  const t = await getTranslations("auth");
  return { title: t("signUp") };
}

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invite?: string }> }) {
  const { invite: token } = await searchParams;
  const invitation = token ? await findInvitation(db, token) : null;
  const t = await getTranslations();
  return (
    <>
      {invitation ? (
        <>
          <h1 className="mb-1 text-lg font-semibold">{t("auth.joinTitle", { org: invitation.orgName })}</h1>
          <p className="mb-4 text-sm text-muted-foreground">
            {t("auth.joinSubtitle", { role: t(`roles.${invitation.role}` as "roles.owner"), email: invitation.email })}
          </p>
        </>
      ) : (
        <>
          <h1 className="mb-1 text-lg font-semibold">{t("auth.signUpTitle")}</h1>
          <p className="mb-4 text-sm text-muted-foreground">{t("auth.signUpSubtitle")}</p>
        </>
      )}
      <SignUpForm invite={invitation && token ? { token, email: invitation.email } : undefined} />
    </>
  );
}
