/**
 * The app's open API (server/open/handler.ts, what app/api/open/route.ts serves) in a bare Node HTTP
 * server, for drills that SIGKILL "the app" mid-request. PORT and DATABASE_URL from the environment.
 */
import http from "node:http";
import { createDb } from "@/db";
import { handleOpenRequest } from "@/server/open/handler";

const { db } = createDb(process.env.DATABASE_URL!, 8);
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    handleOpenRequest(db, { body: Buffer.concat(chunks).toString("utf8"), headers })
      .then(({ status, body }) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      })
      .catch((e) => {
        res.writeHead(500);
        res.end(String(e));
      });
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("READY"));
