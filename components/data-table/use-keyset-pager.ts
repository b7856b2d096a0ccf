"use client";

import { useCallback, useEffect, useState } from "react";

/**
 * Keyset paging on the client: a stack of cursors, so "previous" goes back exactly and no page ever
 * needs an OFFSET. Changing `resetKey` (the filters) goes back to the first page.
 */
export function useKeysetPager(resetKey: string) {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  useEffect(() => setStack([null]), [resetKey]);
  const cursor = stack[stack.length - 1] ?? null;
  const next = useCallback((nextCursor: string | null | undefined) => {
    if (nextCursor) setStack((s) => [...s, nextCursor]);
  }, []);
  const prev = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const first = useCallback(() => setStack([null]), []);
  return { cursor, pageIndex: stack.length - 1, next, prev, first, hasPrev: stack.length > 1 };
}
