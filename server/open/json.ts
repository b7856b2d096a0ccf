import { visit, type JSONPath } from "jsonc-parser";

/**
 * The first key that occurs twice in one object of a JSON text, with where it is, or null. JSON.parse
 * silently keeps the last of two equal keys, so `{"status":"pending","status":"stock_up"}` would mean
 * whatever the last one says; the open API refuses such a body instead. The text is walked by
 * jsonc-parser's visitor (a real JSON scanner, objects tracked on a stack), after JSON.parse has
 * accepted it as strict JSON.
 */
export function duplicateJsonKey(text: string): { key: string; path: string } | null {
  const open: Set<string>[] = [];
  let found: { key: string; path: string } | null = null;
  const pathText = (p: JSONPath) => p.reduce<string>((acc, x) => (typeof x === "number" ? `${acc}[${x}]` : acc ? `${acc}.${x}` : x), "");
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _char, pathSupplier) => {
      const keys = open[open.length - 1];
      if (!keys || found) return;
      if (keys.has(property)) found = { key: property, path: pathText([...pathSupplier(), property]) };
      keys.add(property);
    },
  });
  return found;
}
