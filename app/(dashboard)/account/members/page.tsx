import { getTranslations } from "next-intl/server";
import { MembersPanel } from "@/components/account/members-panel";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("account");
  return { title: t("members") };
}

export default async function MembersPage() {
  const { svc, session } = await requirePageContext();
  return <MembersPanel myUserId={session.user.id} canManage={can(svc.role, "members.manage")} isOwner={svc.role === "owner"} />;
}
