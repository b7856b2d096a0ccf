import { NextResponse } from "next/server";
import { handleRoute } from "@/server/api/handle-route";
import { appUrlOrRefusal } from "@/server/channels/app-url";
import { DomainError } from "@/server/errors";
import { startAuthorization } from "@/server/services/channels/oauth";

export const runtime = "nodejs";

/** 授权验证: bind a fresh state to this user + merchant + account, then send the browser to the platform. */
export async function GET(req: Request) {
  const accountId = new URL(req.url).searchParams.get("accountId") ?? "";
  const { appUrl, refusal } = appUrlOrRefusal(req);
  if (refusal) return refusal;
  const back = (reason: string) =>
    NextResponse.redirect(new URL(`/channels?${new URLSearchParams({ auth: "error", account: accountId, reason })}`, appUrl), 303);
  return handleRoute(
    req,
    "channels.manage",
    async ({ svc }) => NextResponse.redirect((await startAuthorization(svc, { id: accountId, appUrl })).url, 303),
    {
      // A browser navigation: every outcome is a page, never a JSON error.
      onError: (e) => {
        if (!(e instanceof DomainError)) return back("internal");
        if (e.code === "UNAUTHORIZED") return NextResponse.redirect(new URL("/sign-in", appUrl), 303);
        return back(e.code === "FORBIDDEN" && e.messageRef.key === "forbidden" ? "oauthForbidden" : e.messageRef.key);
      },
    },
  );
}
