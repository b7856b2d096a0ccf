/** One cookie of a request, decoded; null when absent. */
export function cookieValue(
  req: { headers: { get(name: string): string | null } } | undefined,
  name: string,
): string | null {
  const header = req?.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}
