import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createRequestContext, isCrossSiteWrite } from "@/server/api/request-context";

export const runtime = "nodejs";

const handler = (req: Request) => {
  if (isCrossSiteWrite(req)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createRequestContext(req),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
};

export { handler as GET, handler as POST };
