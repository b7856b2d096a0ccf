"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormAlert } from "@/components/forms/field";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { appErrorOf } from "@/lib/trpc/errors";

/** Confirm an action that records a reason (cancel, finish short…); the reason may be required. */
export function ReasonDialog({
  trigger,
  title,
  description,
  reasonLabel,
  required,
  confirmLabel,
  destructive = true,
  onConfirm,
  testId,
}: {
  trigger: React.ReactNode;
  title: React.ReactNode;
  description?: React.ReactNode;
  reasonLabel: string;
  required?: boolean;
  confirmLabel?: React.ReactNode;
  destructive?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
  testId?: string;
}) {
  const t = useTranslations();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (pending) return;
        setOpen(o);
        setError(null);
        if (!o) setReason("");
      }}
    >
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="sm:max-w-md" data-testid={testId}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          {description ? <DialogDescription>{description}</DialogDescription> : null}
        </DialogHeader>
        <FormAlert message={error} />
        <div className="grid gap-1.5">
          <Label htmlFor="reason-input">
            {reasonLabel}
            {required ? <span className="text-destructive">*</span> : null}
          </Label>
          <Input
            id="reason-input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={!!error}
            data-testid="reason-input"
          />
        </div>
        <DialogFooter>
          <Button variant="outline" disabled={pending} onClick={() => setOpen(false)}>
            {t("common.cancel")}
          </Button>
          <Button
            variant={destructive ? "destructive" : "default"}
            disabled={pending}
            data-testid="reason-confirm"
            onClick={async () => {
              if (required && !reason.trim())
                return setError(t("errors.required", { fieldLabel: reasonLabel }));
              setPending(true);
              setError(null);
              try {
                await onConfirm(reason.trim());
                setOpen(false);
                setReason("");
              } catch (e) {
                setError(appErrorOf(e).message);
              } finally {
                setPending(false);
              }
            }}
          >
            {confirmLabel ?? t("common.confirm")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
