"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";

/**
 * Confirm an order action, optionally asking for a reason (required for freeze and void). The error of
 * a refused action is shown in the dialog, which stays open.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  reason,
  confirmLabel,
  destructive,
  pending,
  error,
  onConfirm,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: React.ReactNode;
  description?: React.ReactNode;
  /** Ask for a reason: "optional" or "required". */
  reason?: "optional" | "required";
  confirmLabel: React.ReactNode;
  destructive?: boolean;
  pending?: boolean;
  error?: string | null;
  onConfirm: (reason: string) => void;
  children?: React.ReactNode;
}) {
  const t = useTranslations();
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (pending) return;
        if (!o) {
          setText("");
          setMissing(false);
        }
        onOpenChange(o);
      }}
    >
      <DialogContent className="sm:max-w-md" data-testid="confirm-dialog">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          {description ? <DialogDescription>{description}</DialogDescription> : null}
        </DialogHeader>
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason === "required" && !text.trim()) {
              setMissing(true);
              return;
            }
            onConfirm(text.trim());
          }}
        >
          <FormAlert message={error} />
          {children}
          {reason ? (
            <div className="grid gap-1.5">
              <Label htmlFor="action-reason">
                {t("orders.detail.reasonLabel")}
                {reason === "required" ? <span className="text-destructive">*</span> : null}
              </Label>
              <Textarea id="action-reason" value={text} onChange={(e) => setText(e.target.value)} maxLength={500} aria-invalid={missing} autoFocus />
              {missing ? (
                <p role="alert" className="text-xs text-destructive">
                  {t("errors.reasonRequired")}
                </p>
              ) : null}
            </div>
          ) : null}
          <DialogFooter>
            <Button type="button" variant="outline" disabled={pending} onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant={destructive ? "destructive" : "default"} disabled={pending} data-testid="confirm-action">
              {pending ? t("common.saving") : confirmLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
