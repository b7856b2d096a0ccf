import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SignInForm } from "@/components/auth/sign-in-form";
import { auth } from "@/server/auth";

export async function generateMetadata() {
  const t = await getTranslations("auth");
  return { title: t("signIn") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const session = await auth();
  if (session?.user?.id) redirect("/");
  const { callbackUrl } = await searchParams;
  const t = await getTranslations("auth");
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">{t("signInTitle")}</h1>
      <p className="mb-4 text-xs text-muted-foreground">{t("demoHint")}</p>
      <SignInForm callbackUrl={callbackUrl} />
    </>
  );
}
