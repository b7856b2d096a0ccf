"use client";

import { Controller, type Control, type FieldPath, type FieldValues } from "react-hook-form";
import { Switch } from "@/components/ui/switch";

/** A boolean form field shown as a labelled switch (react-hook-form Controller). */
export function SwitchField<T extends FieldValues>({
  control,
  name,
  label,
  hint,
  error,
}: {
  control: Control<T>;
  name: FieldPath<T>;
  label: React.ReactNode;
  hint?: React.ReactNode;
  error?: string;
}) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <div className="grid gap-1">
          <label className="flex items-center gap-2 text-sm font-medium">
            <Switch
              id={String(name)}
              checked={!!field.value}
              onCheckedChange={field.onChange}
              onBlur={field.onBlur}
              ref={field.ref}
              aria-invalid={!!error}
            />
            {label}
          </label>
          {error ? (
            <p role="alert" className="text-xs text-destructive" data-field-error={String(name)}>
              {error}
            </p>
          ) : hint ? (
            <p className="text-xs text-muted-foreground">{hint}</p>
          ) : null}
        </div>
      )}
    />
  );
}
