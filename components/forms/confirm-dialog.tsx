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
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { appErrorOf } from "@/lib/trpc/errors";

/**
 * Ask before an action, optionally for a reason (cancel, freeze, finish short…; required or not).
 * Opened by its `trigger`, or controlled with `open` / `onOpenChange`. `onConfirm` may be async: the
 * dialog shows its error and stays open, and closes only when it succeeds.
 */
export function ConfirmDialog({
  trigger,
  open: controlledOpen,
  onOpenChange,
  title,
  description,
  confirmLabel,
  destructive = true,
  reason,
  errorMessage = (e) => appErrorOf(e).message,
  onConfirm,
  children,
  testId = "confirm-dialog",
}: {
  trigger?: React.ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  title: React.ReactNode;
  description?: React.ReactNode;
  confirmLabel?: React.ReactNode;
  destructive?: boolean;
  /** Ask for a reason; `label` defaults to 原因 / Reason. */
  reason?: { required?: boolean; label?: string };
  /** How a refused action reads (default: the domain error's message). */
  errorMessage?: (e: unknown) => string;
  onConfirm: (reason: string) => Promise<unknown> | unknown;
  children?: React.ReactNode;
  testId?: string;
}) {
  const t = useTranslations();
  const [ownOpen, setOwnOpen] = useState(false);
  const open = controlledOpen ?? ownOpen;
  const [text, setText] = useState("");
  const [missing, setMissing] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const setOpen = (o: boolean) => {
    if (pending) return;
    if (!o) {
      setText("");
      setMissing(false);
    }
    setError(null);
    setOwnOpen(o);
    onOpenChange?.(o);
  };
  const submit = async () => {
    if (reason?.required && !text.trim()) return setMissing(true);
    setPending(true);
    setError(null);
    try {
      await onConfirm(text.trim());
      setPending(false);
      setText("");
      setMissing(false);
      setOwnOpen(false);
      onOpenChange?.(false);
    } catch (e) {
      setPending(false);
      setError(errorMessage(e));
    }
  };

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      {trigger ? <DialogTrigger asChild>{trigger}</DialogTrigger> : null}
      <DialogContent className="sm:max-w-md" data-testid={testId}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          {description ? <DialogDescription>{description}</DialogDescription> : null}
        </DialogHeader>
        <form
          className="grid gap-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormAlert message={error} />
          {children}
          {reason ? (
            <div className="grid gap-1.5">
              <Label htmlFor="confirm-reason">
                {reason.label ?? t("common.reason")}
                {reason.required ? <span className="text-destructive">*</span> : null}
              </Label>
              <Textarea
                id="confirm-reason"
                value={text}
                onChange={(e) => setText(e.target.value)}
                maxLength={500}
                aria-invalid={missing}
                autoFocus
                data-testid="confirm-reason"
              />
              {missing ? (
                <p role="alert" className="text-xs text-destructive" data-field-error="reason">
                  {t("errors.reasonRequired")}
                </p>
              ) : null}
            </div>
          ) : null}
          <DialogFooter>
            <Button type="button" variant="outline" disabled={pending} onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button
              type="submit"
              variant={destructive ? "destructive" : "default"}
              disabled={pending}
              data-testid="confirm-ok"
            >
              {pending ? t("common.saving") : (confirmLabel ?? t("common.confirm"))}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
