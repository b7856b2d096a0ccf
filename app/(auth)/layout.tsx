import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/layout/locale-switcher";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-muted/40 p-4">
      <div className="absolute top-4 right-4">
        <LocaleSwitcher />
      </div>
      <div className="mb-6 flex items-center gap-2 text-xl font-semibold">
        <span className="grid size-8 place-items-center rounded-md bg-primary text-primary-foreground">M</span>
        {t("appName")}
      </div>
      <div className="w-full max-w-sm rounded-xl border bg-background p-6 shadow-sm">{children}</div>
    </div>
  );
}
