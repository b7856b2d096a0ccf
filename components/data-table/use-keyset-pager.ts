"use client";

import { useCallback, useState } from "react";

/**
 * Keyset paging on the client: a stack of cursors, so "previous" goes back exactly and no page ever
 * needs an OFFSET. A different `resetKey` (the filters) starts again from the first page.
 */
export function useKeysetPager(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: (string | null)[] }>({
    key: resetKey,
    stack: [null],
  });
  const stack = state.key === resetKey ? state.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  const current = (s: typeof state) => (s.key === resetKey ? s.stack : [null]);
  const next = useCallback(
    (nextCursor: string | null | undefined) => {
      if (nextCursor) setState((s) => ({ key: resetKey, stack: [...current(s), nextCursor] }));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [resetKey],
  );
  const prev = useCallback(
    () =>
      setState((s) => ({
        key: resetKey,
        stack: current(s).length > 1 ? current(s).slice(0, -1) : current(s),
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [resetKey],
  );
  const first = useCallback(() => setState({ key: resetKey, stack: [null] }), [resetKey]);
  return { cursor, pageIndex: stack.length - 1, next, prev, first, hasPrev: stack.length > 1 };
}
