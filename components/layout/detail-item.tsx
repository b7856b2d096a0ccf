/** One label/value pair of a detail page's `<dl>` header; an empty value shows "—". */
export function DetailItem({
  label,
  value,
  wide,
  testId,
}: {
  label: string;
  value: string;
  wide?: boolean;
  testId?: string;
}) {
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="break-words" data-testid={testId}>
        {value || "—"}
      </dd>
    </div>
  );
}
