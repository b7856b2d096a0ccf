/** 注意事项: the numbered notes 001/003 put under each page. */
export function Notes({ title, items }: { title: string; items: string[] }) {
  return (
    <div className="rounded-lg border border-dashed bg-muted/30 p-3 text-xs text-muted-foreground">
      <div className="mb-1 font-medium text-foreground">{title}</div>
      <ol className="list-decimal space-y-0.5 pl-4">
        {items.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ol>
    </div>
  );
}
