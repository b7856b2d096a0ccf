import { NextResponse } from "next/server";
import { db } from "@/db";
import { auth } from "@/server/auth";
import { appUrlOrRefusal } from "@/server/channels/app-url";
import { completeAuthorization } from "@/server/services/channels/oauth";

export const runtime = "nodejs";

/**
 * The platform sends the merchant back here. The state (single use, bound to the signed-in user and
 * merchant) and the platform's signature are checked by the service; the outcome — "验证成功" or the
 * platform's error — is shown on the accounts page.
 */
export async function GET(req: Request, { params }: { params: Promise<{ platform: string }> }) {
  const { platform } = await params;
  const { appUrl, refusal } = appUrlOrRefusal(req);
  if (refusal) return refusal;
  const query = new URL(req.url).searchParams;
  const session = await auth();
  const outcome = await completeAuthorization(db, { platform, query, userId: session?.user?.id ?? null, appUrl });
  const back = new URLSearchParams(
    outcome.ok
      ? { auth: "ok", account: outcome.accountId, shop: outcome.shopName ?? "", ...(outcome.warning ? { warning: outcome.warning } : {}) }
      : { auth: "error", account: outcome.accountId ?? "", reason: outcome.error },
  );
  return NextResponse.redirect(new URL(`/channels?${back}`, appUrl), 303);
}
