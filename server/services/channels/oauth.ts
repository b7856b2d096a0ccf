import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { tenantDb, type Db } from "@/db";
import { channelAccounts, channelOauthStates, memberships } from "@/db/schema";
import { can, isRole } from "@/lib/permissions";
import { connectorFor } from "@/server/channels/registry";
import { ChannelError, PLATFORMS, type ChannelCredentials, type PlatformCode } from "@/server/channels/types";
import { newId } from "@/db/schema/_columns";
import { platformNotConfigured } from "@/server/secrets";
import { actorUserId, type ServiceContext } from "@/server/context";
import { DomainError, fieldError, isUniqueViolation } from "@/server/errors";
import { accountRef, getAccountRow, sealedCredentials, withAccountCredentials } from "./accounts";

const STATE_TTL_MS = 15 * 60 * 1000;
const isPlatformCode = (p: string): p is PlatformCode => (PLATFORMS as readonly string[]).includes(p);
const hashState = (s: string) => createHash("sha256").update(s).digest("hex");

export const callbackPath = (platform: string) => `/api/oauth/${platform}/callback`;

/**
 * 授权验证 step 1: a single-use `state` bound to this user, merchant and account, and the platform's
 * authorize URL to send the browser to.
 */
export async function startAuthorization(ctx: ServiceContext, input: { id: string; appUrl: string }) {
  const userId = actorUserId(ctx);
  if (!userId) throw new DomainError("FORBIDDEN", { key: "oauthNeedsUser" });
  const account = await getAccountRow(ctx, input.id);
  const connector = connectorFor(account.platform);
  if (!connector) throw fieldError("platform", "platformUnavailable");
  refuseUnconfigured(connector.platform);
  const state = randomBytes(32).toString("base64url");
  const redirectUri = `${input.appUrl}${callbackPath(account.platform)}`;
  await ctx.db.insert(channelOauthStates).values({
    orgId: ctx.orgId,
    accountId: account.id,
    userId,
    platform: account.platform,
    stateHash: hashState(state),
    redirectUri,
    expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  return { url: connector.authorizeUrl({ account: accountRef(account), state, redirectUri }) };
}

/** Production without the platform's own credentials (server/secrets.ts): no authorization starts or completes. */
function refuseUnconfigured(platform: PlatformCode) {
  const problem = platformNotConfigured(platform);
  if (!problem) return;
  console.error(`[oauth] refused a ${platform} authorization: ${problem}`);
  throw new DomainError("CONFLICT", { key: "platformNotConfigured", params: { platform } });
}

export type AuthorizationOutcome =
  | { ok: true; accountId: string; shopName: string | null; warning: string | null }
  | { ok: false; accountId: string | null; error: string };

/**
 * 授权验证 step 2, the callback: the state must exist, be unexpired, unused (it is consumed atomically
 * here), belong to this platform and to the signed-in user, who must still be allowed to manage the
 * merchant's channels. The connector checks the platform's signature and exchanges the code; a
 * verification call then proves the tokens work ("验证成功") or returns the platform's error.
 */
export async function completeAuthorization(
  db: Db,
  input: { platform: string; query: URLSearchParams; userId: string | null; appUrl: string },
): Promise<AuthorizationOutcome> {
  const state = input.query.get("state");
  if (!state) return { ok: false, accountId: null, error: "oauthStateMissing" };
  if (!input.userId) return { ok: false, accountId: null, error: "oauthSignInRequired" };
  if (isPlatformCode(input.platform) && platformNotConfigured(input.platform)) {
    console.error(`[oauth] refused a ${input.platform} callback: ${platformNotConfigured(input.platform)}`);
    return { ok: false, accountId: null, error: "platformNotConfigured" };
  }
  // Consumed only by its own user on its own platform, in the one atomic update: a callback replayed by
  // someone else (or on another platform's route) leaves the state usable by its owner.
  const [st] = await db
    .update(channelOauthStates)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(channelOauthStates.stateHash, hashState(state)),
        isNull(channelOauthStates.usedAt),
        gt(channelOauthStates.expiresAt, new Date()),
        eq(channelOauthStates.platform, input.platform),
        eq(channelOauthStates.userId, input.userId),
      ),
    )
    .returning();
  if (!st) return { ok: false, accountId: null, error: "oauthStateInvalid" };
  // From here on, the state's merchant: its database (row-level security), not the owner pool.
  const mdb = tenantDb(db, st.orgId);
  const [member] = await mdb
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, st.orgId), eq(memberships.userId, input.userId)));
  if (!member || !isRole(member.role) || !can(member.role, "channels.manage")) return { ok: false, accountId: st.accountId, error: "oauthForbidden" };

  const account = await getAccountRow({ db: mdb, orgId: st.orgId }, st.accountId).catch(() => null);
  if (!account) return { ok: false, accountId: null, error: "oauthStateInvalid" };
  const connector = connectorFor(account.platform)!;
  if (input.query.get("error")) {
    const msg = `${input.query.get("error")}: ${input.query.get("error_description") ?? ""}`;
    await mdb.update(channelAccounts).set({ lastError: msg.slice(0, 500) }).where(eq(channelAccounts.id, account.id));
    return { ok: false, accountId: account.id, error: msg };
  }
  let result: Awaited<ReturnType<typeof connector.completeAuthorization>>;
  try {
    result = await connector.completeAuthorization({ account: accountRef(account), query: input.query, redirectUri: st.redirectUri });
  } catch (e) {
    const msg = e instanceof ChannelError ? `${e.kind === "signature" ? "签名校验失败 / signature check failed" : e.kind}: ${e.message}` : String(e);
    await mdb.update(channelAccounts).set({ lastError: msg.slice(0, 500) }).where(eq(channelAccounts.id, account.id));
    return { ok: false, accountId: account.id, error: msg };
  }
  const now = new Date();
  try {
    await mdb
      .update(channelAccounts)
      .set({
        ...sealedCredentials(account, result.credentials),
        externalShopId: result.externalShopId,
        shopName: result.shopName,
        ...(result.settings ? { settings: result.settings } : {}),
        ...(result.baseUrl ? { baseUrl: result.baseUrl } : {}),
        status: "enabled",
        authorizedAt: now,
        lastError: null,
        nextPullAt: account.pullMode === "auto" ? now : null,
      })
      .where(and(eq(channelAccounts.id, account.id), eq(channelAccounts.orgId, account.orgId)));
  } catch (e) {
    if (isUniqueViolation(e, "channel_accounts_org_shop_uq")) return { ok: false, accountId: account.id, error: "shopTaken" };
    if (isUniqueViolation(e, "channel_accounts_platform_shop_uq")) {
      // Which merchant holds it is not said: knowing that is the other merchant's business.
      await mdb.update(channelAccounts).set({ lastError: "shopClaimedElsewhere: this shop is authorized by another merchant" }).where(eq(channelAccounts.id, account.id));
      return { ok: false, accountId: account.id, error: "shopClaimedElsewhere" };
    }
    throw e;
  }
  const fresh = await getAccountRow({ db: mdb, orgId: account.orgId }, account.id);
  let warning: string | null = null;
  if (result.otherShops?.length) warning = await addCoveredShops(mdb, fresh, result.otherShops, result.credentials);
  try {
    // Verification: one authenticated call with the new token.
    const v = await connector.verify({ account: accountRef(fresh), credentials: result.credentials });
    if (connector.afterAuthorization) {
      try {
        await connector.afterAuthorization({ account: accountRef(fresh), credentials: result.credentials, appUrl: input.appUrl });
      } catch (e) {
        // Webhooks are hints; pulls work without them.
        warning = `webhooks: ${e instanceof Error ? e.message : e}`;
        await mdb.update(channelAccounts).set({ lastError: warning.slice(0, 500) }).where(eq(channelAccounts.id, account.id));
      }
    }
    return { ok: true, accountId: account.id, shopName: v.shopName ?? result.shopName, warning };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await mdb.update(channelAccounts).set({ lastError: msg.slice(0, 500) }).where(eq(channelAccounts.id, account.id));
    return { ok: false, accountId: account.id, error: msg };
  }
}

/**
 * The other shops one authorization covers (a Lazada cross-border seller's other ventures): one account
 * each, on the same token pair; an account this merchant already has for that shop gets the new tokens.
 * A shop another merchant holds is skipped and said in the warning.
 */
async function addCoveredShops(
  mdb: Db,
  account: Awaited<ReturnType<typeof getAccountRow>>,
  shops: { externalShopId: string; label: string; settings: Record<string, unknown>; baseUrl: string }[],
  credentials: ChannelCredentials,
): Promise<string | null> {
  const skipped: string[] = [];
  const now = new Date();
  for (const s of shops) {
    const [existing] = await mdb
      .select({ id: channelAccounts.id, orgId: channelAccounts.orgId })
      .from(channelAccounts)
      .where(and(eq(channelAccounts.orgId, account.orgId), eq(channelAccounts.platform, account.platform), eq(channelAccounts.externalShopId, s.externalShopId)));
    const common = { settings: s.settings, status: "enabled" as const, authorizedAt: now, lastError: null, nextPullAt: account.pullMode === "auto" ? now : null };
    if (existing) {
      await mdb.update(channelAccounts).set({ ...sealedCredentials(existing, credentials), ...common }).where(and(eq(channelAccounts.orgId, existing.orgId), eq(channelAccounts.id, existing.id)));
      continue;
    }
    const id = newId();
    for (let n = 1; ; n++) {
      const alias = `${account.alias} ${s.label}${n > 1 ? ` ${n}` : ""}`.slice(0, 60);
      try {
        await mdb.insert(channelAccounts).values({
          id,
          orgId: account.orgId,
          platform: account.platform,
          alias,
          externalShopId: s.externalShopId,
          shopName: null,
          baseUrl: s.baseUrl,
          pullMode: account.pullMode,
          pullIntervalMinutes: account.pullIntervalMinutes,
          importEnabled: account.importEnabled,
          ...sealedCredentials({ orgId: account.orgId, id }, credentials),
          ...common,
        });
        break;
      } catch (e) {
        if (isUniqueViolation(e, "channel_accounts_org_alias_uq") && n < 20) continue;
        if (isUniqueViolation(e, "channel_accounts_platform_shop_uq")) {
          skipped.push(s.label);
          break;
        }
        throw e;
      }
    }
  }
  return skipped.length ? `shopClaimedElsewhere: ${skipped.join(", ")} authorized by another merchant` : null;
}

/** 验证: a verification call on demand for an authorized account. */
export async function verifyAccount(ctx: ServiceContext, id: string) {
  const account = await getAccountRow(ctx, id);
  const connector = connectorFor(account.platform);
  if (!connector) throw fieldError("platform", "platformUnavailable");
  try {
    const v = await withAccountCredentials(ctx, account, (ref, creds) => connector.verify({ account: ref, credentials: creds }));
    await ctx.db.update(channelAccounts).set({ lastError: null, shopName: v.shopName ?? account.shopName }).where(eq(channelAccounts.id, account.id));
    return { ok: true as const, shopName: v.shopName };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    await ctx.db.update(channelAccounts).set({ lastError: msg.slice(0, 500) }).where(eq(channelAccounts.id, account.id));
    return { ok: false as const, error: msg };
  }
}
