import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * drizzle's migrator applies a migration only when its journal time (`when`) is later than the newest
 * one the database has applied, so the times must rise with the index: two branches that generated
 * migrations in the other order (0018 / 0019 of issue 13) would otherwise make a database that applied
 * the later-numbered one first skip the other for good.
 */
describe("migration journal", () => {
  it("has strictly increasing times in index order, and one file per entry", () => {
    const dir = path.join(import.meta.dirname, "migrations");
    const journal = JSON.parse(fs.readFileSync(path.join(dir, "meta/_journal.json"), "utf8")) as { entries: { idx: number; when: number; tag: string }[] };
    journal.entries.forEach((e, i) => {
      expect(e.idx).toBe(i);
      expect(fs.existsSync(path.join(dir, `${e.tag}.sql`))).toBe(true);
      if (i > 0) expect(e.when, `${e.tag} must come after ${journal.entries[i - 1]!.tag}`).toBeGreaterThan(journal.entries[i - 1]!.when);
    });
  });
});
