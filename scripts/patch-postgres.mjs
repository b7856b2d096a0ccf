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
