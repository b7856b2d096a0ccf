import { describe, expect, it } from "vitest";
import { namespaces } from "./messages";

function keys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("messages", () => {
  it.each(Object.entries(namespaces))("%s has the same keys in zh-CN and en", (_name, ns) => {
    expect(keys(ns.en).sort()).toEqual(keys(ns["zh-CN"]).sort());
  });
});
