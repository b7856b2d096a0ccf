import { NextResponse } from "next/server";
import { can } from "@/lib/permissions";
import { createRequestContext } from "@/server/api/request-context";
import { resolveServiceContext } from "@/server/api/resolve";
import { appUrlOf } from "@/server/channels/app-url";
import { DomainError } from "@/server/errors";
import { startAuthorization } from "@/server/services/channels/oauth";

export const runtime = "nodejs";

/** 授权验证: bind a fresh state to this user + merchant + account, then send the browser to the platform. */
export async function GET(req: Request) {
  const url = new URL(req.url);
  const back = (params: Record<string, string>) => NextResponse.redirect(new URL(`/channels?${new URLSearchParams(params)}`, appUrlOf(req)), 303);
  const accountId = url.searchParams.get("accountId") ?? "";
  try {
    const svc = await resolveServiceContext(await createRequestContext(req));
    if (!can(svc.role, "channels.manage")) return back({ auth: "error", account: accountId, reason: "oauthForbidden" });
    const { url: target } = await startAuthorization(svc, { id: accountId, appUrl: appUrlOf(req) });
    return NextResponse.redirect(target, 303);
  } catch (e) {
    if (e instanceof DomainError && e.code === "UNAUTHORIZED") return NextResponse.redirect(new URL("/sign-in", appUrlOf(req)), 303);
    const reason = e instanceof DomainError ? e.messageRef.key : "internal";
    return back({ auth: "error", account: accountId, reason });
  }
}
