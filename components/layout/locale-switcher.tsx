"use client";

import { Languages } from "lucide-react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocaleAction } from "@/app/actions";
import { Button } from "@/components/ui/button";
import { LOCALES } from "@/lib/i18n/config";

const LABELS: Record<(typeof LOCALES)[number], string> = { "zh-CN": "简体中文", en: "English" };

export function LocaleSwitcher() {
  const locale = useLocale();
  const t = useTranslations("common");
  const router = useRouter();
  const [pending, start] = useTransition();
  const next = LOCALES.find((l) => l !== locale) ?? "zh-CN";
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={pending}
      aria-label={t("language")}
      data-testid="locale-switcher"
      onClick={() =>
        start(async () => {
          await setLocaleAction(next);
          router.refresh();
        })
      }
    >
      <Languages />
      {LABELS[next]}
    </Button>
  );
}
