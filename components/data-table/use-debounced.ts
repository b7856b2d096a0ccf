"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * A text box value applied 300 ms after typing stops: returns [text, setText, flush]; `apply` receives
 * the settled, trimmed text (`flush` applies it at once, for Enter). Follows `external` when it changes
 * from outside (reset, back button).
 */
export function useDebounced(
  external: string,
  apply: (v: string) => void,
  ms = 300,
): [string, (v: string) => void, () => void] {
  const [text, setText] = useState(external);
  const sent = useRef(external);
  const applyRef = useRef(apply);
  useEffect(() => {
    applyRef.current = apply;
  });
  useEffect(() => {
    if (external !== sent.current) {
      sent.current = external;
      setText(external);
    }
  }, [external]);
  useEffect(() => {
    if (text === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = text;
      applyRef.current(text.trim());
    }, ms);
    return () => clearTimeout(timer);
  }, [text, ms]);
  const flush = useCallback(() => {
    sent.current = text;
    applyRef.current(text.trim());
  }, [text]);
  return [text, setText, flush];
}
