// postinstall: guard postgres.js 3.4.x's write scheduler against a closed socket (porsager/postgres
// #1066, #1154, #1208; fixes proposed upstream in #1168, #1176, #1209, not released). Without it a
// database restart can crash the whole server with "Cannot read properties of null (reading 'write')"
// from a setImmediate, or leave a pooled connection that never writes again (the timer is cleared
// but not reset). Found by tests/reliability/db-restart.test.ts. Idempotent; drop it once a fixed
// release is installed.
import fs from "node:fs";
import path from "node:path";

const MARK = "/* manifold: guarded nextWrite */";
const files = ["src/connection.js", "cjs/src/connection.js"].map((f) => path.join("node_modules", "postgres", f));
let patched = 0;
for (const file of files) {
  if (!fs.existsSync(file)) continue;
  let s = fs.readFileSync(file, "utf8");
  if (s.includes(MARK)) continue;
  const before = s;
  s = s.replace(
    "function nextWrite(fn) {\n",
    `function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n`,
  );
  s = s.replaceAll("    clearImmediate(nextWriteTimer)\n", "    clearImmediate(nextWriteTimer)\n    nextWriteTimer = null\n    chunk = null\n");
  if (s === before || !s.includes(MARK)) {
    console.error(`[patch-postgres] ${file}: the code to guard was not found (postgres.js changed?); not patched`);
    continue;
  }
  fs.writeFileSync(file, s);
  patched++;
}
if (patched) console.error(`[patch-postgres] guarded postgres.js nextWrite in ${patched} file(s)`);

// pg-boss 10.4.2's worker completes (or fails) a finished job without awaiting it (src/manager.js
// onFetch: `this.complete(...)` / `this.fail(...)`) and without a catch: when the database goes away at
// that moment the rejection is unhandled, and Node ends the process on an unhandled rejection. Found by
// tests/reliability/db-restart.test.ts ("terminating connection due to administrator command" from
// Manager.complete). The rejection now goes to the worker's error event; the job stays active and
// pg-boss expires and retries it. (Still not awaited: awaiting it would let one completion that never
// settles on a dropped connection stop the worker — the drill showed that too.)
const BOSS_MARK = "/* manifold: caught complete */";
const bossFile = path.join("node_modules", "pg-boss", "src", "manager.js");
if (fs.existsSync(bossFile)) {
  let s = fs.readFileSync(bossFile, "utf8");
  if (!s.includes(BOSS_MARK)) {
    const before = s;
    s = s.replace(
      "        this.complete(name, jobIds, jobIds.length === 1 ? result : undefined)\n      } catch (err) {\n        this.fail(name, jobIds, err)\n      }",
      `        ${BOSS_MARK}\n        this.complete(name, jobIds, jobIds.length === 1 ? result : undefined).catch(onError)\n      } catch (err) {\n        this.fail(name, jobIds, err).catch(onError)\n      }`,
    );
    if (s === before) console.error(`[patch-postgres] ${bossFile}: the worker's complete was not found (pg-boss changed?); not patched`);
    else {
      fs.writeFileSync(bossFile, s);
      console.error("[patch-postgres] pg-boss: the worker catches complete/fail");
    }
  }
}
