"use client";

import { useMutation } from "@tanstack/react-query";
import { FileUp, Paperclip, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import { appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";

export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export type UploadedAttachment = { id: string; fileName: string; sizeBytes: number; contentType: string };

type Item = { key: string; fileName: string; sizeBytes: number; percent: number; error?: string; uploaded?: UploadedAttachment };

export const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.ceil(n / 1024)} KB` : `${n} B`);

/** POST a file as multipart with upload progress (fetch cannot report it). */
function uploadWithProgress(url: string, file: File, onProgress: (percent: number) => void): Promise<UploadedAttachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      const body = xhr.response as { error?: { message: string } } & UploadedAttachment;
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new Error(body?.error?.message ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error("network error"));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

/**
 * Attachments with upload progress, each file ≤ 20 MB (checked before sending, and again by the server).
 * Without `orderId` files are staged for a new order and `onChange` reports their ids; with it they are
 * attached to that order at once.
 */
export function AttachmentUploader({
  orderId,
  onChange,
  onUploaded,
  disabled,
}: {
  orderId?: string;
  onChange?: (uploaded: UploadedAttachment[]) => void;
  onUploaded?: () => void;
  disabled?: boolean;
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const input = useRef<HTMLInputElement>(null);
  const [items, setItems] = useState<Item[]>([]);
  const remove = useMutation(trpc.orders.removeAttachment.mutationOptions());

  const publish = (next: Item[]) => onChange?.(next.flatMap((i) => (i.uploaded ? [i.uploaded] : [])));
  const patch = (key: string, p: Partial<Item>) =>
    setItems((cur) => {
      const next = cur.map((i) => (i.key === key ? { ...i, ...p } : i));
      if (p.uploaded) publish(next);
      return next;
    });

  const add = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      const tooBig = file.size > MAX_FILE_BYTES;
      setItems((cur) => [
        ...cur,
        { key, fileName: file.name, sizeBytes: file.size, percent: 0, error: tooBig ? t("errors.attachmentTooLarge", { name: file.name, mb: 20 }) : undefined },
      ]);
      if (tooBig) continue;
      uploadWithProgress(orderId ? `/api/orders/${orderId}/attachments` : "/api/orders/attachments", file, (percent) => patch(key, { percent }))
        .then((uploaded) => {
          patch(key, { uploaded, percent: 100 });
          onUploaded?.();
        })
        .catch((e: Error) => patch(key, { error: e.message }));
    }
    if (input.current) input.current.value = "";
  };

  const drop = (item: Item) => {
    setItems((cur) => {
      const next = cur.filter((i) => i.key !== item.key);
      publish(next);
      return next;
    });
    // A staged file nobody will link is removed right away (rows and bytes).
    if (item.uploaded && !orderId) remove.mutate({ attachmentId: item.uploaded.id });
  };

  const visible = orderId ? items.filter((i) => !i.uploaded) : items;
  return (
    <div className="grid gap-2" data-testid="attachment-uploader">
      <div className="flex items-center gap-2">
        <input ref={input} type="file" multiple className="hidden" onChange={(e) => add(e.target.files)} data-testid="attachment-input" disabled={disabled} />
        <Button type="button" variant="outline" size="sm" onClick={() => input.current?.click()} disabled={disabled}>
          <FileUp />
          {t("orders.form.upload")}
        </Button>
        <span className="text-xs text-muted-foreground">{t("orders.form.maxSize")}</span>
      </div>
      {visible.length ? (
        <ul className="grid gap-1.5">
          {visible.map((i) => (
            <li key={i.key} className="flex items-center gap-2 rounded-md border px-2 py-1.5 text-sm" data-testid="attachment-item">
              <Paperclip className="size-4 shrink-0 text-muted-foreground" />
              <span className="min-w-0 flex-1 truncate">{i.fileName}</span>
              <span className="text-xs text-muted-foreground tabular-nums">{formatBytes(i.sizeBytes)}</span>
              {i.error ? (
                <span role="alert" className="text-xs text-destructive">
                  {i.error}
                </span>
              ) : i.uploaded ? null : (
                <span className="flex w-32 items-center gap-1 text-xs text-muted-foreground">
                  <Progress value={i.percent} className="h-1.5" />
                  {i.percent}%
                </span>
              )}
              {!orderId || i.error ? (
                <Button type="button" variant="ghost" size="sm" onClick={() => drop(i)} aria-label={t("common.remove")}>
                  <Trash2 />
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {remove.error ? <p className="text-xs text-destructive">{appErrorOf(remove.error).message}</p> : null}
    </div>
  );
}
